"""A person's own file as JSON (PIPL right of access): staff record, profile, visits, scores.

Over the API a person only ever gets their own data; the command line exports anyone's for the
company's data-protection officer (who works on the server, not through the API).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from gql.services.access import Principal, signed_in
from gql.services.calendar import local_midnight
from gql.services.errors import InvalidInput, NotFound
from gql.store.repositories import (
    DepartmentRepository,
    EvaluationRepository,
    ManagerRepository,
    StaffRepository,
)
from gql.store.repositories.visits import VisitFilter, VisitRepository

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from gql.domain import Staff, Visit

__all__ = ["MAX_EXPORT_DAYS", "PersonalDataService", "export_personal_data"]

MAX_EXPORT_DAYS = 366
"""Longest period of visits one export returns; ask again for earlier years."""
_PAGE = 500


class PersonalDataService:
    """The caller's own personal data; nobody else's, whatever their role."""

    def __init__(self, session: Session, principal: Principal | None) -> None:
        self._session = session
        self._principal = principal

    def mine(self, first_day: date, last_day: date) -> dict[str, Any]:
        """The caller's file with visits (and fixes) and scores of ``[first_day, last_day]``."""
        principal = signed_in(self._principal)
        return export_personal_data(self._session, principal.staff_no, first_day, last_day)


def export_personal_data(
    session: Session, staff_no: str, first_day: date, last_day: date
) -> dict[str, Any]:
    """One person's file as JSON-ready values; the period is company calendar days, inclusive.

    Raises
    ------
    InvalidInput
        When the period is reversed or longer than :data:`MAX_EXPORT_DAYS`.
    NotFound
        When no staff member has ``staff_no``.
    """
    if first_day > last_day:
        raise InvalidInput("the first day must not be after the last day", field=("first_day",))
    if (last_day - first_day).days + 1 > MAX_EXPORT_DAYS:
        raise InvalidInput(
            f"export at most {MAX_EXPORT_DAYS} days at a time; ask again for earlier ones",
            field=("last_day",),
        )
    staff = StaffRepository(session).get_by_staff_no(staff_no)
    if staff is None:
        raise NotFound("staff member", field=("staff_no",))
    manager = ManagerRepository(session).get_many([staff.id])[0]
    return {
        "period": {"first_day": first_day.isoformat(), "last_day": last_day.isoformat()},
        "staff": _staff(session, staff),
        "manager": None
        if manager is None
        else {
            "msisdn": manager.msisdn,
            "carrier": manager.carrier.value,
            "start_point": {
                "lat": manager.start_lat,
                "lon": manager.start_lon,
                "label": manager.start_label,
            },
        },
        "visits": [_visit(v) for v in _visits(session, staff.id, first_day, last_day)],
        "score_events": [
            _plain(e)
            for e in EvaluationRepository(session).events(
                [staff.id], first_day, last_day, statuses=None
            )
        ],
        "evaluation_results": [
            _plain(r)
            for r in EvaluationRepository(session).results(
                manager_ids=[staff.id], current_only=False
            )
        ],
    }


def _staff(session: Session, staff: Staff) -> dict[str, Any]:
    department = DepartmentRepository(session).get_many([staff.department_id])[0]
    return {
        "staff_no": staff.staff_no,
        "name": staff.name,
        "role": staff.role.value,
        "active": staff.active,
        "joined_on": staff.joined_on.isoformat(),
        "department": None
        if department is None
        else {"code": department.code, "name": department.name, "kind": department.kind.value},
    }


def _visits(session: Session, manager_id: int, first_day: date, last_day: date) -> list[Visit]:
    """Every visit that happened on the days, in id order (pages of 500)."""
    visits = VisitRepository(session)
    where = VisitFilter(
        manager_ids=[manager_id],
        happened_from=local_midnight(first_day),
        happened_before=local_midnight(last_day + timedelta(days=1)),
    )
    found: list[Visit] = []
    after: int | None = None
    while True:
        page = visits.page(where, first=_PAGE, after=after)
        found.extend(v for _, v in page.items)
        if not page.has_next or not page.items:
            return found
        after = page.items[-1][0]


def _visit(visit: Visit) -> dict[str, Any]:
    out: dict[str, Any] = _plain(visit)
    out.pop("manager_id", None)
    return out


def _plain(value: Any) -> Any:
    """Dataclasses, enums, dates and tuples as JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value
