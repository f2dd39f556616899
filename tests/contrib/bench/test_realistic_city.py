"""Structural facts of the issue-20 benchmark city (contrib/bench/realistic_city.py)."""

from __future__ import annotations

import numpy as np

from contrib.bench.realistic_city import CORNER, KTV, SUPERMARKET, realistic_city
from gql.services.territories.rules import PartitionSettings, project_local_m
from gql.services.territories.rules.contiguity import CROSSING
from gql.services.territories.rules.territories import district_graph


def _edges_leaving(zone: str, seed: int = 4) -> tuple[np.ndarray, np.ndarray]:
    city = realistic_city(2_500, 20, seed=seed)
    r = city.retailers
    graph = district_graph(
        r, project_local_m(r.lat_deg, r.lon_deg), PartitionSettings(barriers=city.barriers)
    )
    inside = city.zone == zone
    leaving = inside[graph.edge_u] != inside[graph.edge_v]
    return graph.edge_kind[leaving], graph.edge_via[leaving]


def test_islands_are_reached_only_over_their_crossing() -> None:
    kinds, via = _edges_leaving("estuary")
    assert kinds.size >= 1
    assert (kinds == CROSSING).all()
    assert set(via.tolist()) == {3}  # the island bridge
    kinds, via = _edges_leaving("ferry")
    assert kinds.size >= 1
    assert (kinds == CROSSING).all()
    assert set(via.tolist()) == {4}  # the ferry


def test_heavy_tail_and_ktv_hours() -> None:
    city = realistic_city(2_500, 20, seed=5)
    v = city.retailers.order_volume
    ratio = np.median(v[city.kind == SUPERMARKET]) / np.median(v[city.kind == CORNER])
    assert 35 < ratio < 70
    ktv = city.kind == KTV
    assert (city.retailers.open_min[ktv] == 14 * 60).all()
    assert (city.retailers.close_min[ktv] == 24 * 60).all()  # 02:00 is not expressible
    assert city.home_lat.shape == (20,)
