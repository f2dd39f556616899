"""Priced legs: road factors by area and detours over a river's bridge, hand-checked."""

from __future__ import annotations

import numpy as np
import pytest

import geo
from gql.services.territories.rules.barriers import Barrier, Barriers, Crossing
from gql.services.territories.rules.errors import InvalidRetailersError
from gql.services.territories.rules.legs import priced_legs

# a river running east-west along 30.000 N; one bridge 0.02 degrees (≈ 1.93 km) east
RIVER = Barrier("river", "river", (30.0, 30.0), (119.9, 120.1))
BRIDGE = Crossing("bridge", "bridge", (29.999, 30.001), (120.02, 120.02))
NORTH = (30.004, 120.0)
SOUTH = (29.996, 120.0)
NORTH_EAST = (30.004, 120.01)


def _legs(points: list[tuple[float, float]], barriers: Barriers, factor: object = 1.3) -> tuple:
    lat = [p[0] for p in points]
    lon = [p[1] for p in points]
    return priced_legs(lat, lon, road_factor=factor, speed_mps=5.0, barriers=barriers)


def test_without_barriers_the_legs_are_the_cost_matrix() -> None:
    points = [NORTH, SOUTH, NORTH_EAST]
    factor = np.array([1.0, 1.6, 1.2])
    metres, seconds = _legs(points, Barriers(), factor)
    lat, lon = np.array(points).T
    assert (metres == geo.cost_matrix(lat, lon, unit="m", road_factor=factor)).all()
    assert (seconds == geo.cost_matrix(lat, lon, unit="s", speed_mps=5.0, road_factor=factor)).all()


def test_a_leg_across_the_river_goes_over_the_bridge() -> None:
    """North → south is priced to the bridge's north end, over it, and back west."""
    metres, seconds = _legs([NORTH, SOUTH], Barriers((RIVER,), (BRIDGE,)))
    to_bridge = geo.haversine_m(*NORTH, BRIDGE.lat_deg[1], BRIDGE.lon_deg[1]) * 1.3
    over = geo.haversine_m(BRIDGE.lat_deg[0], BRIDGE.lon_deg[0], BRIDGE.lat_deg[1], 120.02)
    from_bridge = geo.haversine_m(BRIDGE.lat_deg[0], BRIDGE.lon_deg[0], *SOUTH) * 1.3
    expected = to_bridge + over + from_bridge
    assert metres[0, 1] == metres[1, 0]
    assert abs(metres[0, 1] - expected) <= 2  # rounding of the three parts
    straight = geo.haversine_m(*NORTH, *SOUTH) * 1.3
    assert metres[0, 1] > 3 * straight
    assert abs(seconds[0, 1] - metres[0, 1] / 5.0) <= 1


def test_a_leg_on_one_bank_keeps_its_straight_price() -> None:
    metres, _ = _legs([NORTH, NORTH_EAST], Barriers((RIVER,), (BRIDGE,)))
    plain, _ = _legs([NORTH, NORTH_EAST], Barriers())
    assert metres[0, 1] == plain[0, 1]


def test_a_leg_through_the_bridge_itself_is_not_a_detour() -> None:
    """Stops at the bridge's two ends cross where the bridge is: priced straight."""
    ends = [(30.002, 120.02), (29.998, 120.02)]
    metres, _ = _legs(ends, Barriers((RIVER,), (BRIDGE,)))
    plain, _ = _legs(ends, Barriers())
    assert metres[0, 1] == plain[0, 1]


def test_a_river_no_crossing_reaches_keeps_the_straight_price() -> None:
    """No known way round: the plan is still made, at the straight price."""
    metres, _ = _legs([NORTH, SOUTH], Barriers((RIVER,), ()))
    plain, _ = _legs([NORTH, SOUTH], Barriers())
    assert metres[0, 1] == plain[0, 1]


def test_two_rivers_are_crossed_one_bridge_after_the_other() -> None:
    """A stop beyond two rivers is reached over both bridges, in turn."""
    second = Barrier("canal", "river", (29.99, 29.99), (119.9, 120.1))
    canal_bridge = Crossing("lock", "bridge", (29.991, 29.989), (119.98, 119.98))
    far_south = (29.986, 120.0)
    barriers = Barriers((RIVER, second), (BRIDGE, canal_bridge))
    metres, _ = _legs([NORTH, far_south], barriers)
    via = (
        _legs([NORTH, (29.991, 119.98)], barriers)[0][0, 1]
        + _legs([(29.989, 119.98), far_south], barriers)[0][0, 1]
    )
    over = geo.haversine_m(29.991, 119.98, 29.989, 119.98)
    assert abs(metres[0, 1] - (via + over)) <= 3


def test_bad_positions_are_refused_with_the_reason() -> None:
    with pytest.raises(InvalidRetailersError, match="cannot price the legs"):
        _legs([NORTH, (95.0, 120.0)], Barriers((RIVER,), (BRIDGE,)))
