"""Inputs shared by the audit mutations."""

from __future__ import annotations

import strawberry

from gql.schema.types.audit_enums import AllocationEnum, StratumByEnum
from gql.schema.types.enums import CoordinateSystemEnum
from gql.services.audits import rules as audits
from gql.services.audits.commands import AuditDesign
from gql.services.errors import FieldPath, InvalidInput
from gql.services.geometry import to_wgs84

__all__ = ["AuditDesignInput", "StartPointInput", "parse_seed"]


@strawberry.input(description="The sampling design of an audit plan.")
class AuditDesignInput:
    """Strata, allocation, exclusions and weighting."""

    allocation: AllocationEnum = strawberry.field(
        default=audits.Allocation.PROPORTIONAL, description="Proportional or equal."
    )
    size: int | None = strawberry.field(default=None, description="Sample size (proportional).")
    per_stratum: int | None = strawberry.field(
        default=None, description="Seats per stratum (equal)."
    )
    stratify_by: list[StratumByEnum] = strawberry.field(
        default_factory=list, description="Extra strata beyond the manager."
    )
    exclude_audited_within_days: int | None = strawberry.field(
        default=None, description="Leave out retailers audited fewer days ago than this."
    )
    weighted: bool = strawberry.field(
        default=False,
        description="Weight by risk: unverified visits, recent complaints, not audited lately.",
    )

    def to_command(self) -> AuditDesign:
        """The service's design."""
        return AuditDesign(
            allocation=audits.Allocation(self.allocation),
            size=self.size,
            per_stratum=self.per_stratum,
            stratify_by=tuple(audits.StratumBy(s) for s in self.stratify_by),
            exclude_audited_within_days=self.exclude_audited_within_days,
            weighted=self.weighted,
        )


@strawberry.input(description="Where the audit team starts and ends its day (WGS-84).")
class StartPointInput:
    """The team's start point."""

    lat: float = strawberry.field(description="Latitude in `coordinateSystem`.")
    lon: float = strawberry.field(description="Longitude in `coordinateSystem`.")
    label: str = strawberry.field(default="考核组", description="Name of the place.")
    coordinate_system: CoordinateSystemEnum = strawberry.field(
        default=CoordinateSystemEnum.WGS84,
        description="Datum of lat/lon (a point picked on AMap is GCJ02); stored as WGS-84.",
    )

    def wgs84(self, field: FieldPath = ("start",)) -> tuple[float, float]:
        """(lat, lon) in WGS-84; a WGS-84 pair passes unchanged (the service checks ranges)."""
        if self.coordinate_system is CoordinateSystemEnum.WGS84:
            return self.lat, self.lon
        return to_wgs84(self.lat, self.lon, self.coordinate_system, field)


def parse_seed(text: str | None) -> int | None:
    """A seed given as decimal text (GraphQL Int is 32-bit; seeds go up to 128 bits)."""
    if text is None:
        return None
    value = text.strip()
    if not value.isdigit() or int(value) > audits.MAX_SEED:
        raise InvalidInput("give a decimal integer between 0 and 2**128 - 1", field=("seed",))
    return int(value)
