"""Rows for departments, staff and account managers."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from gql.domain import Carrier, DepartmentKind, Role
from gql.store.models.base import Base, enum_type

__all__ = ["AccountManagerRow", "DepartmentRow", "StaffRow"]


class DepartmentRow(Base):
    """``departments``: the company tree (company → marketing / service depts, audit teams)."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    kind: Mapped[DepartmentKind] = mapped_column(enum_type(DepartmentKind, "kind"))
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("departments.id", ondelete="RESTRICT"), index=True
    )


class StaffRow(Base):
    """``staff``: everyone who logs in; at most one active head and deputy per department."""

    __tablename__ = "staff"
    __table_args__ = (
        sa.Index(
            "uq_staff_one_head_or_deputy",
            "department_id",
            "role",
            unique=True,
            sqlite_where=sa.text("role IN ('DEPARTMENT_HEAD', 'DEPUTY_HEAD') AND active"),
            postgresql_where=sa.text("role IN ('DEPARTMENT_HEAD', 'DEPUTY_HEAD') AND active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_no: Mapped[str] = mapped_column(sa.String(16), unique=True)
    name: Mapped[str] = mapped_column(sa.String(40))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    department_id: Mapped[int] = mapped_column(
        sa.ForeignKey("departments.id", ondelete="RESTRICT"), index=True
    )
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    joined_on: Mapped[date] = mapped_column(sa.Date)


class AccountManagerRow(Base):
    """``account_managers``: one row per staff member who visits retailers.

    Keyed by ``staff_id`` so a manager has exactly one identifier across the service.
    """

    __tablename__ = "account_managers"
    __table_args__ = (
        sa.CheckConstraint("start_lat BETWEEN -90 AND 90", name="start_lat_range"),
        sa.CheckConstraint("start_lon BETWEEN -180 AND 180", name="start_lon_range"),
    )

    staff_id: Mapped[int] = mapped_column(
        sa.ForeignKey("staff.id", ondelete="RESTRICT"), primary_key=True, autoincrement=False
    )
    msisdn: Mapped[str] = mapped_column(sa.String(20), unique=True)
    carrier: Mapped[Carrier] = mapped_column(enum_type(Carrier, "carrier"))
    start_lat: Mapped[float] = mapped_column(sa.Double)
    start_lon: Mapped[float] = mapped_column(sa.Double)
    start_label: Mapped[str] = mapped_column(sa.String(80))
