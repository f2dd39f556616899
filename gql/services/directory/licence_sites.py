"""Licensing layout (合理布局): spacing and crowding at a proposed licence position.

The marketing department weighs a licence application by the spacing rule (no licensed
retailer closer than the minimum) and by density: how many retailers already serve the
immediate neighbourhood compared with the surrounding district. Both come from the same
spatial index the visit checks use, so the answer is as current as the last edit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geo
from gql.domain import RetailerStatus, Role
from gql.services.access import Principal, require_role, signed_in
from gql.services.directory.retailer_admin import DEFAULT_MIN_SPACING_M
from gql.services.directory.vacancies import TooLargeGrid, VacantCell, vacant_cells
from gql.services.errors import ErrorCode, InvalidInput, NotFound, Problem
from gql.store.repositories import DepartmentRepository, ManagerRepository, RetailerRepository
from gql.store.repositories.retailers import RetailerFilter

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from gql.services.directory.spatial import SpatialIndex

__all__ = [
    "DISTRICT_RADIUS_M",
    "MAX_VACANCIES",
    "LicenceSiteService",
    "SiteCheck",
    "SiteNeighbour",
]

DISTRICT_RADIUS_M = 5_000.0
"""The surrounding district a neighbourhood is compared with (a town or an urban district)."""
NEAREST = 5
_CHECKERS = frozenset({Role.MARKETING, Role.ADMIN})
_RADIUS_M = (50.0, 2_000.0)
_CELL_M = (20.0, 2_000.0)
MAX_VACANCIES = 2_000
"""Cells listed at most by :meth:`LicenceSiteService.vacancies` (the total is still counted)."""


@dataclass(frozen=True, slots=True)
class SiteNeighbour:
    """A licensed retailer near the proposed position."""

    retailer_id: int
    distance_m: float


@dataclass(frozen=True, slots=True)
class SiteCheck:
    """The spacing verdict and the density around a proposed licence position (WGS-84)."""

    lat: float
    lon: float
    min_spacing_m: float
    conflicts: tuple[SiteNeighbour, ...]
    """Licensed retailers closer than the minimum spacing, nearest first."""
    nearest: tuple[SiteNeighbour, ...]
    radius_m: float
    local_count: int
    district_count: int

    @property
    def respects_spacing(self) -> bool:
        """No licensed retailer within the minimum spacing."""
        return not self.conflicts

    @property
    def local_per_km2(self) -> float:
        """Retailers per km² within ``radius_m``."""
        return self.local_count / _disc_km2(self.radius_m)

    @property
    def district_per_km2(self) -> float:
        """Retailers per km² within :data:`DISTRICT_RADIUS_M`."""
        return self.district_count / _disc_km2(DISTRICT_RADIUS_M)

    @property
    def density_ratio(self) -> float | None:
        """Local over district density (> 1: more crowded than around it); ``None`` if empty."""
        district = self.district_per_km2
        return None if district == 0 else self.local_per_km2 / district


def _disc_km2(radius_m: float) -> float:
    return math.pi * (radius_m / 1000.0) ** 2


class LicenceSiteService:
    """Site checks for licence applications (marketing and administrators)."""

    def __init__(
        self,
        session: Session,
        principal: Principal | None,
        spatial: SpatialIndex,
        *,
        min_spacing_m: float = DEFAULT_MIN_SPACING_M,
    ) -> None:
        self._session = session
        self._principal = principal
        self._spatial = spatial
        self._min_spacing_m = min_spacing_m

    def vacancies(
        self, department_id: int | None, cell_m: float, reach_m: float, limit: int
    ) -> tuple[list[VacantCell], int, float]:
        """Cells of the district's trading area where a new licence respects spacing.

        The widest gaps first, at most ``limit``; with how many qualify in all and the
        spacing used. ``None``: the whole company.
        """
        require_role(signed_in(self._principal), _CHECKERS, "plan the licensing layout")
        problems = []
        if not _CELL_M[0] <= cell_m <= _CELL_M[1]:
            problems.append(
                Problem(
                    f"must be {_CELL_M[0]:g}..{_CELL_M[1]:g} m, got {cell_m:g}", ("cell_size_m",)
                )
            )
        if not self._min_spacing_m < reach_m <= DISTRICT_RADIUS_M:
            problems.append(
                Problem(
                    f"must be over the {self._min_spacing_m:g} m spacing and at most "
                    f"{DISTRICT_RADIUS_M:g} m, got {reach_m:g}",
                    ("reach_m",),
                )
            )
        if not 1 <= limit <= MAX_VACANCIES:
            problems.append(Problem(f"must be 1..{MAX_VACANCIES}, got {limit}", ("first",)))
        if problems:
            raise InvalidInput.of(problems)
        retailers = RetailerRepository(self._session)
        active = (RetailerStatus.ACTIVE,)
        area = RetailerFilter(statuses=active)
        if department_id is not None:
            if DepartmentRepository(self._session).get_many([department_id])[0] is None:
                raise NotFound("department", field=("department_id",))
            managers = ManagerRepository(self._session).by_department(department_id)
            if not managers:
                return [], 0, self._min_spacing_m
            area = RetailerFilter(statuses=active, manager_ids=[m.staff_id for m in managers])
        area_lat, area_lon = retailers.positions_where(area)
        # spacing counts every registered retailer, as the site check and registration do
        _, all_lat, all_lon = retailers.positions()
        try:
            cells, total = vacant_cells(
                area_lat,
                area_lon,
                all_lat,
                all_lon,
                cell_m=cell_m,
                min_spacing_m=self._min_spacing_m,
                reach_m=reach_m,
                limit=limit,
            )
        except TooLargeGrid as exc:
            raise InvalidInput(str(exc), field=("cell_size_m",)) from exc
        return cells, total, self._min_spacing_m

    def check(self, lat: float, lon: float, system: str, radius_m: float) -> SiteCheck:
        """Check a proposed position given in ``system`` (WGS84, GCJ02, BD09, CGCS2000)."""
        require_role(signed_in(self._principal), _CHECKERS, "check licence sites")
        low, high = _RADIUS_M
        if not low <= radius_m <= high:
            raise InvalidInput(
                f"the neighbourhood radius must be {low:g}..{high:g} m, got {radius_m:g}",
                field=("radius_m",),
            )
        try:
            point = geo.to_wgs84(geo.point_in(system, lat, lon))
        except geo.GeoError as exc:
            raise InvalidInput(str(exc), field=("lat",), code=ErrorCode.INVALID_COORDINATE) from exc
        index = self._spatial.index(self._session)
        conflicts = geo.spacing_conflicts(index, point.lat, point.lon, self._min_spacing_m)
        ids, distances = index.nearest_with_distance(point.lat, point.lon, NEAREST)
        return SiteCheck(
            lat=point.lat,
            lon=point.lon,
            min_spacing_m=self._min_spacing_m,
            conflicts=tuple(
                SiteNeighbour(c.retailer_id, c.distance_m)
                for c in sorted(conflicts, key=lambda c: (c.distance_m, c.retailer_id))
            ),
            nearest=tuple(
                SiteNeighbour(int(i), float(d))
                for i, d in zip(ids.tolist(), distances.tolist(), strict=True)
            ),
            radius_m=radius_m,
            local_count=len(index.within(point.lat, point.lon, radius_m)),
            district_count=len(index.within(point.lat, point.lon, DISTRICT_RADIUS_M)),
        )
