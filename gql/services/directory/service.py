"""Reading the reference data — retailers, managers, departments — within the caller's scope."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gql.domain import (
    MAX_GRADE,
    AccountManager,
    BusinessType,
    Department,
    Retailer,
    RetailerStatus,
    Role,
)
from gql.services.access import Principal, Scope, scope_of, signed_in
from gql.services.directory.density import (
    MAX_CELL_M,
    MIN_CELL_M,
    DensityCell,
    TooManyCells,
    density_cells,
)
from gql.services.errors import FieldPath, InvalidInput, NotFound, Problems, Unauthenticated
from gql.services.paging import Page, PageRequest, empty_page
from gql.store.repositories import (
    AuditRepository,
    DepartmentRepository,
    Keyset,
    ManagerRepository,
    RetailerFilter,
    RetailerRepository,
    StaffRepository,
)
from gql.store.repositories import (
    BoundingBox as StoreBoundingBox,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy.orm import Session

    from gql.domain import Staff
    from gql.services.directory.spatial import SpatialIndex

__all__ = [
    "BoundingBox",
    "DirectoryService",
    "NearQuery",
    "RetailerQuery",
]

MAX_NEAR_RADIUS_M = 50_000.0


@dataclass(frozen=True, slots=True)
class BoundingBox:
    """A WGS-84 rectangle, south-west to north-east."""

    south: float
    west: float
    north: float
    east: float


@dataclass(frozen=True, slots=True)
class NearQuery:
    """Within ``radius_m`` metres of a WGS-84 point."""

    lat: float
    lon: float
    radius_m: float


@dataclass(frozen=True, slots=True)
class RetailerQuery:
    """What the caller asks for; the caller's scope is applied on top."""

    manager_ids: frozenset[int] | None = None
    business_types: frozenset[BusinessType] | None = None
    grade_min: int | None = None
    grade_max: int | None = None
    statuses: frozenset[RetailerStatus] | None = None
    key_customer: bool | None = None
    bbox: BoundingBox | None = None
    near: NearQuery | None = None
    search: str | None = None


def _check_lat_lon(found: Problems, lat: float, lon: float, where: FieldPath) -> None:
    if not (math.isfinite(lat) and -90 <= lat <= 90):
        found.add((*where, "lat"), f"latitude must be within -90..90, got {lat}")
    if not (math.isfinite(lon) and -180 <= lon <= 180):
        found.add((*where, "lon"), f"longitude must be within -180..180, got {lon}")


def _validate(query: RetailerQuery) -> None:
    """Every fault of the filter at once, at ``("filter", <RetailerQuery field>)``."""
    found = Problems()
    for name in ("grade_min", "grade_max"):
        grade = getattr(query, name)
        if grade is not None and not 1 <= grade <= MAX_GRADE:
            found.add(("filter", name), f"grade must be within 1..{MAX_GRADE}, got {grade}")
    if (
        query.grade_min is not None
        and query.grade_max is not None
        and query.grade_min > query.grade_max
    ):
        found.add(("filter", "grade_min"), "the lowest grade must not exceed the highest")
    if query.bbox is not None:
        box = query.bbox
        if box.south > box.north or box.west > box.east:
            found.add(("filter", "bbox"), "south must be ≤ north and west ≤ east")
        for name, value, limit in (
            ("south", box.south, 90),
            ("north", box.north, 90),
            ("west", box.west, 180),
            ("east", box.east, 180),
        ):
            if not (math.isfinite(value) and -limit <= value <= limit):
                found.add(
                    ("filter", "bbox", name), f"must be within -{limit}..{limit}, got {value}"
                )
    if query.near is not None:
        _check_lat_lon(found, query.near.lat, query.near.lon, ("filter", "near"))
        if not (
            math.isfinite(query.near.radius_m) and 0 < query.near.radius_m <= MAX_NEAR_RADIUS_M
        ):
            found.add(
                ("filter", "near", "radius_m"),
                f"radius must be in (0, {MAX_NEAR_RADIUS_M:.0f}] m, got {query.near.radius_m}",
            )
    if query.search is not None and len(query.search.strip()) < 2:
        found.add(("filter", "search"), "search text needs at least 2 characters")
    found.raise_if_any()


class DirectoryService:
    """Scoped reads of reference data; a row outside the scope behaves as if it did not exist."""

    def __init__(
        self, session: Session, principal: Principal | None, spatial: SpatialIndex | None = None
    ) -> None:
        self._session = session
        self._principal = principal
        self._spatial = spatial
        self._retailers = RetailerRepository(session)
        self._managers = ManagerRepository(session)
        self._departments = DepartmentRepository(session)
        self._staff = StaffRepository(session)

    # -- who is asking -------------------------------------------------------------------

    def _scope(self) -> Scope:
        return scope_of(signed_in(self._principal))

    def _audit_assigned(self) -> frozenset[int] | None:
        """Retailers an auditor's open audit plans assign them; ``None`` for other roles."""
        principal = signed_in(self._principal)
        if principal.role is not Role.AUDITOR:
            return None
        return frozenset(
            AuditRepository(self._session).retailer_ids_assigned_to(principal.staff_id)
        )

    def viewer(self) -> Staff:
        """The caller's own staff record."""
        principal = signed_in(self._principal)
        staff = self._staff.get_many([principal.staff_id])[0]
        if staff is None:  # deleted between authentication and now
            raise Unauthenticated("unknown staff member")
        return staff

    # -- managers and departments -------------------------------------------------------

    def _visible_manager_ids(self, scope: Scope) -> frozenset[int] | None:
        """``None`` = every manager; otherwise the explicit set (departments expanded)."""
        if scope.everything:
            return None
        ids = set(scope.manager_ids)
        for department_id in scope.department_ids:
            ids.update(m.staff_id for m in self._managers.by_department(department_id))
        return frozenset(ids)

    def managers_by_ids(self, ids: Iterable[int]) -> list[AccountManager | None]:
        """For DataLoaders: one entry per id, ``None`` where missing or not visible."""
        wanted = list(ids)
        scope = self._scope()
        found = {m.staff_id: m for m in self._managers.get_many(wanted) if m is not None}
        return [
            m if m is not None and scope.allows(m.staff_id, m.department_id) else None
            for m in (found.get(i) for i in wanted)
        ]

    def manager(self, manager_id: int) -> AccountManager:
        """One manager, or :class:`NotFound`."""
        manager = self.managers_by_ids([manager_id])[0]
        if manager is None:
            raise NotFound("manager")
        return manager

    def managers(self, department_id: int | None, page: PageRequest) -> Page[AccountManager]:
        """Managers, optionally of one department, in staff-id order."""
        scope = self._scope()
        if scope.everything:
            return self._managers.page(**page.keys, department_id=department_id)
        if len(scope.department_ids) == 1 and not scope.manager_ids:
            (own,) = scope.department_ids
            if department_id in (None, own):
                return self._managers.page(**page.keys, department_id=own)
            return empty_page(page)  # type: ignore[return-value]
        # an account manager: only themselves
        mine = [
            m
            for m in self.managers_by_ids(sorted(scope.manager_ids))
            if m is not None and (department_id is None or m.department_id == department_id)
        ]
        keys = Keyset.of(page.first, page.after, page.last, page.before)
        taken = [m for m in mine if keys.takes(m.staff_id)]
        found, has_next, has_previous = keys.cut(taken[::-1] if keys.backward else taken)
        return Page(
            items=[(m.staff_id, m) for m in found],
            has_next=has_next,
            has_previous=has_previous,
            total_count=len(mine),
        )

    def departments_by_ids(self, ids: Iterable[int]) -> list[Department | None]:
        """For DataLoaders; departments are not secret, but anonymous callers see none."""
        signed_in(self._principal)
        wanted = list(ids)
        found = {d.id: d for d in self._departments.get_many(wanted) if d is not None}
        return [found.get(i) for i in wanted]

    def departments(self) -> list[Department]:
        """Every department, for pickers and filters."""
        signed_in(self._principal)
        return self._departments.all()

    # -- retailers ----------------------------------------------------------------------

    def retailers_by_ids(self, ids: Iterable[int]) -> list[Retailer | None]:
        """For DataLoaders: one entry per id, ``None`` where missing or not visible."""
        wanted = list(ids)
        visible = self._visible_manager_ids(self._scope())
        assigned = self._audit_assigned() or frozenset()
        found = {r.id: r for r in self._retailers.get_many(wanted) if r is not None}
        return [
            r
            if r is not None
            and (
                visible is None
                or (r.manager_id is not None and r.manager_id in visible)
                or r.id in assigned
            )
            else None
            for r in (found.get(i) for i in wanted)
        ]

    def retailer(self, retailer_id: int) -> Retailer:
        """One retailer, or :class:`NotFound`."""
        retailer = self.retailers_by_ids([retailer_id])[0]
        if retailer is None:
            raise NotFound("retailer")
        return retailer

    def retailers(self, query: RetailerQuery, page: PageRequest) -> Page[Retailer]:
        """Filtered, scoped, keyset-paginated retailers."""
        _validate(query)
        visible = self._visible_manager_ids(self._scope())
        manager_ids = query.manager_ids
        if visible is not None:
            manager_ids = visible if manager_ids is None else manager_ids & visible
        ids: frozenset[int] | None = None
        assigned = self._audit_assigned()
        if assigned is not None:  # auditors: exactly the retailers their audit plans assign
            ids = assigned
            manager_ids = query.manager_ids
        if (manager_ids is not None and not manager_ids) or (ids is not None and not ids):
            return empty_page(page)  # type: ignore[return-value]
        if query.near is not None:
            near = self._near_ids(query.near)
            ids = near if ids is None else ids & near
            if not ids:
                return empty_page(page)  # type: ignore[return-value]
        box = query.bbox
        return self._retailers.page(
            RetailerFilter(
                manager_ids=tuple(sorted(manager_ids or ())),
                business_types=tuple(sorted(query.business_types or ())),
                statuses=tuple(sorted(query.statuses or ())),
                grade_min=query.grade_min,
                grade_max=query.grade_max,
                bbox=(
                    None
                    if box is None
                    else StoreBoundingBox(box.south, box.west, box.north, box.east)
                ),
                ids=tuple(sorted(ids)) if ids is not None else None,
                text=query.search.strip() if query.search else None,
                key_customer=query.key_customer,
            ),
            **page.keys,
        )

    def density(
        self, cell_m: float, department_id: int | None = None, manager_id: int | None = None
    ) -> list[DensityCell]:
        """Occupied cells of a ``cell_m`` grid over the retailers the caller may see.

        With ``department_id`` or ``manager_id``, only theirs; one outside the scope yields no
        cells, exactly as an empty one.
        """
        if not MIN_CELL_M <= cell_m <= MAX_CELL_M:
            raise InvalidInput(
                f"the cell size must be {MIN_CELL_M:g}..{MAX_CELL_M:g} m, got {cell_m:g}",
                field=("cell_size_m",),
            )
        visible = self._visible_manager_ids(self._scope())
        manager_ids = visible
        if department_id is not None:
            mine = frozenset(m.staff_id for m in self._managers.by_department(department_id))
            manager_ids = mine if manager_ids is None else mine & manager_ids
        if manager_id is not None:
            manager_ids = frozenset({manager_id}) & (
                manager_ids if manager_ids is not None else {manager_id}
            )
        assigned = self._audit_assigned()
        if (manager_ids is not None and not manager_ids) or (assigned is not None and not assigned):
            return []
        where = RetailerFilter(
            manager_ids=tuple(sorted(manager_ids or ())),
            ids=tuple(sorted(assigned)) if assigned is not None else None,
        )
        lats, lons = self._retailers.positions_where(where)
        try:
            return density_cells(lats, lons, cell_m)
        except TooManyCells as exc:
            raise InvalidInput(str(exc), field=("cell_size_m",)) from exc

    def _near_ids(self, near: NearQuery) -> frozenset[int]:
        if self._spatial is None:
            raise InvalidInput(
                "proximity search is unavailable: the spatial index is not loaded",
                field=("filter", "near"),
            )
        return frozenset(self._spatial.within(self._session, near.lat, near.lon, near.radius_m))
