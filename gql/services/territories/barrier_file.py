"""A district's barriers as GeoJSON: rivers, motorways and rail lines, and their crossings.

Marketing draws them in any GIS tool and uploads one FeatureCollection per district: each
Feature a ``LineString`` or ``MultiLineString`` in WGS-84 ``[lon, lat]`` (RFC 7946), with
properties ``role`` (``barrier`` or ``crossing``), ``kind`` (``river``, ``motorway``, ``rail``,
``coast``… / ``bridge``, ``tunnel``, ``ferry``…) and an optional ``name``. A crossing is drawn
from one side to the other. Every problem is reported with the feature it is in; nothing is
stored unless the whole file is right.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from gql.services.errors import InvalidInput, Problem
from gql.services.territories.rules import PlanningError
from gql.services.territories.rules.barriers import Barrier, Barriers, Crossing

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["MAX_FEATURES", "MAX_POINTS", "barriers_geojson", "parse_barriers"]

MAX_FEATURES = 500
"""More lines than a district needs; a larger file is refused."""
MAX_POINTS = 50_000
"""Vertices over all features (simplify the lines in the GIS tool first)."""

_ROLES = ("barrier", "crossing")


def parse_barriers(document: Mapping[str, Any]) -> Barriers:
    """The barriers and crossings of a GeoJSON FeatureCollection.

    Raises :class:`InvalidInput` listing every problem, at ``("geojson", "features", i)``.
    """
    at = ("geojson",)
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise InvalidInput("must be a GeoJSON FeatureCollection", field=at)
    features = document.get("features")
    if not isinstance(features, list):
        raise InvalidInput("needs a list of features", field=(*at, "features"))
    if len(features) > MAX_FEATURES:
        raise InvalidInput(
            f"has {len(features)} features; at most {MAX_FEATURES}", field=(*at, "features")
        )
    problems: list[Problem] = []
    barriers: list[Barrier] = []
    crossings: list[Crossing] = []
    points = 0
    for i, feature in enumerate(features):
        where = (*at, "features", i)
        try:
            role, kind, name, lines = _feature(feature, i)
            points += sum(len(line) for line in lines)
            for part, line in enumerate(lines):
                label = name if len(lines) == 1 else f"{name} ({part + 1})"
                lat = tuple(p[1] for p in line)
                lon = tuple(p[0] for p in line)
                if role == "barrier":
                    barriers.append(Barrier(label, kind, lat, lon))
                else:
                    crossings.append(Crossing(label, kind, lat, lon))
        except (ValueError, PlanningError) as exc:
            problems.append(Problem(str(exc), where))
    if points > MAX_POINTS:
        problems.append(Problem(f"has {points} points in all; at most {MAX_POINTS}", at))
    if problems:
        raise InvalidInput.of(problems)
    return Barriers(barriers=tuple(barriers), crossings=tuple(crossings))


def _feature(feature: Any, i: int) -> tuple[str, str, str, list[list[tuple[float, float]]]]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValueError("must be a GeoJSON Feature")
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        raise ValueError("properties must be an object")
    role = properties.get("role")
    if role not in _ROLES:
        raise ValueError(f"properties.role must be 'barrier' or 'crossing', not {role!r}")
    kind = str(properties.get("kind") or ("river" if role == "barrier" else "bridge"))[:40]
    name = str(properties.get("name") or f"{role} {i + 1}")[:100]
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        raise ValueError("needs a geometry")
    coordinates = geometry.get("coordinates")
    if geometry.get("type") == "LineString":
        raw = [coordinates]
    elif geometry.get("type") == "MultiLineString" and isinstance(coordinates, list):
        raw = coordinates
    else:
        raise ValueError(
            f"geometry must be a LineString or MultiLineString, not {geometry.get('type')!r}"
        )
    return role, kind, name, [_line(line) for line in raw]


def _line(raw: Any) -> list[tuple[float, float]]:
    if not isinstance(raw, list) or len(raw) < 2:
        raise ValueError("a line needs at least two [lon, lat] positions")
    line = []
    for position in raw:
        if (
            not isinstance(position, list)
            or len(position) < 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position)
        ):
            raise ValueError(f"{position!r} is not a [lon, lat] position")
        lon, lat = float(position[0]), float(position[1])
        if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
            raise ValueError(f"[{lon}, {lat}] is not a WGS-84 [lon, lat] position")
        line.append((lon, lat))
    return line


def barriers_geojson(barriers: Barriers) -> dict[str, Any]:
    """The stored barriers as the FeatureCollection :func:`parse_barriers` reads."""
    features = [
        {
            "type": "Feature",
            "properties": {"role": role, "kind": line.kind, "name": line.name},
            "geometry": {
                "type": "LineString",
                "coordinates": [
                    [lon, lat] for lat, lon in zip(line.lat_deg, line.lon_deg, strict=True)
                ],
            },
        }
        for role, lines in (("barrier", barriers.barriers), ("crossing", barriers.crossings))
        for line in lines
    ]
    return {"type": "FeatureCollection", "features": features}
