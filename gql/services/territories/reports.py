"""Proposal metrics as JSON-ready mappings, stored with each proposal for comparison.

Metrics are computed once, when the proposal is made, for the proposal *and* for the current
plan on the same retailers, so a later comparison shows what the planner saw even after the
retailers have changed. Keys are camelCase because they reach the API unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gql.services.territories.rules import (
        Balance,
        DistrictZones,
        Schedule,
        TerritoryMetrics,
        TerritoryProposal,
    )
    from gql.services.territories.rules.shapes import TerritoryShape

__all__ = ["balance_json", "partition_json", "schedule_json", "territories_json", "zones_json"]


def balance_json(balance: Balance) -> dict[str, float]:
    """One criterion's balance over zones."""
    return {
        "cv": round(balance.cv, 6),
        "worstDeviation": round(balance.worst_deviation, 6),
        "mean": round(balance.mean, 3),
        "minimum": round(balance.minimum, 3),
        "maximum": round(balance.maximum, 3),
    }


def partition_json(metrics: TerritoryMetrics) -> dict[str, Any]:
    """Every criterion of a partition (the proposal's or the current plan's)."""
    return {
        "workload": balance_json(metrics.workload),
        "retailerCount": balance_json(metrics.retailer_count),
        "orderVolume": balance_json(metrics.order_volume),
        "classMixDistance": round(metrics.class_mix_distance, 6),
        "meanDistanceToCentreM": round(metrics.mean_distance_to_centre_m, 1),
        "fragmentedTerritories": metrics.fragmented_territories,
        "movedRetailers": metrics.moved_retailers,
        "medianHomeDistanceM": round(metrics.median_home_distance_m, 1),
        "workloadWithCommute": None
        if metrics.workload_with_commute is None
        else balance_json(metrics.workload_with_commute),
    }


def territories_json(
    proposal: TerritoryProposal, manager_ids: Sequence[int], order_volume: np.ndarray
) -> list[dict[str, Any]]:
    """Per territory: manager, retailer count, 4-week workload, volume, centre and shape.

    The shape is the territory's pieces in the contiguity graph and the bridges, ferries or
    extra edges it relies on.
    """
    k = proposal.n_managers
    count = np.bincount(proposal.territory, minlength=k)
    volume = np.bincount(proposal.territory, weights=order_volume, minlength=k)
    shapes = proposal.shapes
    return [
        {
            "managerId": int(manager_ids[j]),
            "retailers": int(count[j]),
            "workloadMin": round(float(proposal.workload_min[j]), 1),
            "orderVolume": round(float(volume[j]), 1),
            "centreLat": round(float(proposal.centre_lat_deg[j]), 6),
            "centreLon": round(float(proposal.centre_lon_deg[j]), 6),
        }
        | ({} if j >= len(shapes) else _shape_json(shapes[j]))
        for j in range(k)
    ]


def _shape_json(shape: TerritoryShape) -> dict[str, Any]:
    return {
        "pieces": shape.pieces,
        "detachedRetailers": shape.detached_retailers,
        "piecesWhy": shape.why,
        "links": [
            {"kind": link.kind, "name": link.name, "lengthM": link.length_m} for link in shape.links
        ],
    }


def schedule_json(schedule: Schedule, cap_hours: float) -> dict[str, Any]:
    """Totals of a 4-week schedule: distance, hours per day, cap compliance."""
    m = schedule.metrics
    return {
        "totalTravelM": round(m.total_travel_m, 1),
        "dayHours": balance_json(m.day_hours),
        "maxDayHours": round(m.max_day_hours, 3),
        "capHours": cap_hours,
        "daysOverCap": m.days_over_cap,
        "lateStops": m.late_stops,
        "phaseMoves": m.phase_moves,
        "unvisitableRetailers": m.unvisitable_retailers,
        "days": len(schedule.days),
    }


def zones_json(zones: DistrictZones) -> dict[str, Any]:
    """The district's daily order-calling zones per weekday and their balance (R6.1)."""
    return {
        "orderingRetailers": [round(float(v), 3) for v in zones.ordering_retailers],
        "orders": [round(float(v), 3) for v in zones.orders],
        "orderVolume": [round(float(v), 3) for v in zones.order_volume],
        "orderingBalance": balance_json(zones.ordering_balance),
        "ordersBalance": balance_json(zones.orders_balance),
        "volumeBalance": balance_json(zones.volume_balance),
        "orderDayChanges": zones.order_day_changes,
    }
