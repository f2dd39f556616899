from __future__ import annotations

import numpy as np

from gql.services.territories.rules.contiguity import (
    component_labels,
    count_fragmented,
    neighbour_graph,
    repair_fragments,
)


def _grid(n: int) -> np.ndarray:
    yy, xx = np.meshgrid(np.arange(n, dtype=float), np.arange(n, dtype=float), indexing="ij")
    jitter = np.random.default_rng(0).normal(0, 0.01, (n * n, 2))
    return np.column_stack([yy.ravel(), xx.ravel()]) * 100 + jitter


def test_left_and_right_halves_of_a_grid_are_contiguous() -> None:
    """Two half-grids are each one connected piece of the Delaunay graph."""
    xy = _grid(8)
    graph = neighbour_graph(xy)
    assignment = (xy[:, 1] > 350).astype(np.int64)
    assert count_fragmented(graph, assignment, 2) == 0


def test_an_enclave_makes_its_territory_fragmented() -> None:
    """A single retailer of territory 1 inside territory 0 splits territory 1 into two pieces."""
    xy = _grid(8)
    graph = neighbour_graph(xy)
    assignment = (xy[:, 1] > 350).astype(np.int64)
    enclave = int(np.argmin(((xy - [100.0, 100.0]) ** 2).sum(axis=1)))
    assignment[enclave] = 1
    assert count_fragmented(graph, assignment, 2) == 1
    labels = component_labels(graph, assignment)
    assert (labels == labels[enclave]).sum() == 1


def test_repair_hands_the_enclave_to_the_surrounding_territory() -> None:
    """Repair moves the enclave into the territory that surrounds it and nothing else."""
    xy = _grid(8)
    graph = neighbour_graph(xy)
    base = (xy[:, 1] > 350).astype(np.int64)
    broken = base.copy()
    enclave = int(np.argmin(((xy - [100.0, 100.0]) ** 2).sum(axis=1)))
    broken[enclave] = 1
    fixed = np.full(xy.shape[0], -1)
    repaired = repair_fragments(graph, broken, np.ones(xy.shape[0]), fixed, 2)
    np.testing.assert_array_equal(repaired, base)


def test_repair_leaves_a_locked_enclave_in_place() -> None:
    """Locking wins over contiguity: a locked enclave stays and is still reported."""
    xy = _grid(6)
    graph = neighbour_graph(xy)
    assignment = (xy[:, 1] > 250).astype(np.int64)
    enclave = int(np.argmin(((xy - [100.0, 100.0]) ** 2).sum(axis=1)))
    assignment[enclave] = 1
    fixed = np.full(xy.shape[0], -1)
    fixed[enclave] = 1
    repaired = repair_fragments(graph, assignment, np.ones(xy.shape[0]), fixed, 2)
    assert repaired[enclave] == 1
    assert count_fragmented(graph, repaired, 2) == 1


def test_collinear_points_still_get_a_connected_graph() -> None:
    """Points on a line (no triangulation) fall back to nearest neighbours and stay connected."""
    xy = np.column_stack([np.arange(10.0), np.zeros(10)])
    graph = neighbour_graph(xy)
    assert count_fragmented(graph, np.zeros(10, dtype=np.int64), 1) == 0
