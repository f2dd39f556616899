"""An audit day is priced as a manager's day: area road factors and barrier detours."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from gql.domain import BusinessType, Retailer, RetailerStatus
from gql.domain.retailers import OpeningWindow
from gql.services.audits.routing import route_audit_day
from gql.services.territories.rules.barriers import NO_BARRIERS, Barrier, Barriers, Crossing
from gql.services.travel import RoutingSettings

START = (30.0, 120.0)
EAST = [(30.0, 120.02), (30.002, 120.021), (29.998, 120.022)]  # beyond a canal at 120.01


def _shop(i: int, at: tuple[float, float], area: str) -> Retailer:
    now = datetime(2027, 1, 1, tzinfo=UTC)
    return Retailer(
        id=i,
        licence_no=f"L{i:03d}",
        name=f"shop {i}",
        address="street",
        lat=at[0],
        lon=at[1],
        business_type=BusinessType.ORDINARY,
        grade=10,
        key_customer=False,
        service_time_s=300,
        order_weekday=0,
        status=RetailerStatus.ACTIVE,
        manager_id=None,
        area_code=area,
        opening_windows=(OpeningWindow(8 * 3600, 20 * 3600, None),),
        created_at=now,
        updated_at=now,
        version=1,
    )


def _route(routing: RoutingSettings, barriers: Barriers = NO_BARRIERS) -> tuple[int, dict]:
    shops = [_shop(i, p, "A01") for i, p in enumerate(EAST, start=1)]
    day = asyncio.run(
        route_audit_day(
            *START, shops, day=date(2027, 1, 4), start_time_s=9 * 3600, routing=routing,
            barriers=barriers,
        )
    )  # fmt: skip
    return day.length_m, day.optimised_against


def test_an_area_factor_prices_the_audit_shops_legs() -> None:
    """Shops of area A01 at 2.0 against 1.35 elsewhere: legs among them cost 2.0, legs from the
    start (1.35 + 2.0) / 2, so the tour is between 1.675/1.35 and 2.0/1.35 times as long."""
    plain, _ = _route(RoutingSettings())
    slow, against = _route(RoutingSettings(area_road_factors=(("A01", 2.0),)))
    assert 1.675 / 1.35 - 0.01 <= slow / plain <= 2.0 / 1.35 + 0.01
    assert against["area_road_factors"] == {"A01": 2.0}
    assert "barriers" not in against


def test_an_audit_across_a_canal_goes_over_its_bridge() -> None:
    """A canal along 120.01 E with one bridge 2 km north: out and back over the bridge."""
    canal = Barrier("canal", "river", (29.9, 30.1), (120.01, 120.01))
    bridge = Crossing("bridge", "bridge", (30.018, 30.018), (120.008, 120.012))
    walled, against = _route(RoutingSettings(road_factor=1.0), Barriers((canal,), (bridge,)))
    plain, _ = _route(RoutingSettings(road_factor=1.0))
    # the tour crosses the canal twice, each time at most 300 m (the crossing reach) south of
    # the bridge: 1.7 km north of the start and of every shop, so up and down again each time
    assert walled >= 2 * 2 * 1_700
    assert walled > plain + 3_000
    assert against["barriers"] == "city"
