"""Two "end visit" presses that both read the visit open: one end is stored, the other replays it.

The end is written by an update of an open visit only, so the press that loses the race learns
it from that statement (no second read of the visit before writing) and adds no fix of its own.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa

from gql.domain import AccountManager, Role
from gql.services.access import Principal
from gql.services.directory.spatial import SpatialIndex
from gql.services.visits.carrier_lookup import CarrierLookup
from gql.services.visits.service import CheckIn, CheckOut, DeviceFix, VisitService
from gql.store.db import create_engine_for, session_factory
from tests.fixtures_db import _backends, fresh_database
from tests.gql.http_app import seeded_demo_staff

if TYPE_CHECKING:
    from collections.abc import Iterator


class _HeldLocator:
    """Answers "no fix" once the test lets it, so a press waits after its reads."""

    def __init__(self) -> None:
        self.asked = asyncio.Event()
        self.answer = asyncio.Event()

    async def locate(self, manager: AccountManager, *, deadline_s: float) -> CarrierLookup:
        self.asked.set()
        await self.answer.wait()
        return CarrierLookup(outcome_code="UNAVAILABLE", detail="test")


@pytest.fixture(scope="module", params=_backends())
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[sa.Engine]:
    with fresh_database(request.param, tmp_path_factory) as url:
        seeded_demo_staff(url)
        engine = create_engine_for(url)
        try:
            yield engine
        finally:
            engine.dispose()


def _manager_and_shop(engine: sa.Engine) -> tuple[Principal, int, tuple[float, float]]:
    with engine.connect() as connection:
        staff_id, staff_no, name, department_id = connection.execute(
            sa.text(
                "SELECT s.id, s.staff_no, s.name, s.department_id FROM staff s "
                "JOIN account_managers m ON m.staff_id = s.id WHERE s.active ORDER BY s.id"
            )
        ).first()  # type: ignore[misc]
        shop_id, lat, lon = connection.execute(
            sa.text("SELECT id, lat, lon FROM retailers WHERE manager_id = :m ORDER BY id"),
            {"m": staff_id},
        ).first()  # type: ignore[misc]
    principal = Principal(staff_id, staff_no, name, Role.ACCOUNT_MANAGER, department_id)
    return principal, shop_id, (lat, lon)


def test_the_press_that_loses_the_race_returns_the_stored_end(database: sa.Engine) -> None:
    principal, shop_id, (lat, lon) = _manager_and_shop(database)
    sessions = session_factory(database)
    spatial = SpatialIndex()

    def fix() -> DeviceFix:
        return DeviceFix(lat, lon, "WGS84", 8.0, datetime.now(UTC).replace(microsecond=0))

    async def scenario() -> tuple[bool, datetime | None, datetime | None]:
        with sessions() as session:
            started = await VisitService(session, principal, spatial=spatial).start(
                CheckIn(retailer_id=shop_id, idempotency_key="race-end-1", device_fix=fix())
            )
            session.commit()
        visit_id = started.visit.id
        held = _HeldLocator()
        with sessions() as slow, sessions() as quick:
            late = asyncio.ensure_future(
                VisitService(slow, principal, spatial=spatial, locator=held).end(
                    CheckOut(visit_id=visit_id, device_fix=fix())
                )
            )
            await held.asked.wait()  # the slow press has read the visit open
            first = await VisitService(quick, principal, spatial=spatial).end(
                CheckOut(visit_id=visit_id, device_fix=fix())
            )
            quick.commit()
            held.answer.set()
            second = await late
            slow.commit()
        return second.replayed, second.visit.ended_at, first.visit.ended_at

    replayed, second_end, first_end = asyncio.run(scenario())
    assert replayed
    assert second_end is not None
    assert second_end == first_end
    with database.connect() as connection:
        end_fixes = connection.execute(
            sa.text(
                "SELECT count(*) FROM position_fixes f JOIN visits v ON v.id = f.visit_id "
                "WHERE v.idempotency_key = 'race-end-1' AND f.phase = 'END'"
            )
        ).scalar_one()
    assert end_fixes == 1  # the winner's fix only
