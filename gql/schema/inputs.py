"""Input types for filters; they turn into service commands with :meth:`to_domain`."""

from __future__ import annotations

import strawberry

from gql.schema.relay import InvalidGlobalId, decode_global_id
from gql.schema.types.enums import BusinessTypeEnum, CoordinateSystemEnum, RetailerStatusEnum
from gql.services.directory.service import BoundingBox, NearQuery, RetailerQuery
from gql.services.errors import FieldPath, InvalidInput, Problem
from gql.services.geometry import to_wgs84

__all__ = [
    "BoundingBoxInput",
    "NearInput",
    "RetailerFilter",
    "global_id_of",
    "pk_list",
    "pk_of",
    "seconds_of_day",
]


def _path(field: str | FieldPath) -> FieldPath:
    return tuple(field.split(".")) if isinstance(field, str) else field


def _problem(global_id: strawberry.ID, expected_type: str, field: FieldPath) -> Problem | None:
    try:
        type_name, _ = decode_global_id(str(global_id))
    except InvalidGlobalId as exc:
        return Problem(str(exc), field)
    if type_name != expected_type:
        return Problem(f"expected a {expected_type} ID, got a {type_name} ID", field)
    return None


def global_id_of(global_id: strawberry.ID, field: str | FieldPath = "id") -> tuple[str, int]:
    """(type name, primary key) of an ID of any type; a clear error naming ``field`` if bad."""
    try:
        return decode_global_id(str(global_id))
    except InvalidGlobalId as exc:
        raise InvalidInput(str(exc), field=_path(field)) from exc


def pk_of(global_id: strawberry.ID, expected_type: str, field: str | FieldPath = "id") -> int:
    """Primary key of an ID that must name ``expected_type``; a clear error otherwise.

    ``field`` says where the ID stands: a Python path into the input (``("manager_id",)``) or
    a dotted argument name (``"filter.managerIds"``).
    """
    problem = _problem(global_id, expected_type, _path(field))
    if problem is not None:
        raise InvalidInput.of([problem])
    return decode_global_id(str(global_id))[1]


def seconds_of_day(text: str, field: FieldPath) -> int:
    """``"08:30"`` → 30600; anything but a time of day HH:MM is an error naming ``field``."""
    hours, _, minutes = text.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise InvalidInput(f"{text!r} is not a time of day HH:MM", field=field)
    if not (int(hours) < 24 and int(minutes) < 60):
        raise InvalidInput(f"{text!r} is not within 00:00..23:59", field=field)
    return int(hours) * 3600 + int(minutes) * 60


def pk_list(
    global_ids: list[strawberry.ID], expected_type: str, field: str | FieldPath
) -> tuple[int, ...]:
    """Primary keys of a list of IDs; every bad one is reported at once, with its index."""
    where = _path(field)
    problems = [
        p
        for n, i in enumerate(global_ids)
        if (p := _problem(i, expected_type, (*where, n))) is not None
    ]
    if problems:
        raise InvalidInput.of(problems)
    return tuple(decode_global_id(str(i))[1] for i in global_ids)


@strawberry.input(
    description="A rectangle: south-west and north-east corners in `coordinateSystem`."
)
class BoundingBoxInput:
    """Map viewport; a GCJ-02/BD-09 viewport is searched as its enclosing WGS-84 rectangle."""

    south: float = strawberry.field(description="Minimum latitude.")
    west: float = strawberry.field(description="Minimum longitude.")
    north: float = strawberry.field(description="Maximum latitude.")
    east: float = strawberry.field(description="Maximum longitude.")
    coordinate_system: CoordinateSystemEnum = strawberry.field(
        default=CoordinateSystemEnum.WGS84,
        description="Datum of the corners (the map's: GCJ02 for AMap/Tencent, BD09 for Baidu).",
    )

    def to_domain(self, field: FieldPath) -> BoundingBox:
        """The WGS-84 box; converted corners are enclosed (the shift varies within a box)."""
        if self.coordinate_system is CoordinateSystemEnum.WGS84:
            return BoundingBox(self.south, self.west, self.north, self.east)
        corners = [
            to_wgs84(lat, lon, self.coordinate_system, field)
            for lat in (self.south, self.north)
            for lon in (self.west, self.east)
        ]
        lats = [c[0] for c in corners]
        lons = [c[1] for c in corners]
        return BoundingBox(min(lats), min(lons), max(lats), max(lons))


@strawberry.input(description="Everything within radiusM metres of a point.")
class NearInput:
    """Proximity search through the R-tree."""

    lat: float = strawberry.field(description="Latitude in `coordinateSystem`.")
    lon: float = strawberry.field(description="Longitude in `coordinateSystem`.")
    radius_m: float = strawberry.field(description="Radius in metres (0 < r ≤ 50,000).")
    coordinate_system: CoordinateSystemEnum = strawberry.field(
        default=CoordinateSystemEnum.WGS84,
        description="Datum of lat/lon (the map's: GCJ02 for AMap/Tencent, BD09 for Baidu).",
    )

    def to_domain(self, field: FieldPath) -> NearQuery:
        """The WGS-84 centre; the radius is in metres whatever the datum."""
        if self.coordinate_system is CoordinateSystemEnum.WGS84:
            return NearQuery(self.lat, self.lon, self.radius_m)
        lat, lon = to_wgs84(self.lat, self.lon, self.coordinate_system, field)
        return NearQuery(lat, lon, self.radius_m)


@strawberry.input(description="Filters for retailers; all given filters must hold.")
class RetailerFilter:
    """Retailer search."""

    manager_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only retailers assigned to these managers."
    )
    business_types: list[BusinessTypeEnum] | None = strawberry.field(
        default=None, description="Only these kinds of shop."
    )
    grade_min: int | None = strawberry.field(default=None, description="Lowest grade, 1..30.")
    grade_max: int | None = strawberry.field(default=None, description="Highest grade, 1..30.")
    statuses: list[RetailerStatusEnum] | None = strawberry.field(
        default=None, description="Only these licence statuses."
    )
    key_customer: bool | None = strawberry.field(default=None, description="Key customers only.")
    bbox: BoundingBoxInput | None = strawberry.field(
        default=None, description="Inside this rectangle."
    )
    near: NearInput | None = strawberry.field(default=None, description="Within a radius.")
    search: str | None = strawberry.field(
        default=None, description="Text in the name or licence number (at least 2 characters)."
    )

    def to_domain(self) -> RetailerQuery:
        """Validate IDs here; ranges are checked by the service."""
        return RetailerQuery(
            manager_ids=(
                None
                if self.manager_ids is None
                else frozenset(pk_list(self.manager_ids, "Manager", ("filter", "manager_ids")))
            ),
            business_types=None if self.business_types is None else frozenset(self.business_types),
            grade_min=self.grade_min,
            grade_max=self.grade_max,
            statuses=None if self.statuses is None else frozenset(self.statuses),
            key_customer=self.key_customer,
            bbox=None if self.bbox is None else self.bbox.to_domain(("filter", "bbox")),
            near=None if self.near is None else self.near.to_domain(("filter", "near")),
            search=self.search,
        )
