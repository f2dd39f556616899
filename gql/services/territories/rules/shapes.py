"""Why a territory holds together (or does not): its pieces and the long links it relies on.

Marketing asks of a territory on the map "why does it reach over there?". The answer is in
the contiguity graph (:mod:`.contiguity`): the edges inside the territory that are not plain
short neighbours — a bridge, a ferry, the shortest edge to a village — and, if the territory
is in more than one piece, what keeps the pieces apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .contiguity import CROSSING, EXTRA, EXTRA_ACROSS, component_labels

if TYPE_CHECKING:
    from .barriers import Crossing
    from .contiguity import NeighbourGraph

__all__ = ["TerritoryLink", "TerritoryShape", "territory_shapes"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_MAX_LINKS = 10
"""Links listed per territory, longest first (a territory rarely relies on more)."""


@dataclass(frozen=True, slots=True)
class TerritoryLink:
    """One edge a territory relies on beyond plain short neighbours.

    ``kind`` is the crossing's kind (``bridge``, ``ferry``…), ``extra`` (the shortest edge to
    a part that is apart, e.g. a village) or ``extra across barrier`` (no declared crossing
    reaches that part); ``name`` is the crossing's name, empty for extra edges.
    """

    kind: str
    name: str
    length_m: float


@dataclass(frozen=True, slots=True)
class TerritoryShape:
    """A territory's pieces in the contiguity graph and the links it relies on.

    ``why`` is empty for one piece; otherwise ``locked`` (a locked retailer holds a detached
    piece) or ``as assigned`` (the measured plan was drawn that way).
    """

    pieces: int
    detached_retailers: int
    why: str
    links: tuple[TerritoryLink, ...]


def territory_shapes(
    graph: NeighbourGraph,
    assignment: IntArray,
    k: int,
    locked: BoolArray,
    crossings: tuple[Crossing, ...] = (),
) -> tuple[TerritoryShape, ...]:
    """Return each of the ``k`` territories' :class:`TerritoryShape`."""
    labels = component_labels(graph, assignment)
    size = np.bincount(labels)
    shapes = []
    u, v = graph.edge_u, graph.edge_v
    inside = (assignment[u] == assignment[v]) & (graph.edge_kind != 0)
    link_edges = np.flatnonzero(inside)
    by_territory: dict[int, list[int]] = {}
    for e in link_edges[np.argsort(-graph.edge_length_m[link_edges], kind="stable")].tolist():
        by_territory.setdefault(int(assignment[u[e]]), []).append(e)
    for j in range(k):
        members = np.flatnonzero(assignment == j)
        pieces = np.unique(labels[members]) if members.size else np.zeros(0, dtype=np.int64)
        main = int(pieces[np.argmax(size[pieces])]) if pieces.size else -1
        detached = members[labels[members] != main]
        why = ""
        if pieces.size > 1:
            why = "locked" if locked[detached].any() else "as assigned"
        links = tuple(_link(graph, e, crossings) for e in by_territory.get(j, [])[:_MAX_LINKS])
        shapes.append(
            TerritoryShape(
                pieces=int(pieces.size),
                detached_retailers=int(detached.size),
                why=why,
                links=links,
            )
        )
    return tuple(shapes)


def _link(graph: NeighbourGraph, e: int, crossings: tuple[Crossing, ...]) -> TerritoryLink:
    kind = int(graph.edge_kind[e])
    length = round(float(graph.edge_length_m[e]), 1)
    via = int(graph.edge_via[e])
    if kind == CROSSING and 0 <= via < len(crossings):
        return TerritoryLink(kind=crossings[via].kind, name=crossings[via].name, length_m=length)
    label = {EXTRA: "extra", EXTRA_ACROSS: "extra across barrier"}.get(kind, "crossing")
    return TerritoryLink(kind=label, name="", length_m=length)
