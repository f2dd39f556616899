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
