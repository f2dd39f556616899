"""Issue 17 item 8: report aggregates per manager-day, the marks of stale days, and whether
the aggregates were built (``visitgis report refresh --full``); until then reports read the
raw tables.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import op

if TYPE_CHECKING:
    from collections.abc import Sequence

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_manager_days",
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["account_managers.staff_id"],
            name=op.f("fk_report_manager_days_manager_id_account_managers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("manager_id", "day", name=op.f("pk_report_manager_days")),
    )
    op.create_index("ix_report_manager_days_day", "report_manager_days", ["day"])
    op.create_table(
        "report_stale_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_stale_days")),
    )
    op.create_index(
        "ix_report_stale_days_manager_id_day", "report_stale_days", ["manager_id", "day"]
    )
    op.create_table(
        "report_aggregate_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_aggregate_state")),
    )


def downgrade() -> None:
    op.drop_table("report_aggregate_state")
    op.drop_index("ix_report_stale_days_manager_id_day", table_name="report_stale_days")
    op.drop_table("report_stale_days")
    op.drop_index("ix_report_manager_days_day", table_name="report_manager_days")
    op.drop_table("report_manager_days")
