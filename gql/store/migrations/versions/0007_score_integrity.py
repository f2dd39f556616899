"""Scores a company can stand behind (issue 15): assignment history, event lifecycle,
reopenings and result revisions, review meetings, targets' author, goal ranges, audit times.

* ``retailer_assignments``: who answered for a retailer when; every retailer starts with its
  current manager since records began, so past sales keep their manager after a reassignment.
* ``score_events.status`` (+ reason, decision): held findings, amendment proposals, retractions.
* ``evaluation_reopenings`` and ``evaluation_results.revision/scope/reopening_id``: a reopened
  period keeps its results; closing it again writes the next revision.
* ``evaluation_reviews``: the monthly and quarterly review meetings held.
* ``evaluation_amendments.event_id``, ``monthly_targets.set_by/set_at``,
  ``goals.lowest/highest``, ``audit_records.audited_at`` (backfilled from ``recorded_at``).

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import op

if TYPE_CHECKING:
    from collections.abc import Sequence

revision: str = "0007"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUSES = ("RECORDED", "HELD", "PROPOSED", "RETRACTED", "REJECTED")
_PERIOD_KINDS = ("MONTH", "QUARTER", "YEAR")
_SCOPES = ("DEPARTMENT", "COMPANY")


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _period_kind() -> sa.Enum:
    return sa.Enum(
        *_PERIOD_KINDS, name="kind", native_enum=False, create_constraint=True, length=24
    )


def upgrade() -> None:
    op.create_table(
        "retailer_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from",
            name=op.f("ck_retailer_assignments_valid_order"),
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["account_managers.staff_id"],
            name=op.f("fk_retailer_assignments_manager_id_account_managers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["retailer_id"],
            ["retailers.id"],
            name=op.f("fk_retailer_assignments_retailer_id_retailers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retailer_assignments")),
    )
    with op.batch_alter_table("retailer_assignments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_retailer_assignments_retailer_id_valid_from",
            ["retailer_id", "valid_from"],
            unique=False,
        )
        batch_op.create_index("ix_retailer_assignments_manager_id", ["manager_id"], unique=False)
    retailers = sa.table("retailers", sa.column("id"), sa.column("manager_id"))
    assignments = sa.table(
        "retailer_assignments",
        sa.column("retailer_id"),
        sa.column("manager_id"),
        sa.column("valid_from", sa.Date()),
        sa.column("recorded_at", sa.DateTime(timezone=True)),
    )
    op.execute(
        assignments.insert().from_select(
            ["retailer_id", "manager_id", "valid_from", "recorded_at"],
            sa.select(
                retailers.c.id,
                retailers.c.manager_id,
                sa.literal(datetime(1900, 1, 1).date(), sa.Date()),
                sa.literal(datetime.now(UTC), sa.DateTime(timezone=True)),
            ),
        )
    )

    op.create_table(
        "evaluation_reopenings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _period_kind(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=400), nullable=False),
        sa.Column("reopened_by", sa.Integer(), nullable=False),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_evaluation_reopenings_department_id_departments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reopened_by"],
            ["staff.id"],
            name=op.f("fk_evaluation_reopenings_reopened_by_staff"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_reopenings")),
    )
    op.create_table(
        "evaluation_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _period_kind(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_evaluation_reviews_department_id_departments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["staff.id"],
            name=op.f("fk_evaluation_reviews_recorded_by_staff"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_reviews")),
    )
    with op.batch_alter_table("evaluation_reviews", schema=None) as batch_op:
        batch_op.create_index("ix_evaluation_reviews_kind_period", ["kind", "period"], unique=False)

    with op.batch_alter_table("score_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=24), server_default="RECORDED", nullable=False)
        )
        batch_op.add_column(sa.Column("status_reason", sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column("decided_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("decision_reason", sa.String(length=500), nullable=True))
        batch_op.create_check_constraint(op.f("ck_score_events_status"), _in("status", _STATUSES))
        batch_op.create_foreign_key(
            op.f("fk_score_events_decided_by_staff"),
            "staff",
            ["decided_by"],
            ["id"],
            ondelete="RESTRICT",
        )

    with op.batch_alter_table("evaluation_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(
            sa.Column("scope", sa.String(length=24), server_default="DEPARTMENT", nullable=False)
        )
        batch_op.add_column(sa.Column("reopening_id", sa.Integer(), nullable=True))
        batch_op.drop_constraint(
            op.f("uq_evaluation_results_kind_period_manager_id"), type_="unique"
        )
        batch_op.create_unique_constraint(
            op.f("uq_evaluation_results_kind_period_manager_id_revision"),
            ["kind", "period", "manager_id", "revision"],
        )
        batch_op.create_check_constraint(
            op.f("ck_evaluation_results_revision_positive"), "revision >= 1"
        )
        batch_op.create_check_constraint(op.f("ck_evaluation_results_scope"), _in("scope", _SCOPES))
        batch_op.create_foreign_key(
            op.f("fk_evaluation_results_reopening_id_evaluation_reopenings"),
            "evaluation_reopenings",
            ["reopening_id"],
            ["id"],
            ondelete="RESTRICT",
        )

    with op.batch_alter_table("evaluation_amendments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_evaluation_amendments_event_id_score_events"),
            "score_events",
            ["event_id"],
            ["id"],
            ondelete="RESTRICT",
        )

    with op.batch_alter_table("monthly_targets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("set_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("set_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_monthly_targets_set_by_staff"),
            "staff",
            ["set_by"],
            ["id"],
            ondelete="RESTRICT",
        )

    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lowest", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("highest", sa.Double(), nullable=True))

    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audited_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE audit_records SET audited_at = recorded_at")
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.alter_column(
            "audited_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.drop_column("audited_at")
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.drop_column("highest")
        batch_op.drop_column("lowest")
    with op.batch_alter_table("monthly_targets", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_monthly_targets_set_by_staff"), type_="foreignkey")
        batch_op.drop_column("set_at")
        batch_op.drop_column("set_by")
    with op.batch_alter_table("evaluation_amendments", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("fk_evaluation_amendments_event_id_score_events"), type_="foreignkey"
        )
        batch_op.drop_column("event_id")
    op.execute(
        "DELETE FROM evaluation_amendments WHERE result_id IN (SELECT id FROM "
        "evaluation_results WHERE revision > 1)"
    )
    op.execute("DELETE FROM evaluation_results WHERE revision > 1")
    with op.batch_alter_table("evaluation_results", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("fk_evaluation_results_reopening_id_evaluation_reopenings"), type_="foreignkey"
        )
        batch_op.drop_constraint(op.f("ck_evaluation_results_scope"), type_="check")
        batch_op.drop_constraint(op.f("ck_evaluation_results_revision_positive"), type_="check")
        batch_op.drop_constraint(
            op.f("uq_evaluation_results_kind_period_manager_id_revision"), type_="unique"
        )
        batch_op.create_unique_constraint(
            op.f("uq_evaluation_results_kind_period_manager_id"), ["kind", "period", "manager_id"]
        )
        batch_op.drop_column("reopening_id")
        batch_op.drop_column("scope")
        batch_op.drop_column("revision")
    with op.batch_alter_table("score_events", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_score_events_decided_by_staff"), type_="foreignkey")
        batch_op.drop_constraint(op.f("ck_score_events_status"), type_="check")
        batch_op.drop_column("decision_reason")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("decided_by")
        batch_op.drop_column("status_reason")
        batch_op.drop_column("status")
    with op.batch_alter_table("evaluation_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_evaluation_reviews_kind_period")
    op.drop_table("evaluation_reviews")
    op.drop_table("evaluation_reopenings")
    with op.batch_alter_table("retailer_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_retailer_assignments_manager_id")
        batch_op.drop_index("ix_retailer_assignments_retailer_id_valid_from")
    op.drop_table("retailer_assignments")
