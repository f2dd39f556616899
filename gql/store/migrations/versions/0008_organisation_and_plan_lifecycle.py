"""Issue 16: the organisation's change log and the plan lifecycle.

* ``org_changes``: who changed departments, staff and managers, when, how, effective when.
* ``plan_publications``: a plan's publication (version, re-plan reason, who, when).
* ``plan_stop_skips``: stops the manager will not visit, with their reason.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import op

if TYPE_CHECKING:
    from collections.abc import Sequence

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "org_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["staff.id"],
            name=op.f("fk_org_changes_actor_id_staff"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_changes")),
    )
    with op.batch_alter_table("org_changes", schema=None) as batch_op:
        batch_op.create_index("ix_org_changes_actor_id", ["actor_id"], unique=False)
        batch_op.create_index("ix_org_changes_subject", ["subject", "subject_id"], unique=False)
    op.create_table(
        "plan_publications",
        sa.Column("plan_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=400), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["visit_plans.id"],
            name=op.f("fk_plan_publications_plan_id_visit_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["published_by"],
            ["staff.id"],
            name=op.f("fk_plan_publications_published_by_staff"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("plan_id", name=op.f("pk_plan_publications")),
    )
    op.create_table(
        "plan_stop_skips",
        sa.Column("stop_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("reason", sa.String(length=400), nullable=False),
        sa.Column("skipped_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("skipped_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["stop_id"],
            ["plan_stops.id"],
            name=op.f("fk_plan_stop_skips_stop_id_plan_stops"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["skipped_by"],
            ["staff.id"],
            name=op.f("fk_plan_stop_skips_skipped_by_staff"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("stop_id", name=op.f("pk_plan_stop_skips")),
    )


def downgrade() -> None:
    op.drop_table("plan_stop_skips")
    op.drop_table("plan_publications")
    with op.batch_alter_table("org_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_org_changes_subject")
        batch_op.drop_index("ix_org_changes_actor_id")
    op.drop_table("org_changes")
