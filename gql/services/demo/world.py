"""Who acts in a demo history and what they work on, read once from the seeded city."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gql.domain import RetailerStatus, Role
from gql.services.access import Principal
from gql.services.directory.spatial import SpatialIndex
from gql.services.travel import RoutingSettings
from gql.store.repositories import (
    ManagerRepository,
    RetailerFilter,
    RetailerRepository,
    StaffRepository,
)

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy.orm import Session

    from gql.domain import AccountManager, Retailer

__all__ = ["ROUTING", "DemoWorld", "load_world"]

ROUTING = RoutingSettings(time_limit_s=0.05, deadline_s=60.0)
"""Demo routes: a short search per day keeps seeding fast (the method and gap are stored); a
generous deadline, as seeding may share a busy machine."""


@dataclass
class DemoWorld:
    """The city's people as callers, its managers and their active retailers."""

    session: Session
    rng: random.Random
    today: date
    marketing: Principal
    auditors: list[Principal]
    heads: dict[int, Principal]
    managers: list[AccountManager]
    callers: dict[int, Principal]
    retailers: dict[int, list[Retailer]]
    spatial: SpatialIndex = field(default_factory=SpatialIndex)


def load_world(session: Session, *, seed: int, today: date) -> DemoWorld:
    """Read the seeded city (staff by staff number, retailers by id: a stable order)."""
    staff = sorted(
        (s for _, s in StaffRepository(session).page(first=500).items if s.active),
        key=lambda s: s.staff_no,
    )
    callers = {s.id: Principal.from_staff(s) for s in staff}
    managers = sorted(ManagerRepository(session).all(), key=lambda m: m.staff_id)
    managers = [m for m in managers if m.active]
    retailers: dict[int, list[Retailer]] = {m.staff_id: [] for m in managers}
    repository = RetailerRepository(session)
    where = RetailerFilter(
        manager_ids=[m.staff_id for m in managers], statuses=(RetailerStatus.ACTIVE,)
    )
    after: int | None = None
    while True:
        page = repository.page(where, first=500, after=after)
        for _, retailer in page.items:
            if retailer.manager_id in retailers:
                retailers[retailer.manager_id].append(retailer)
        if not page.has_next:
            break
        after = page.items[-1][0]
    heads: dict[int, Principal] = {}
    for s in staff:
        if s.role is Role.DEPARTMENT_HEAD:
            heads.setdefault(s.department_id, callers[s.id])
    return DemoWorld(
        session=session,
        rng=random.Random(seed * 7_919 + 12),
        today=today,
        marketing=next(callers[s.id] for s in staff if s.role is Role.MARKETING),
        auditors=[callers[s.id] for s in staff if s.role is Role.AUDITOR],
        heads=heads,
        managers=managers,
        callers=callers,
        retailers={k: sorted(v, key=lambda r: r.id) for k, v in retailers.items()},
    )
