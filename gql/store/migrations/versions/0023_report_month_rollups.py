"""Issue 17 item 8: month roll-ups for the reports — per manager-month (the days' report facts
totalled) and per retailer-month (sales totals), so a company-year reads ~2,400 manager rows
and 600,000 retailer rows instead of 50,000 and 12 M.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import op

if TYPE_CHECKING:
    from collections.abc import Sequence

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_manager_months",
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["account_managers.staff_id"],
            name=op.f("fk_report_manager_months_manager_id_account_managers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("manager_id", "month", name=op.f("pk_report_manager_months")),
    )
    op.create_table(
        "report_retailer_months",
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("volume_cartons", sa.BigInteger(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["retailer_id"],
            ["retailers.id"],
            name=op.f("fk_report_retailer_months_retailer_id_retailers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("retailer_id", "month", name=op.f("pk_report_retailer_months")),
    )
    op.create_index("ix_report_retailer_months_month", "report_retailer_months", ["month"])


def downgrade() -> None:
    op.drop_index("ix_report_retailer_months_month", table_name="report_retailer_months")
    op.drop_table("report_retailer_months")
    op.drop_table("report_manager_months")
