"""A proposal as files marketing can take elsewhere: assignments as CSV, territories as GeoJSON.

The CSV names retailers by licence number and managers by staff number (the identifiers the
company's other systems share), one row per retailer with its current and proposed manager and
why; the GeoJSON has one MultiPolygon outline per proposed territory (the same concave hull the map
shows), WGS-84 [lon, lat] as RFC 7946 requires.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gql.services.geometry import territory_outline

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["ExportRow", "assignments_csv", "territories_geojson"]

CSV_COLUMNS = (
    "licence_no",
    "retailer",
    "manager_staff_no",
    "manager",
    "previous_manager_staff_no",
    "moved",
    "reason",
    "weekday",
    "lat",
    "lon",
)


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One retailer of a proposal, named as other systems name it."""

    licence_no: str
    retailer: str
    manager_staff_no: str
    manager: str
    previous_manager_staff_no: str
    moved: bool
    reason: str
    """Why it has this manager (KEPT, UNASSIGNED, REPLAN, CONTIGUITY, BALANCE; empty: not kept)."""
    weekday: int | None
    lat: float
    lon: float


def assignments_csv(rows: Sequence[ExportRow]) -> str:
    """UTF-8 CSV text with a header, by licence number (Excel opens it with a BOM added)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in sorted(rows, key=lambda x: x.licence_no):
        writer.writerow(
            (
                r.licence_no,
                r.retailer,
                r.manager_staff_no,
                r.manager,
                r.previous_manager_staff_no,
                "yes" if r.moved else "no",
                r.reason,
                "" if r.weekday is None else r.weekday,
                f"{r.lat:.7f}",
                f"{r.lon:.7f}",
            )
        )
    return out.getvalue()


def territories_geojson(rows: Sequence[ExportRow], managers: Mapping[str, str]) -> dict[str, Any]:
    """One Feature per proposed manager: the outline of their retailers and how many."""
    by_manager: dict[str, list[tuple[float, float]]] = {}
    for r in rows:
        by_manager.setdefault(r.manager_staff_no, []).append((r.lat, r.lon))
    features = []
    for staff_no, points in sorted(by_manager.items()):
        polygons = territory_outline(points)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "managerStaffNo": staff_no,
                    "manager": managers.get(staff_no, ""),
                    "retailers": len(points),
                },
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [
                        [[[round(lon, 7), round(lat, 7)] for lat, lon in ring] for ring in polygon]
                        for polygon in polygons
                    ],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
