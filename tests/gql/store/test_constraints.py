from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

from gql.domain import BusinessType, DepartmentKind, RetailerStatus, Role
from gql.store.models import DepartmentRow, OpeningWindowRow, RetailerRow, StaffRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def _department(session: Session, code: str = "CS1") -> DepartmentRow:
    row = DepartmentRow(code=code, name="客户服务一部", kind=DepartmentKind.CUSTOMER_SERVICE)
    session.add(row)
    session.flush()
    return row


def _retailer(**overrides: object) -> RetailerRow:
    values: dict[str, object] = {
        "licence_no": "330302100001",
        "name": "老王烟酒店",
        "address": "鹿城区五马街1号",
        "lat": 28.0,
        "lon": 120.65,
        "business_type": BusinessType.ORDINARY,
        "grade": 12,
        "key_customer": False,
        "service_time_s": 300,
        "order_weekday": 1,
        "status": RetailerStatus.ACTIVE,
        "area_code": "330302",
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(overrides)
    return RetailerRow(**values)


def _staff(department_id: int, staff_no: str, role: Role, *, active: bool = True) -> StaffRow:
    return StaffRow(
        staff_no=staff_no,
        name="张三",
        role=role,
        department_id=department_id,
        active=active,
        joined_on=date(2020, 3, 1),
    )


def test_licence_number_is_unique(db_session: Session) -> None:
    """Two retailers cannot share a licence number."""
    db_session.add(_retailer())
    db_session.flush()
    db_session.add(_retailer(name="另一家"))
    with pytest.raises(IntegrityError):
        db_session.flush()


@pytest.mark.parametrize(
    ("field", "value"),
    [("lat", 90.5), ("lat", -91.0), ("lon", 180.5), ("lon", -181.0), ("grade", 0), ("grade", 31)],
)
def test_out_of_range_retailer_values_are_refused_by_the_database(
    db_session: Session, field: str, value: float
) -> None:
    """CHECK constraints refuse impossible coordinates and grades even without the domain."""
    db_session.add(_retailer(**{field: value}))
    with pytest.raises(IntegrityError):
        db_session.flush()


def test_second_active_head_in_a_department_is_refused(db_session: Session) -> None:
    """A customer-service department has at most one active head."""
    department = _department(db_session)
    db_session.add(_staff(department.id, "H1", Role.DEPARTMENT_HEAD))
    db_session.flush()
    db_session.add(_staff(department.id, "H2", Role.DEPARTMENT_HEAD))
    with pytest.raises(IntegrityError):
        db_session.flush()


def test_second_active_deputy_in_a_department_is_refused(db_session: Session) -> None:
    """A customer-service department has at most one active deputy."""
    department = _department(db_session)
    db_session.add(_staff(department.id, "D1", Role.DEPUTY_HEAD))
    db_session.flush()
    db_session.add(_staff(department.id, "D2", Role.DEPUTY_HEAD))
    with pytest.raises(IntegrityError):
        db_session.flush()


def test_a_retired_head_does_not_block_the_successor(db_session: Session) -> None:
    """Only active heads count, so a department can appoint a new head after the old retires."""
    department = _department(db_session)
    db_session.add(_staff(department.id, "H1", Role.DEPARTMENT_HEAD, active=False))
    db_session.add(_staff(department.id, "H2", Role.DEPARTMENT_HEAD))
    db_session.add(_staff(department.id, "D1", Role.DEPUTY_HEAD))
    db_session.flush()
    count = db_session.scalar(sa.select(sa.func.count()).select_from(StaffRow))
    assert count == 3


def test_foreign_keys_are_enforced(db_session: Session) -> None:
    """An opening window cannot point at a retailer that does not exist."""
    db_session.add(OpeningWindowRow(retailer_id=999_999, weekday=None, open_s=0, close_s=60))
    with pytest.raises(IntegrityError):
        db_session.flush()


def test_opening_window_must_lie_within_one_day(db_session: Session) -> None:
    """A window that closes before it opens, or after midnight, is refused."""
    retailer = _retailer()
    db_session.add(retailer)
    db_session.flush()
    db_session.add(OpeningWindowRow(retailer_id=retailer.id, open_s=7200, close_s=3600))
    with pytest.raises(IntegrityError):
        db_session.flush()


def test_timestamps_come_back_timezone_aware_in_utc(db_session: Session) -> None:
    """A timestamp stored with an offset reads back as the same instant in UTC."""
    shanghai = timezone(timedelta(hours=8))
    moment = datetime(2026, 11, 2, 16, 30, tzinfo=shanghai)
    db_session.add(_retailer(created_at=moment, updated_at=moment))
    db_session.flush()
    db_session.expire_all()
    row = db_session.scalars(sa.select(RetailerRow)).one()
    assert row.created_at == moment
    assert row.created_at.tzinfo is not None
    assert row.created_at.utcoffset() == timedelta(0)


def test_naive_timestamps_are_refused(db_session: Session) -> None:
    """A timestamp without a zone is refused instead of being guessed."""
    db_session.add(_retailer(created_at=datetime(2026, 11, 2, 8, 0)))
    with pytest.raises(StatementError, match="no timezone"):
        db_session.flush()


def test_unknown_enum_values_are_refused(db_session: Session) -> None:
    """A status outside the enum is refused before it reaches the table."""
    db_session.add(_retailer(status="OPEN"))
    with pytest.raises(StatementError):
        db_session.flush()
