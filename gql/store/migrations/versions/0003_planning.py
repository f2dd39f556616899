"""Planning: territory and schedule proposals, their per-retailer assignments and routed
days (R6, issue 8).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import op

if TYPE_CHECKING:
    from collections.abc import Sequence

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "territory_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "TERRITORIES",
                "SCHEDULE",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "PROPOSED",
                "APPLIED",
                "DISCARDED",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("based_on_id", sa.Integer(), nullable=True),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_by", sa.Integer(), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("discarded_by", sa.Integer(), nullable=True),
        sa.Column("discarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["applied_by"],
            ["staff.id"],
            name=op.f("fk_territory_proposals_applied_by_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["based_on_id"],
            ["territory_proposals.id"],
            name=op.f("fk_territory_proposals_based_on_id_territory_proposals"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["staff.id"],
            name=op.f("fk_territory_proposals_created_by_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_territory_proposals_department_id_departments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["discarded_by"],
            ["staff.id"],
            name=op.f("fk_territory_proposals_discarded_by_staff"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_territory_proposals")),
    )
    with op.batch_alter_table("territory_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_territory_proposals_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(
            "ix_territory_proposals_kind_status", ["kind", "status"], unique=False
        )

    op.create_table(
        "schedule_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.SmallInteger(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("retailer_ids", sa.JSON(), nullable=False),
        sa.Column("travel_m", sa.Double(), nullable=False),
        sa.Column("hours", sa.Double(), nullable=False),
        sa.Column("late_stops", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "travel_m >= 0 AND hours >= 0", name=op.f("ck_schedule_days_totals_non_negative")
        ),
        sa.CheckConstraint("week BETWEEN 0 AND 3", name=op.f("ck_schedule_days_week_range")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 4", name=op.f("ck_schedule_days_weekday_range")),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["account_managers.staff_id"],
            name=op.f("fk_schedule_days_manager_id_account_managers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["territory_proposals.id"],
            name=op.f("fk_schedule_days_proposal_id_territory_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_days")),
        sa.UniqueConstraint(
            "proposal_id",
            "manager_id",
            "week",
            "weekday",
            name=op.f("uq_schedule_days_proposal_id_manager_id_week_weekday"),
        ),
    )
    op.create_table(
        "proposal_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("previous_manager_id", sa.Integer(), nullable=True),
        sa.Column("weekday", sa.SmallInteger(), nullable=True),
        sa.Column("phase", sa.SmallInteger(), nullable=True),
        sa.Column("visits_per_cycle", sa.SmallInteger(), nullable=True),
        sa.CheckConstraint(
            "phase IS NULL OR phase BETWEEN 0 AND 3",
            name=op.f("ck_proposal_assignments_phase_range"),
        ),
        sa.CheckConstraint(
            "visits_per_cycle IS NULL OR visits_per_cycle IN (1, 2, 4)",
            name=op.f("ck_proposal_assignments_visits_allowed"),
        ),
        sa.CheckConstraint(
            "weekday IS NULL OR weekday BETWEEN 0 AND 4",
            name=op.f("ck_proposal_assignments_weekday_range"),
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["account_managers.staff_id"],
            name=op.f("fk_proposal_assignments_manager_id_account_managers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["previous_manager_id"],
            ["account_managers.staff_id"],
            name=op.f("fk_proposal_assignments_previous_manager_id_account_managers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["territory_proposals.id"],
            name=op.f("fk_proposal_assignments_proposal_id_territory_proposals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["retailer_id"],
            ["retailers.id"],
            name=op.f("fk_proposal_assignments_retailer_id_retailers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_assignments")),
        sa.UniqueConstraint(
            "proposal_id",
            "retailer_id",
            name=op.f("uq_proposal_assignments_proposal_id_retailer_id"),
        ),
    )
    with op.batch_alter_table("proposal_assignments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_proposal_assignments_proposal_id_manager_id",
            ["proposal_id", "manager_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_proposal_assignments_retailer_id"), ["retailer_id"], unique=False
        )


def downgrade() -> None:
    # Dropping a table drops its indexes and constraints with it.
    for table in ("proposal_assignments", "schedule_days", "territory_proposals"):
        op.drop_table(table)
