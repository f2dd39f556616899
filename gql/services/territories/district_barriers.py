"""Which stored barriers a manager's day is priced with: their department's, else the company's.

A day plan, and the route report that re-prices its orders, look the barriers up by the key the
plan recorded, so both price a river crossing over the same bridges.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gql.services.territories.barrier_file import parse_barriers
from gql.services.territories.rules.barriers import NO_BARRIERS, Barriers
from gql.store.repositories.territories import ProposalRepository

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "CITY",
    "COMPANY",
    "barriers_of_department",
    "city_barriers",
    "district_key",
    "stored_barriers",
]

COMPANY = "company"
"""The key of company-wide plans and of barriers drawn for the whole city."""

CITY = "city"
"""Every district's barriers together: what a route across departments (an audit) meets."""


def district_key(department_id: int | None) -> str:
    """The district a job plans or barriers cut: ``department:<id>``, or ``company``."""
    return COMPANY if department_id is None else f"department:{department_id}"


def stored_barriers(session: Session, key: str) -> Barriers:
    """The barriers stored under ``key`` (:data:`CITY`: all of them; none stored: open country)."""
    if key == CITY:
        return city_barriers(session)
    document = ProposalRepository(session).barriers(key)
    return NO_BARRIERS if document is None else parse_barriers(document)


def city_barriers(session: Session) -> Barriers:
    """Every district's barriers and crossings as one set.

    The same river drawn by two districts is harmless: a leg is cut by either drawing and goes
    over any of the crossings.
    """
    parts = [parse_barriers(d) for d in ProposalRepository(session).all_barriers()]
    return Barriers(
        barriers=tuple(b for p in parts for b in p.barriers),
        crossings=tuple(c for p in parts for c in p.crossings),
    )


def barriers_of_department(session: Session, department_id: int) -> tuple[str | None, Barriers]:
    """The key and barriers a department's days are priced with (``None``: no barriers)."""
    for key in (district_key(department_id), COMPANY):
        barriers = stored_barriers(session, key)
        if barriers.barriers:
            return key, barriers
    return None, NO_BARRIERS
