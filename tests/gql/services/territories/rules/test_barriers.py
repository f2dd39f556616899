from __future__ import annotations

import numpy as np

from gql.services.territories.rules.contiguity import CROSSING, EXTRA, contiguity_graph


def _grid(n: int, step_m: float) -> np.ndarray:
    yy, xx = np.meshgrid(np.arange(n, dtype=float), np.arange(n, dtype=float), indexing="ij")
    jitter = np.random.default_rng(1).normal(0, 1.0, (n * n, 2))
    return np.column_stack([yy.ravel(), xx.ravel()]) * step_m + jitter


def test_a_river_cuts_every_edge_except_at_its_bridge() -> None:
    """Edges across the river survive only near the declared bridge."""
    xy = _grid(10, 100.0)
    river = np.array([[450.0, -100.0], [450.0, 1000.0]])
    bridge = np.array([[380.0, 500.0], [520.0, 500.0]])
    graph = contiguity_graph(xy, barriers=(river,), crossings=(bridge,))
    u, v = graph.edge_u, graph.edge_v
    across = (xy[u, 0] < 450) != (xy[v, 0] < 450)
    assert across.any()
    assert (graph.edge_kind[across] == CROSSING).all()
    mid_east = (xy[u[across], 1] + xy[v[across], 1]) / 2
    assert (np.abs(mid_east - 500.0) <= 400.0).all()


def test_an_island_far_away_joins_only_by_the_shortest_extra_edge() -> None:
    """A cluster beyond the cut distance is joined by one extra edge, the shortest."""
    main = _grid(5, 100.0)
    island = _grid(3, 100.0) + np.array([0.0, 5_000.0])
    xy = np.vstack([main, island])
    graph = contiguity_graph(xy, cut_m=2_000.0)
    u, v = graph.edge_u, graph.edge_v
    between = (u < main.shape[0]) != (v < main.shape[0])
    assert between.sum() == 1
    assert graph.edge_kind[between][0] == EXTRA
    gap = np.linalg.norm(main[:, None, :] - island[None, :, :], axis=2).min()
    assert np.isclose(graph.edge_length_m[between][0], gap)


def test_a_ferry_joins_an_island_at_its_ports_not_by_the_shortest_edge() -> None:
    """With a declared ferry, the island hangs on the ferry link alone."""
    main = _grid(5, 100.0)
    island = _grid(3, 100.0) + np.array([0.0, 5_000.0])
    xy = np.vstack([main, island])
    ferry = np.array([[400.0, 400.0], [200.0, 5_200.0]])
    graph = contiguity_graph(xy, crossings=(ferry,))
    u, v = graph.edge_u, graph.edge_v
    between = (u < main.shape[0]) != (v < main.shape[0])
    assert between.sum() == 1
    assert graph.edge_kind[between][0] == CROSSING
    assert graph.edge_via[between][0] == 0


def test_a_partition_spans_the_river_only_over_its_bridge() -> None:
    """Every territory is one piece; one on both banks relies on the declared bridge."""
    from gql.services.territories.rules import PartitionSettings, partition_territories
    from gql.services.territories.rules.barriers import Barrier, Barriers, Crossing
    from gql.services.territories.rules.synthetic_city import synthetic_city

    city = synthetic_city(600, seed=4)
    lat0 = float(np.mean(city.lat_deg))
    river = Barrier("river", "river", (lat0, lat0), (119.0, 121.5))
    bridge = Crossing("bridge", "bridge", (lat0 - 0.003, lat0 + 0.003), (120.15, 120.15))
    settings = PartitionSettings(barriers=Barriers(barriers=(river,), crossings=(bridge,)))
    proposal = partition_territories(city, 6, settings=settings)
    assert all(s.pieces == 1 for s in proposal.shapes)
    for j, shape in enumerate(proposal.shapes):
        members = np.asarray(proposal.territory) == j
        north = city.lat_deg[members] > lat0
        if north.any() and not north.all():
            assert any(link.kind == "bridge" for link in shape.links)


def test_lines_of_different_lengths_cut_together() -> None:
    """A river of three points and a coast of five, a bridge of two and a ferry of four: one
    call takes them all (a single array of lines needs equal lengths)."""
    import numpy as np

    from gql.services.territories.rules.barriers import barrier_cuts

    # (north, east) metres: a river along north 0, a coast along north 2000
    river = np.array([[0.0, 0.0], [0.0, 500.0], [0.0, 1000.0]])
    coast = np.array([[2000.0, 0.0], [2000.0, 200.0], [2000.0, 400.0], [2000.0, 600.0],
                      [2000.0, 800.0]])  # fmt: skip
    bridge = np.array([[-100.0, 900.0], [100.0, 900.0]])
    ferry = np.array([[1990.0, -100.0], [1995.0, 0.0], [2000.0, 50.0], [2010.0, 100.0]])
    u = np.array([[-50.0, 100.0], [-50.0, 900.0], [1500.0, 700.0]])
    v = np.array([[50.0, 100.0], [50.0, 900.0], [2500.0, 700.0]])
    blocked, via = barrier_cuts(u, v, (river, coast), (bridge, ferry))
    assert blocked.tolist() == [True, False, True]
    assert via.tolist()[1] == 0
