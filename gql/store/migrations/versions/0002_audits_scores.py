"""Audits and scores: audit plans, their retailers and edits, audit records, score events,
closed evaluation results, amendments and goals (R5, R7).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import op

if TYPE_CHECKING:
    from collections.abc import Sequence

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "audit_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_date", sa.Date(), nullable=False),
        sa.Column("seed", sa.String(length=40), nullable=False),
        sa.Column("design", sa.JSON(), nullable=False),
        sa.Column("inputs_digest", sa.String(length=64), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("area_code", sa.String(length=12), nullable=True),
        sa.Column("manager_ids", sa.JSON(), nullable=False),
        sa.Column("auditor_ids", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "OPEN",
                "COMPLETED",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("start_lat", sa.Double(), nullable=False),
        sa.Column("start_lon", sa.Double(), nullable=False),
        sa.Column("start_label", sa.String(length=80), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("proven_optimal", sa.Boolean(), nullable=False),
        sa.Column("gap", sa.Double(), nullable=True),
        sa.Column("length_m", sa.Integer(), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=False),
        sa.Column("baseline_length_m", sa.Integer(), nullable=True),
        sa.Column("optimised_against", sa.JSON(), nullable=False),
        sa.Column("sample", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "length_m >= 0 AND duration_s >= 0", name=op.f("ck_audit_plans_totals_non_negative")
        ),
        sa.CheckConstraint(
            "start_lat BETWEEN -90 AND 90", name=op.f("ck_audit_plans_start_lat_range")
        ),
        sa.CheckConstraint(
            "start_lon BETWEEN -180 AND 180", name=op.f("ck_audit_plans_start_lon_range")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["staff.id"],
            name=op.f("fk_audit_plans_created_by_staff"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_audit_plans_department_id_departments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_plans")),
    )
    with op.batch_alter_table("audit_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_plans_plan_date"), ["plan_date"], unique=False)

    op.create_table(
        "evaluation_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "MONTH",
                "QUARTER",
                "YEAR",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("policy_version", sa.String(length=40), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("closed_by", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["closed_by"],
            ["staff.id"],
            name=op.f("fk_evaluation_results_closed_by_staff"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_evaluation_results_department_id_departments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["account_managers.staff_id"],
            name=op.f("fk_evaluation_results_manager_id_account_managers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_results")),
        sa.UniqueConstraint(
            "kind",
            "period",
            "manager_id",
            name=op.f("uq_evaluation_results_kind_period_manager_id"),
        ),
    )
    with op.batch_alter_table("evaluation_results", schema=None) as batch_op:
        batch_op.create_index(
            "ix_evaluation_results_department_id_kind_period",
            ["department_id", "kind", "period"],
            unique=False,
        )

    op.create_table(
        "goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("baseline", sa.Double(), nullable=False),
        sa.Column("target", sa.Double(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("current", sa.Double(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["staff.id"],
            name=op.f("fk_goals_created_by_staff"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["account_managers.staff_id"],
            name=op.f("fk_goals_manager_id_account_managers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
    )
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.create_index("ix_goals_manager_id_period", ["manager_id", "period"], unique=False)

    op.create_table(
        "score_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "SALES_SETTLEMENT",
                "RULE_BREACH",
                "COMPLAINT",
                "LEAVE",
                "BASIC_WORK_CHECK",
                "TRAINING_RESULT",
                "COMPLIANCE_VETO",
                "AUDIT_FINDING",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("source_key", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["account_managers.staff_id"],
            name=op.f("fk_score_events_manager_id_account_managers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["staff.id"],
            name=op.f("fk_score_events_recorded_by_staff"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_events")),
        sa.UniqueConstraint("source_key", name=op.f("uq_score_events_source_key")),
    )
    with op.batch_alter_table("score_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_score_events_manager_id_occurred_on", ["manager_id", "occurred_on"], unique=False
        )

    op.create_table(
        "audit_plan_edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "ADD", "REMOVE", name="action", native_enum=False, create_constraint=True, length=24
            ),
            nullable=False,
        ),
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=400), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_audit_plan_edits_seq_positive")),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["staff.id"],
            name=op.f("fk_audit_plan_edits_author_id_staff"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["audit_plans.id"],
            name=op.f("fk_audit_plan_edits_plan_id_audit_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["retailer_id"],
            ["retailers.id"],
            name=op.f("fk_audit_plan_edits_retailer_id_retailers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_plan_edits")),
        sa.UniqueConstraint("plan_id", "seq", name=op.f("uq_audit_plan_edits_plan_id_seq")),
    )
    op.create_table(
        "audit_plan_retailers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("drawn", sa.Boolean(), nullable=False),
        sa.Column("stratum", sa.JSON(), nullable=False),
        sa.Column("eta_s", sa.Integer(), nullable=True),
        sa.Column("etd_s", sa.Integer(), nullable=True),
        sa.Column("leg_distance_m", sa.Integer(), nullable=True),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_audit_plan_retailers_seq_positive")),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["account_managers.staff_id"],
            name=op.f("fk_audit_plan_retailers_manager_id_account_managers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["audit_plans.id"],
            name=op.f("fk_audit_plan_retailers_plan_id_audit_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["retailer_id"],
            ["retailers.id"],
            name=op.f("fk_audit_plan_retailers_retailer_id_retailers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_plan_retailers")),
        sa.UniqueConstraint(
            "plan_id", "retailer_id", name=op.f("uq_audit_plan_retailers_plan_id_retailer_id")
        ),
        sa.UniqueConstraint("plan_id", "seq", name=op.f("uq_audit_plan_retailers_plan_id_seq")),
    )
    with op.batch_alter_table("audit_plan_retailers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_plan_retailers_retailer_id"), ["retailer_id"], unique=False
        )

    op.create_table(
        "audit_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("auditor_id", sa.Integer(), nullable=False),
        sa.Column("audited_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("price_tags_shown", sa.Boolean(), nullable=False),
        sa.Column("policy_promoted", sa.Boolean(), nullable=False),
        sa.Column("satisfaction", sa.Integer(), nullable=False),
        sa.Column(
            "manager_visited",
            sa.Enum(
                "YES",
                "NO",
                "NOT_SURE",
                name="manager_visited",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column(
            "auditor_verdict",
            sa.Enum(
                "PENDING",
                "IN_PLACE",
                "NOT_IN_PLACE",
                "INCONCLUSIVE",
                name="auditor_verdict",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("auditor_distance_m", sa.Double(), nullable=True),
        sa.Column("fix_lat", sa.Double(), nullable=True),
        sa.Column("fix_lon", sa.Double(), nullable=True),
        sa.Column(
            "fix_coordinate_system",
            sa.Enum(
                "WGS84",
                "GCJ02",
                "BD09",
                name="fix_coordinate_system",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=True,
        ),
        sa.Column("fix_accuracy_m", sa.Double(), nullable=True),
        sa.Column("fix_captured_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("auditor_evidence", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "satisfaction BETWEEN 1 AND 5", name=op.f("ck_audit_records_satisfaction_range")
        ),
        sa.ForeignKeyConstraint(
            ["auditor_id"],
            ["staff.id"],
            name=op.f("fk_audit_records_auditor_id_staff"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["account_managers.staff_id"],
            name=op.f("fk_audit_records_manager_id_account_managers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["audit_plans.id"],
            name=op.f("fk_audit_records_plan_id_audit_plans"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["retailer_id"],
            ["retailers.id"],
            name=op.f("fk_audit_records_retailer_id_retailers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_records")),
        sa.UniqueConstraint(
            "plan_id", "retailer_id", name=op.f("uq_audit_records_plan_id_retailer_id")
        ),
    )
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_records_retailer_id"), ["retailer_id"], unique=False
        )

    op.create_table(
        "evaluation_amendments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=400), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_evaluation_amendments_seq_positive")),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["staff.id"],
            name=op.f("fk_evaluation_amendments_author_id_staff"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["result_id"],
            ["evaluation_results.id"],
            name=op.f("fk_evaluation_amendments_result_id_evaluation_results"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_amendments")),
        sa.UniqueConstraint(
            "result_id", "seq", name=op.f("uq_evaluation_amendments_result_id_seq")
        ),
    )


def downgrade() -> None:
    # Dropping a table drops its indexes and constraints with it.
    for table in (
        "evaluation_amendments",
        "audit_records",
        "audit_plan_retailers",
        "audit_plan_edits",
        "score_events",
        "goals",
        "evaluation_results",
        "audit_plans",
    ):
        op.drop_table(table)
