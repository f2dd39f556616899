"""Issue 16 items 4-5: where a day plan's retailers came from; retailer status over time.

* ``plan_retailer_sources``: per plan and retailer, SCHEDULED / KEY_CUSTOMER / ORDER_DAY /
  REQUESTED / ADDED / REMOVED.
* ``retailer_status_changes``: suspensions, closures and reopenings with their effective day,
  who and why (appended; a retailer's status on a day is the newest change in force then).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import op

if TYPE_CHECKING:
    from collections.abc import Sequence

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SOURCES = ("SCHEDULED", "KEY_CUSTOMER", "ORDER_DAY", "REQUESTED", "ADDED", "REMOVED")
_STATUSES = ("ACTIVE", "SUSPENDED", "CLOSED")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "plan_retailer_sources",
        sa.Column("plan_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("retailer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.CheckConstraint(
            _one_of("source", _SOURCES), name=op.f("ck_plan_retailer_sources_source")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["visit_plans.id"],
            name=op.f("fk_plan_retailer_sources_plan_id_visit_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["retailer_id"],
            ["retailers.id"],
            name=op.f("fk_plan_retailer_sources_retailer_id_retailers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("plan_id", "retailer_id", name=op.f("pk_plan_retailer_sources")),
    )
    op.create_table(
        "retailer_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("previous_status", sa.String(length=24), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=400), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            _one_of("status", _STATUSES), name=op.f("ck_retailer_status_changes_status")
        ),
        sa.CheckConstraint(
            _one_of("previous_status", _STATUSES),
            name=op.f("ck_retailer_status_changes_previous_status"),
        ),
        sa.ForeignKeyConstraint(
            ["retailer_id"],
            ["retailers.id"],
            name=op.f("fk_retailer_status_changes_retailer_id_retailers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by"],
            ["staff.id"],
            name=op.f("fk_retailer_status_changes_changed_by_staff"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retailer_status_changes")),
    )
    with op.batch_alter_table("retailer_status_changes", schema=None) as batch_op:
        batch_op.create_index("ix_retailer_status_changes_changed_by", ["changed_by"], unique=False)
        batch_op.create_index(
            "ix_retailer_status_changes_retailer_id_effective_on",
            ["retailer_id", "effective_on"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("retailer_status_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_retailer_status_changes_retailer_id_effective_on")
        batch_op.drop_index("ix_retailer_status_changes_changed_by")
    op.drop_table("retailer_status_changes")
    op.drop_table("plan_retailer_sources")
