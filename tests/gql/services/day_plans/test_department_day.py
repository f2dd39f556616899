"""A department's day at once, at the service: all or nothing when routing runs out of time."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
import sqlalchemy as sa

from gql.services.access import Principal
from gql.services.day_plans.service import (
    DepartmentDayRequest,
    PlanRequest,
    PlanService,
)
from gql.services.errors import ErrorCode, InvalidInput
from gql.services.travel import RoutingSettings
from gql.store.repositories import StaffRepository
from tests.gql.api import Api
from tests.gql.conftest import DemoPeople


def test_a_routing_deadline_refuses_the_whole_department_and_writes_nothing(
    api: Api, people: DemoPeople
) -> None:
    """No time at all to route: DEADLINE_EXCEEDED naming the manager, no plan stored."""
    with api.state.sessions() as session:
        head = StaffRepository(session).get_by_staff_no(people.head)
        assert head is not None
        service = PlanService(
            session, Principal.from_staff(head), routing=RoutingSettings(deadline_s=0.0)
        )
        before = session.scalar(sa.text("SELECT count(*) FROM visit_plans"))
        with pytest.raises(InvalidInput) as refused:
            asyncio.run(
                service.publish_department(
                    DepartmentDayRequest(head.department_id, date(2027, 1, 4))
                )
            )
        assert refused.value.code is ErrorCode.DEADLINE_EXCEEDED
        assert refused.value.field == ("department_id",)
        assert refused.value.message.startswith("manager W")
        assert session.scalar(sa.text("SELECT count(*) FROM visit_plans")) == before
        session.rollback()


def test_an_area_road_factor_prices_the_legs_of_its_shops(api: Api, people: DemoPeople) -> None:
    """Five shops of one area, the manager's start in none: with that area at 2.0 against the
    default 1.35, legs between shops cost 2.0 and legs from the start (1.35 + 2.0) / 2, so the
    same day is between 1.675/1.35 and 2.0/1.35 times as long; the plan records the factors."""
    with api.state.sessions() as session:
        manager = StaffRepository(session).get_by_staff_no(people.manager)
        assert manager is not None
        rows = session.execute(
            sa.text(
                "SELECT id, area_code FROM retailers WHERE manager_id = :m AND status = 'ACTIVE' "
                "ORDER BY id"
            ),
            {"m": manager.id},
        ).all()
        area = rows[0][1]
        shops = tuple(int(r[0]) for r in rows if r[1] == area)[:5]
        assert len(shops) == 5
        principal = Principal.from_staff(manager)
        request = PlanRequest(manager.id, date(2027, 1, 5), retailer_ids=shops)

        def length(routing: RoutingSettings) -> tuple[int, dict[str, object]]:
            plan = asyncio.run(PlanService(session, principal, routing=routing).create(request))
            return plan.plan.length_m, plan.plan.optimised_against

        plain, _ = length(RoutingSettings())
        slow, against = length(RoutingSettings(area_road_factors=((area, 2.0),)))
        session.rollback()
    assert 1.675 / 1.35 - 0.01 <= slow / plain <= 2.0 / 1.35 + 0.01
    assert against["area_road_factors"] == {area: 2.0}


def test_a_day_plan_drives_round_a_barrier_over_its_crossing(api: Api, people: DemoPeople) -> None:
    """The manager's start walled in by a 1 km square moat whose only way out is a causeway
    from its north side to a point 2.5 km beyond: legs out of the moat go over the causeway, so
    the day is longer, and the plan records whose barriers priced it (the route report prices
    the manager's own order alike)."""
    from datetime import UTC, datetime

    from gql.store.models.territories import DistrictBarriersRow

    with api.state.sessions() as session:
        manager = StaffRepository(session).get_by_staff_no(people.manager)
        assert manager is not None
        row = session.execute(
            sa.text("SELECT start_lat, start_lon FROM account_managers WHERE staff_id = :m"),
            {"m": manager.id},
        ).one()
        lat0, lon0 = float(row[0]), float(row[1])
        shops = tuple(
            int(r[0])
            for r in session.execute(
                sa.text(
                    "SELECT id FROM retailers WHERE manager_id = :m AND status = 'ACTIVE' "
                    "ORDER BY id LIMIT 6"
                ),
                {"m": manager.id},
            )
        )
        d = 0.005  # ≈ 500 m
        ring = [(lat0 - d, lon0 - d), (lat0 - d, lon0 + d), (lat0 + d, lon0 + d),
                (lat0 + d, lon0 - d), (lat0 - d, lon0 - d)]  # fmt: skip
        causeway = [(lat0 + 0.004, lon0), (lat0 + 0.027, lon0)]

        def feature(role: str, kind: str, points: list[tuple[float, float]]) -> dict[str, object]:
            return {
                "type": "Feature",
                "properties": {"role": role, "kind": kind},
                "geometry": {"type": "LineString", "coordinates": [[o, a] for a, o in points]},
            }

        principal = Principal.from_staff(manager)
        request = PlanRequest(manager.id, date(2027, 1, 5), retailer_ids=shops)
        plain = asyncio.run(PlanService(session, principal).create(request)).plan
        key = f"department:{manager.department_id}"
        session.add(
            DistrictBarriersRow(
                scope_key=key,
                document={
                    "type": "FeatureCollection",
                    "features": [
                        feature("barrier", "river", ring),
                        feature("crossing", "bridge", causeway),
                    ],
                },
                updated_at=datetime(2027, 1, 1, tzinfo=UTC),
            )
        )
        session.flush()
        walled = asyncio.run(PlanService(session, principal).create(request)).plan
        session.rollback()
    assert "barriers" not in plain.optimised_against
    assert walled.optimised_against["barriers"] == key
    # out over the 3 km causeway and back: at least 2 × 3 km minus the legs it replaces
    assert walled.length_m > plain.length_m + 2_000
