"""Differentiated delivery: the shops a delivery window misses, and zones that need their own."""

from __future__ import annotations

import strawberry

from gql.context import Context
from gql.domain import BusinessType, hh_mm
from gql.schema.relay import encode_global_id
from gql.schema.types.directory import RetailerType, load_retailer
from gql.schema.types.enums import BusinessTypeEnum
from gql.services.reports import rules

__all__ = ["DeliveryFitType"]

Info = strawberry.Info[Context, None]


@strawberry.type(name="DeliveryMiss", description="An ordering retailer the window misses.")
class DeliveryMissType:
    """Who, where, and when it is open on its delivery day."""

    retailer_pk: strawberry.Private[int]
    zone: str = strawberry.field(description="Its area (片区) code.")
    business_type: BusinessTypeEnum
    open_on_delivery_day: list[str] = strawberry.field(
        description="Its opening windows on its delivery day, `HH:MM-HH:MM` (empty: closed)."
    )

    @strawberry.field(description="The retailer's ID.")
    def retailer_id(self) -> strawberry.ID:
        """Global ID."""
        return strawberry.ID(encode_global_id("Retailer", self.retailer_pk))

    @strawberry.field(description="The retailer (null when outside your scope).")
    async def retailer(self, info: Info) -> RetailerType | None:
        """Batched through the retailer loader."""
        return await load_retailer(info, self.retailer_pk)


@strawberry.type(name="TypeCount", description="Retailers of one business type.")
class TypeCountType:
    """A business type and how many."""

    business_type: BusinessTypeEnum
    retailers: int


@strawberry.type(name="ZoneDelivery", description="One zone under the district window and its own.")
class ZoneDeliveryType:
    """A zone's fit now, its type mix, and the window of the same length that fits it best."""

    zone: str = strawberry.field(description="Area (片区) code.")
    retailers: int = strawberry.field(description="Ordering retailers in the zone.")
    fitting: int = strawberry.field(description="Those the district window fits.")
    types: list[TypeCountType] = strawberry.field(description="Business types, most first.")
    best_window_start: str = strawberry.field(
        description="Start (`HH:MM`) of the window of the same length fitting most of them."
    )
    best_window_end: str = strawberry.field(description="Its end.")
    best_fitting: int = strawberry.field(description="Retailers that window fits.")
    needs_own_window: bool = strawberry.field(
        description="At least 5 retailers, and its best window fits at least 20 % more of them "
        "than the district's: deliver this zone at its own time."
    )


@strawberry.type(
    name="DeliveryFit",
    description="How a delivery window fits the ordering retailers' hours (差异化配送).",
)
class DeliveryFitType:
    """The window, the shops it misses, and the zones."""

    window_start: str = strawberry.field(description="`HH:MM`.")
    window_end: str = strawberry.field(description="`HH:MM`.")
    min_overlap_min: int = strawberry.field(
        description="Minutes a shop must be open within the window to take a delivery."
    )
    retailers: int = strawberry.field(description="Ordering retailers checked.")
    fitting: int = strawberry.field(description="Those the window fits.")
    missing_count: int = strawberry.field(description="Those it misses.")
    missing: list[DeliveryMissType] = strawberry.field(
        description="Retailers the window misses (at most `first`)."
    )
    zones: list[ZoneDeliveryType] = strawberry.field(description="Every zone, by code.")

    @classmethod
    def from_domain(cls, fit: rules.DeliveryFit, first: int) -> DeliveryFitType:
        """Map the rules' answer."""
        return cls(
            window_start=hh_mm(fit.start_s),
            window_end=hh_mm(fit.end_s),
            min_overlap_min=fit.min_overlap_s // 60,
            retailers=fit.retailers,
            fitting=fit.fitting,
            missing_count=len(fit.missing),
            missing=[
                DeliveryMissType(
                    retailer_pk=m.retailer_id,
                    zone=m.zone,
                    business_type=BusinessType(m.business_type),
                    open_on_delivery_day=[f"{hh_mm(a)}-{hh_mm(b)}" for a, b in m.windows_s],
                )
                for m in fit.missing[:first]
            ],
            zones=[
                ZoneDeliveryType(
                    zone=z.zone,
                    retailers=z.retailers,
                    fitting=z.fitting,
                    types=[
                        TypeCountType(business_type=BusinessType(t), retailers=n)
                        for t, n in z.types
                    ],
                    best_window_start=hh_mm(z.best_start_s),
                    best_window_end=hh_mm(z.best_start_s + fit.end_s - fit.start_s),
                    best_fitting=z.best_fitting,
                    needs_own_window=z.needs_own_window,
                )
                for z in fit.zones
            ],
        )
