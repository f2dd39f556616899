"""Shared helpers of the audit and score API tests: who is who beyond ``DemoPeople``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa

from gql.domain import Role
from gql.store.db import session_factory
from gql.store.repositories import StaffRepository
from tests.gql.api import Api

CST = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class AuditTeam:
    """Two auditors other than ``people.auditor`` (whose empty scope the access tests check)."""

    lead: str
    lead_id: str
    other: str
    other_id: str


def audit_team(engine: sa.Engine, api: Api, taken: str) -> AuditTeam:
    """The demo city's second and third auditors, with their Staff global IDs."""
    with session_factory(engine)() as session:
        staff = [s for _, s in StaffRepository(session).page(first=500).items]
    auditors = [s.staff_no for s in staff if s.role is Role.AUDITOR and s.staff_no != taken]
    ids = [
        api.data("{ viewer { staff { id } } }", as_=a)["viewer"]["staff"]["id"] for a in auditors
    ]
    return AuditTeam(auditors[0], ids[0], auditors[1], ids[1])


def ids_of(api: Api, who: str) -> dict[str, Any]:
    """The caller's staff, manager (if any) and department IDs."""
    viewer = api.data("{ viewer { staff { id } manager { id } department { id } } }", as_=who)[
        "viewer"
    ]
    return {
        "staff": viewer["staff"]["id"],
        "manager": (viewer["manager"] or {}).get("id"),
        "department": viewer["department"]["id"],
    }


def today_cst() -> str:
    """Today's date in China Standard Time, ISO."""
    return datetime.now(UTC).astimezone(CST).date().isoformat()
