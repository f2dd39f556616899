"""A district's barrier file: a right one is read whole, a wrong one names every problem."""

from __future__ import annotations

from typing import Any

import pytest

from gql.services.errors import InvalidInput
from gql.services.territories.barrier_file import barriers_geojson, parse_barriers


def _line(role: str, coordinates: Any, **properties: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"role": role, **properties},
        "geometry": {"type": "LineString", "coordinates": coordinates},
    }


RIVER = _line("barrier", [[120.60, 27.95], [120.70, 28.05]], kind="river", name="瓯江")
BRIDGE = _line("crossing", [[120.64, 28.01], [120.66, 27.99]], kind="bridge", name="大桥")


def test_a_river_and_its_bridge_are_read_and_written_back_the_same() -> None:
    ferry = {
        "type": "Feature",
        "properties": {"role": "crossing", "kind": "ferry"},
        "geometry": {
            "type": "MultiLineString",
            "coordinates": [[[120.8, 27.9], [120.9, 27.9]], [[120.8, 27.8], [120.9, 27.8]]],
        },
    }
    document = {"type": "FeatureCollection", "features": [RIVER, BRIDGE, ferry]}
    barriers = parse_barriers(document)
    assert [(b.name, b.kind, b.lat_deg, b.lon_deg) for b in barriers.barriers] == [
        ("瓯江", "river", (27.95, 28.05), (120.60, 120.70))
    ]
    assert [(c.name, c.kind) for c in barriers.crossings] == [
        ("大桥", "bridge"), ("crossing 3 (1)", "ferry"), ("crossing 3 (2)", "ferry")
    ]  # fmt: skip
    assert parse_barriers(barriers_geojson(barriers)) == barriers


def test_every_problem_of_a_file_is_named_at_its_feature() -> None:
    document = {
        "type": "FeatureCollection",
        "features": [
            RIVER,
            _line("wall", [[120.6, 27.9], [120.7, 28.0]]),
            _line("barrier", [[120.6, 27.9]]),
            _line("crossing", [[120.6, 95.0], [120.7, 28.0]]),
            {"type": "Feature", "properties": {"role": "barrier"},
             "geometry": {"type": "Polygon", "coordinates": []}},
            _line("barrier", [["120.6", 27.9], [120.7, 28.0]]),
        ],
    }  # fmt: skip
    with pytest.raises(InvalidInput) as raised:
        parse_barriers(document)
    problems = raised.value.problems
    assert [p.field for p in problems] == [("geojson", "features", i) for i in (1, 2, 3, 4, 5)]
    said = " | ".join(p.message for p in problems)
    for words in ("'wall'", "at least two", "not a WGS-84", "Polygon", "not a [lon, lat]"):
        assert words in said


@pytest.mark.parametrize(
    "document",
    [[], {"type": "Feature"}, {"type": "FeatureCollection"}, {"type": "FeatureCollection",
     "features": [RIVER] * 501}],
)  # fmt: skip
def test_a_document_that_is_not_a_feature_collection_is_refused_whole(document: Any) -> None:
    with pytest.raises(InvalidInput):
        parse_barriers(document)
