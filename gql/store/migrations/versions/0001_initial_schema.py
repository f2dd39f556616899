"""Initial schema: organisation, retailers, sales, plans, visits (R1).

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import op

if TYPE_CHECKING:
    from collections.abc import Sequence

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "departments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "COMPANY",
                "MARKETING",
                "CUSTOMER_SERVICE",
                "AUDIT_TEAM",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["departments.id"],
            name=op.f("fk_departments_parent_id_departments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
        sa.UniqueConstraint("code", name=op.f("uq_departments_code")),
    )
    op.create_index(op.f("ix_departments_parent_id"), "departments", ["parent_id"], unique=False)

    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_no", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "ACCOUNT_MANAGER",
                "DEPARTMENT_HEAD",
                "DEPUTY_HEAD",
                "MARKETING",
                "AUDITOR",
                "ADMIN",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_staff_department_id_departments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("staff_no", name=op.f("uq_staff_staff_no")),
    )
    op.create_index(op.f("ix_staff_department_id"), "staff", ["department_id"], unique=False)
    op.create_index(
        "uq_staff_one_head_or_deputy",
        "staff",
        ["department_id", "role"],
        unique=True,
        sqlite_where=sa.text("role IN ('DEPARTMENT_HEAD', 'DEPUTY_HEAD') AND active"),
        postgresql_where=sa.text("role IN ('DEPARTMENT_HEAD', 'DEPUTY_HEAD') AND active"),
    )

    op.create_table(
        "account_managers",
        sa.Column("staff_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("msisdn", sa.String(length=20), nullable=False),
        sa.Column(
            "carrier",
            sa.Enum(
                "TELECOM",
                "MOBILE",
                name="carrier",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("start_lat", sa.Double(), nullable=False),
        sa.Column("start_lon", sa.Double(), nullable=False),
        sa.Column("start_label", sa.String(length=80), nullable=False),
        sa.CheckConstraint(
            "start_lat BETWEEN -90 AND 90", name=op.f("ck_account_managers_start_lat_range")
        ),
        sa.CheckConstraint(
            "start_lon BETWEEN -180 AND 180", name=op.f("ck_account_managers_start_lon_range")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_account_managers_staff_id_staff"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_account_managers")),
        sa.UniqueConstraint("msisdn", name=op.f("uq_account_managers_msisdn")),
    )
    op.create_table(
        "monthly_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("volume_cartons", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount_fen >= 0", name=op.f("ck_monthly_targets_amount_non_negative")),
        sa.CheckConstraint(
            "volume_cartons >= 0", name=op.f("ck_monthly_targets_volume_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["account_managers.staff_id"],
            name=op.f("fk_monthly_targets_manager_id_account_managers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monthly_targets")),
        sa.UniqueConstraint(
            "manager_id", "month", name=op.f("uq_monthly_targets_manager_id_month")
        ),
    )
    op.create_table(
        "retailers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("licence_no", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column(
            "business_type",
            sa.Enum(
                "ORDINARY",
                "CONVENIENCE",
                "CHAIN_SUPERMARKET",
                "HOTEL_ENTERTAINMENT",
                "OTHER",
                name="business_type",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("grade", sa.SmallInteger(), nullable=False),
        sa.Column("key_customer", sa.Boolean(), nullable=False),
        sa.Column("service_time_s", sa.Integer(), nullable=False),
        sa.Column("order_weekday", sa.SmallInteger(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "ACTIVE",
                "SUSPENDED",
                "CLOSED",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("grade BETWEEN 1 AND 30", name=op.f("ck_retailers_grade_range")),
        sa.CheckConstraint("lat BETWEEN -90 AND 90", name=op.f("ck_retailers_lat_range")),
        sa.CheckConstraint("lon BETWEEN -180 AND 180", name=op.f("ck_retailers_lon_range")),
        sa.CheckConstraint(
            "order_weekday BETWEEN 0 AND 6", name=op.f("ck_retailers_order_weekday_range")
        ),
        sa.CheckConstraint("service_time_s > 0", name=op.f("ck_retailers_service_time_positive")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_retailers_version_positive")),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["account_managers.staff_id"],
            name=op.f("fk_retailers_manager_id_account_managers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retailers")),
        sa.UniqueConstraint("licence_no", name=op.f("uq_retailers_licence_no")),
    )
    op.create_index(op.f("ix_retailers_area_code"), "retailers", ["area_code"], unique=False)
    op.create_index(
        op.f("ix_retailers_business_type"), "retailers", ["business_type"], unique=False
    )
    op.create_index("ix_retailers_lat_lon", "retailers", ["lat", "lon"], unique=False)
    op.create_index(op.f("ix_retailers_manager_id"), "retailers", ["manager_id"], unique=False)
    op.create_index(op.f("ix_retailers_status"), "retailers", ["status"], unique=False)

    op.create_table(
        "visit_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("plan_date", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "DRAFT",
                "PUBLISHED",
                "SUPERSEDED",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("proven_optimal", sa.Boolean(), nullable=False),
        sa.Column("gap", sa.Double(), nullable=True),
        sa.Column("length_m", sa.Integer(), nullable=False),
        sa.Column("duration_s", sa.Integer(), nullable=False),
        sa.Column("baseline_length_m", sa.Integer(), nullable=True),
        sa.Column("optimised_against", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("gap IS NULL OR gap >= 0", name=op.f("ck_visit_plans_gap_non_negative")),
        sa.CheckConstraint(
            "length_m >= 0 AND duration_s >= 0", name=op.f("ck_visit_plans_totals_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["staff.id"],
            name=op.f("fk_visit_plans_created_by_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["account_managers.staff_id"],
            name=op.f("fk_visit_plans_manager_id_account_managers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_plans")),
    )
    op.create_index(
        "ix_visit_plans_manager_id_plan_date",
        "visit_plans",
        ["manager_id", "plan_date"],
        unique=False,
    )
    op.create_index(
        "uq_visit_plans_one_published",
        "visit_plans",
        ["manager_id", "plan_date"],
        unique=True,
        sqlite_where=sa.text("status = 'PUBLISHED'"),
        postgresql_where=sa.text("status = 'PUBLISHED'"),
    )

    op.create_table(
        "opening_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=True),
        sa.Column("open_s", sa.Integer(), nullable=False),
        sa.Column("close_s", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "open_s >= 0 AND open_s < close_s AND close_s <= 86400",
            name=op.f("ck_opening_windows_window_in_day"),
        ),
        sa.CheckConstraint(
            "weekday IS NULL OR weekday BETWEEN 0 AND 6",
            name=op.f("ck_opening_windows_weekday_range"),
        ),
        sa.ForeignKeyConstraint(
            ["retailer_id"],
            ["retailers.id"],
            name=op.f("fk_opening_windows_retailer_id_retailers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opening_windows")),
    )
    op.create_index(
        op.f("ix_opening_windows_retailer_id"), "opening_windows", ["retailer_id"], unique=False
    )

    op.create_table(
        "plan_stops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("eta_s", sa.Integer(), nullable=False),
        sa.Column("etd_s", sa.Integer(), nullable=False),
        sa.Column("leg_distance_m", sa.Integer(), nullable=False),
        sa.Column("leg_duration_s", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "eta_s >= 0 AND etd_s >= eta_s", name=op.f("ck_plan_stops_times_ordered")
        ),
        sa.CheckConstraint(
            "leg_distance_m >= 0 AND leg_duration_s >= 0",
            name=op.f("ck_plan_stops_leg_non_negative"),
        ),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_plan_stops_seq_positive")),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["visit_plans.id"],
            name=op.f("fk_plan_stops_plan_id_visit_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["retailer_id"],
            ["retailers.id"],
            name=op.f("fk_plan_stops_retailer_id_retailers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_stops")),
        sa.UniqueConstraint("plan_id", "seq", name=op.f("uq_plan_stops_plan_id_seq")),
    )
    op.create_index(op.f("ix_plan_stops_retailer_id"), "plan_stops", ["retailer_id"], unique=False)

    op.create_table(
        "sales_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("order_date", sa.Date(), nullable=False),
        sa.Column("volume_cartons", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount_fen >= 0", name=op.f("ck_sales_orders_amount_non_negative")),
        sa.CheckConstraint("volume_cartons >= 0", name=op.f("ck_sales_orders_volume_non_negative")),
        sa.ForeignKeyConstraint(
            ["retailer_id"],
            ["retailers.id"],
            name=op.f("fk_sales_orders_retailer_id_retailers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_orders")),
        sa.UniqueConstraint(
            "retailer_id", "order_date", name=op.f("uq_sales_orders_retailer_id_order_date")
        ),
    )
    op.create_index(
        op.f("ix_sales_orders_order_date"), "sales_orders", ["order_date"], unique=False
    )

    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("plan_stop_id", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("device_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("device_ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("late_upload", sa.Boolean(), nullable=False),
        sa.Column(
            "verdict",
            sa.Enum(
                "PENDING",
                "IN_PLACE",
                "NOT_IN_PLACE",
                "INCONCLUSIVE",
                name="verdict",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("distance_m", sa.Double(), nullable=True),
        sa.Column("probability", sa.Double(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("dwell_s", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "distance_m IS NULL OR distance_m >= 0", name=op.f("ck_visits_distance_non_negative")
        ),
        sa.CheckConstraint(
            "dwell_s IS NULL OR dwell_s >= 0", name=op.f("ck_visits_dwell_non_negative")
        ),
        sa.CheckConstraint(
            "probability IS NULL OR (probability >= 0 AND probability <= 1)",
            name=op.f("ck_visits_probability_range"),
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["account_managers.staff_id"],
            name=op.f("fk_visits_manager_id_account_managers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["plan_stop_id"],
            ["plan_stops.id"],
            name=op.f("fk_visits_plan_stop_id_plan_stops"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["retailer_id"],
            ["retailers.id"],
            name=op.f("fk_visits_retailer_id_retailers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
        sa.UniqueConstraint(
            "manager_id", "idempotency_key", name=op.f("uq_visits_manager_id_idempotency_key")
        ),
    )
    op.create_index(
        "ix_visits_manager_id_started_at", "visits", ["manager_id", "started_at"], unique=False
    )
    op.create_index(op.f("ix_visits_plan_stop_id"), "visits", ["plan_stop_id"], unique=False)
    op.create_index(op.f("ix_visits_retailer_id"), "visits", ["retailer_id"], unique=False)
    op.create_index(op.f("ix_visits_verdict"), "visits", ["verdict"], unique=False)

    op.create_table(
        "position_fixes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column(
            "phase",
            sa.Enum(
                "START", "END", name="phase", native_enum=False, create_constraint=True, length=24
            ),
            nullable=False,
        ),
        sa.Column(
            "source",
            sa.Enum(
                "DEVICE_GPS",
                "DEVICE_WIFI",
                "CARRIER_CELL",
                "CARRIER_AGPS",
                name="source",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column(
            "coordinate_system",
            sa.Enum(
                "WGS84",
                "GCJ02",
                "BD09",
                name="coordinate_system",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("accuracy_m", sa.Double(), nullable=False),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column(
            "carrier",
            sa.Enum(
                "TELECOM",
                "MOBILE",
                name="carrier",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=True,
        ),
        sa.Column("outcome_code", sa.String(length=16), nullable=True),
        sa.Column("raw_request", sa.Text(), nullable=True),
        sa.Column("raw_answer", sa.Text(), nullable=True),
        sa.CheckConstraint("accuracy_m >= 0", name=op.f("ck_position_fixes_accuracy_non_negative")),
        sa.CheckConstraint("lat BETWEEN -90 AND 90", name=op.f("ck_position_fixes_lat_range")),
        sa.CheckConstraint("lon BETWEEN -180 AND 180", name=op.f("ck_position_fixes_lon_range")),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visits.id"],
            name=op.f("fk_position_fixes_visit_id_visits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_position_fixes")),
    )
    op.create_index(
        op.f("ix_position_fixes_visit_id"), "position_fixes", ["visit_id"], unique=False
    )


def downgrade() -> None:
    # Dropping a table drops its indexes and constraints with it.
    op.drop_table("position_fixes")
    op.drop_table("visits")
    op.drop_table("sales_orders")
    op.drop_table("plan_stops")
    op.drop_table("opening_windows")
    op.drop_table("visit_plans")
    op.drop_table("retailers")
    op.drop_table("monthly_targets")
    op.drop_table("account_managers")
    op.drop_table("staff")
    op.drop_table("departments")
