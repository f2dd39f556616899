"""``districtBarriersSet``: a district's barriers and crossings as GeoJSON (marketing)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.scalars import camel_json

__all__ = ["DistrictBarriersSetInput", "DistrictBarriersSetPayload", "district_barriers_set"]


@strawberry.input(description="A district's barriers (docs/planning.md, Barriers).")
class DistrictBarriersSetInput:
    """The district and its lines."""

    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="The department; null: the whole company."
    )
    geojson: JSON | None = strawberry.field(
        description="A FeatureCollection of LineString/MultiLineString features in WGS-84 "
        "[lon, lat], each with `properties.role` `barrier` (a river, motorway, rail line, "
        "coast…) or `crossing` (a bridge, tunnel or ferry drawn from one side to the other), "
        "`properties.kind` and `properties.name`. Null removes the district's barriers."
    )


@strawberry.type(description="Result of `districtBarriersSet`.")
class DistrictBarriersSetPayload:
    """The stored barriers, or every problem of the file (nothing stored)."""

    geojson: JSON | None = strawberry.field(
        default=None, description="What was stored (null: none)."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description='Every problem, a feature\'s at `["input", "geojson", "features", "<i>"]`.',
    )


def district_barriers_set(
    info: strawberry.Info[Context, None], input: DistrictBarriersSetInput
) -> DistrictBarriersSetPayload:
    """Check and store; every later territory proposal of the district uses them."""
    department = (
        None
        if input.department_id is None
        else pk_of(input.department_id, "Department", ("department_id",))
    )
    document: Any = input.geojson
    stored = info.context.territories.set_barriers(department, document)
    return DistrictBarriersSetPayload(geojson=None if stored is None else camel_json(stored))
