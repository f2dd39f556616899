"""Two proposals side by side: which retailers they place differently, and their metrics.

Marketing weighs alternatives (warm against cold start, 8 against 9 territories, with and
without locks) before applying one; the comparison names every retailer the two disagree on and
puts the measures each proposal stored next to each other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gql.domain.territories import ProposalAssignment

__all__ = ["COMPARED_MEASURES", "ComparedMeasure", "Comparison", "Disagreement", "compare"]

COMPARED_MEASURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("workloadCv", ("proposal", "workload", "cv")),
    ("workloadWorstDeviation", ("proposal", "workload", "worstDeviation")),
    ("retailerCountCv", ("proposal", "retailerCount", "cv")),
    ("orderVolumeCv", ("proposal", "orderVolume", "cv")),
    ("meanDistanceToCentreM", ("proposal", "meanDistanceToCentreM")),
    ("fragmentedTerritories", ("proposal", "fragmentedTerritories")),
    ("movedRetailers", ("movedRetailers",)),
)
"""Name and path into a proposal's stored metrics JSON, in the order they are shown."""


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A retailer the proposals give to different managers (``None``: not in that proposal)."""

    retailer_id: int
    manager_a: int | None
    manager_b: int | None


@dataclass(frozen=True, slots=True)
class ComparedMeasure:
    """One stored measure of each proposal."""

    name: str
    a: float | None
    b: float | None


@dataclass(frozen=True, slots=True)
class Comparison:
    """Retailers placed differently, and the measures side by side."""

    compared_retailers: int
    disagreements: tuple[Disagreement, ...]
    measures: tuple[ComparedMeasure, ...]


def _measure(metrics: Mapping[str, Any], path: tuple[str, ...]) -> float | None:
    value: Any = metrics
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return None if value is None else float(value)


def compare(
    a: Sequence[ProposalAssignment],
    b: Sequence[ProposalAssignment],
    metrics_a: Mapping[str, Any],
    metrics_b: Mapping[str, Any],
) -> Comparison:
    """Every retailer of either proposal whose manager differs, by retailer id."""
    in_a = {x.retailer_id: x.manager_id for x in a}
    in_b = {x.retailer_id: x.manager_id for x in b}
    retailers = sorted(in_a.keys() | in_b.keys())
    return Comparison(
        compared_retailers=len(retailers),
        disagreements=tuple(
            Disagreement(r, in_a.get(r), in_b.get(r))
            for r in retailers
            if in_a.get(r) != in_b.get(r)
        ),
        measures=tuple(
            ComparedMeasure(name, _measure(metrics_a, path), _measure(metrics_b, path))
            for name, path in COMPARED_MEASURES
        ),
    )
