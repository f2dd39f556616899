"""GraphQL types of the customer-types-by-area report (R6.3), built from the service's report."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypeAlias

import strawberry

from gql.schema.types.enums import described_enum
from gql.services.reports.area_report import AreaKind

if TYPE_CHECKING:
    from gql.services.reports import rules
    from gql.services.reports.area_report import AreaReport

__all__ = ["AreaKindEnum", "CustomerTypesByAreaType"]

described_enum(
    AreaKind,
    name="AreaKind",
    description="How retailers are cut into areas.",
    value_descriptions={
        AreaKind.DISTRICT: "The department of the retailer's manager (a department's district).",
        AreaKind.TERRITORY: "The retailer's manager (one manager's territory).",
        AreaKind.AREA_CODE: "The retailer's own area code.",
        AreaKind.GRID: "A square cell of cellSizeM metres, named r<row>c<col> from the equator.",
    },
)
AreaKindEnum: TypeAlias = AreaKind


@strawberry.type(name="AreaTypeGradeCell", description="One business type and grade in an area.")
class TypeGradeCellType:
    """Retailers and sales (cartons in the period)."""

    business_type: str
    grade: int
    retailers: int
    volume_cartons: float


@strawberry.type(name="AreaTypeCount", description="Retailers of one business type in an area.")
class TypeCountType:
    """A type and its count."""

    business_type: str
    retailers: int


@strawberry.type(
    name="AreaOpeningProfile",
    description="Shares (0..1) of the area's retailers with known hours, on their busiest day.",
)
class OpeningProfileType:
    """Null shares: no retailer of the area has opening hours."""

    with_hours: int
    open_before_9: float | None
    open_after_21: float | None
    past_midnight: float | None
    midday_break: float | None


@strawberry.type(
    name="AreaMixTest",
    description="Chi-square goodness of fit of the area's business-type counts against the "
    "company's (the scope's) proportions; p Bonferroni-adjusted over the tested areas.",
)
class MixTestType:
    """Untested (nulls, with a reason) when an expected count is below the minimum."""

    tested: bool
    statistic: float | None
    degrees_of_freedom: int | None
    p_value: float | None
    adjusted_p_value: float | None
    flagged: bool
    min_expected: float
    reason: str | None

    @classmethod
    def from_domain(cls, t: rules.MixTest) -> MixTestType:
        """Map one test."""
        return cls(
            tested=t.tested,
            statistic=t.statistic,
            degrees_of_freedom=t.dof,
            p_value=t.p_value,
            adjusted_p_value=t.adjusted_p,
            flagged=t.flagged,
            min_expected=t.min_expected,
            reason=t.reason,
        )


@strawberry.type(
    name="AreaBrandCell",
    description="One brand in an area, over all business types or within one.",
)
class BrandCellType:
    """Cartons and orders of the brand in the period, and its shares."""

    business_type: str | None = strawberry.field(
        description="The business type (null: every type of the area)."
    )
    brand: str | None = strawberry.field(
        description="The brand (null: orders imported without a brand, the unknown bucket)."
    )
    orders: int = strawberry.field(description="Orders of the brand in the period.")
    volume_cartons: float = strawberry.field(description="Cartons of the brand in the period.")
    share: float | None = strawberry.field(
        description="Share (0..1) of the area's (type's) cartons of a known brand; null for "
        "the unknown bucket or when no carton has a known brand."
    )
    company_share: float | None = strawberry.field(
        description="The same share for the company (the whole scope), same type."
    )

    @classmethod
    def from_domain(cls, cell: rules.BrandCell) -> BrandCellType:
        """Map one brand cell."""
        return cls(
            business_type=cell.business_type,
            brand=cell.brand,
            orders=cell.orders,
            volume_cartons=cell.cartons,
            share=cell.share,
            company_share=cell.company_share,
        )


@strawberry.type(
    name="AreaBrandMix",
    description="An area's brand mix beside the company's; the test counts orders per known "
    "brand against the company's proportions (chi-square, Bonferroni over the areas whose "
    "brand mix was tested).",
)
class BrandMixType:
    """Every brand of the company per area, and per business type of the area."""

    by_brand: list[BrandCellType]
    by_type_and_brand: list[BrandCellType]
    test: MixTestType


@strawberry.type(name="AreaMix", description="One area: its retailers by type and grade.")
class AreaMixType:
    """The measures of one area."""

    key: str
    name: str
    centre_lat: float | None
    centre_lon: float | None
    retailers: int
    volume_cartons: float
    by_type: list[TypeCountType]
    by_type_and_grade: list[TypeGradeCellType]
    order_weekdays: list[int] = strawberry.field(
        description="Retailers by order weekday, Monday first (7 numbers)."
    )
    opening: OpeningProfileType
    test: MixTestType
    brand_mix: BrandMixType = strawberry.field(
        description="Cartons by brand, overall and per business type, and the brand-mix test."
    )

    @classmethod
    def from_domain(
        cls, mix: rules.AreaMix, name: str, centre: tuple[float, float] | None
    ) -> AreaMixType:
        """Map one area."""
        o, t = mix.opening, mix.test
        return cls(
            key=mix.area,
            name=name,
            centre_lat=None if centre is None else centre[0],
            centre_lon=None if centre is None else centre[1],
            retailers=mix.retailers,
            volume_cartons=mix.sales,
            by_type=[TypeCountType(business_type=k, retailers=n) for k, n in mix.by_type],
            by_type_and_grade=[
                TypeGradeCellType(
                    business_type=c.business_type,
                    grade=c.grade,
                    retailers=c.retailers,
                    volume_cartons=c.sales,
                )
                for c in mix.by_type_grade
            ],
            order_weekdays=list(mix.order_weekdays),
            opening=OpeningProfileType(
                with_hours=o.with_hours,
                open_before_9=o.open_before_9,
                open_after_21=o.open_after_21,
                past_midnight=o.past_midnight,
                midday_break=o.midday_break,
            ),
            test=MixTestType.from_domain(t),
            brand_mix=BrandMixType(
                by_brand=[BrandCellType.from_domain(c) for c in mix.brands.by_brand],
                by_type_and_brand=[BrandCellType.from_domain(c) for c in mix.brands.by_type],
                test=MixTestType.from_domain(mix.brands.test),
            ),
        )


@strawberry.type(name="CustomerTypesByArea", description="Customer types by area (R6.3).")
class CustomerTypesByAreaType:
    """Areas sorted by key, and the company (the whole scope) as one more row."""

    first_day: dt.date
    last_day: dt.date
    area_kind: AreaKindEnum
    cell_size_m: float | None
    alpha: float
    tested_areas: int
    brand_tested_areas: int = strawberry.field(
        description="Areas whose brand mix was tested (the Bonferroni factor of its p-values)."
    )
    areas: list[AreaMixType]
    company: AreaMixType | None

    @classmethod
    def from_domain(cls, report: AreaReport) -> CustomerTypesByAreaType:
        """Map a service report."""
        return cls(
            first_day=report.period.first,
            last_day=report.period.last,
            area_kind=report.kind,
            cell_size_m=report.cell_m,
            alpha=report.alpha,
            tested_areas=report.tested,
            brand_tested_areas=report.brand_tested,
            areas=[
                AreaMixType.from_domain(
                    a, report.names.get(a.area, a.area), report.centres.get(a.area)
                )
                for a in report.areas
            ],
            company=None
            if report.company is None
            else AreaMixType.from_domain(report.company, "company", None),
        )
