"""Creating and changing retailers (reference data): validated, converted, spacing-checked.

Coordinates may arrive in WGS-84, GCJ-02 or BD-09 (what Chinese web maps show); they are
stored in WGS-84. The licence-spacing rule (合理布局) is checked against the R-tree and
reported as a warning, or as an error when the caller asks for enforcement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import geo
from gql.domain import (
    MAX_GRADE,
    BusinessType,
    OpeningWindow,
    Retailer,
    RetailerDraft,
    RetailerStatus,
    Role,
)
from gql.services.access import Principal, require_role, signed_in
from gql.services.directory.lifecycle import RetailerLifecycleService
from gql.services.errors import ErrorCode, InvalidInput, NotFound, Problem, Problems
from gql.store.repositories import ManagerRepository, RetailerRepository

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from gql.services.directory.spatial import SpatialIndex

__all__ = [
    "DEFAULT_MIN_SPACING_M",
    "RetailerAdminService",
    "RetailerChange",
    "RetailerCommand",
    "RetailerSaved",
    "WindowSpec",
]

EDITORS = frozenset({Role.ADMIN, Role.MARKETING})
"""Who edits retailers: reference data (the licence status too: ``directory.lifecycle``)."""
DEFAULT_MIN_SPACING_M = 50.0
"""Minimum distance between licensed retailers unless the region configures its own."""


@dataclass(frozen=True, slots=True)
class WindowSpec:
    """An opening interval as the caller sends it; checked by the service, with its index."""

    open_s: int
    close_s: int
    weekday: int | None = None


@dataclass(frozen=True, slots=True)
class RetailerCommand:
    """A full retailer as the caller sends it; ``lat``/``lon`` are in ``coordinate_system``."""

    licence_no: str
    name: str
    address: str
    lat: float
    lon: float
    coordinate_system: str
    business_type: BusinessType
    grade: int
    key_customer: bool
    service_time_s: int
    order_weekday: int
    status: RetailerStatus
    manager_id: int | None
    area_code: str
    opening_windows: tuple[WindowSpec, ...]
    enforce_spacing: bool = False


@dataclass(frozen=True, slots=True)
class RetailerChange:
    """A partial update: ``None`` leaves a field as it is; ``expected_version`` guards races."""

    expected_version: int
    name: str | None = None
    address: str | None = None
    lat: float | None = None
    lon: float | None = None
    coordinate_system: str = "WGS84"
    business_type: BusinessType | None = None
    grade: int | None = None
    key_customer: bool | None = None
    service_time_s: int | None = None
    order_weekday: int | None = None
    status: RetailerStatus | None = None
    manager_id: int | None = None
    unassign_manager: bool = False
    area_code: str | None = None
    opening_windows: tuple[WindowSpec, ...] | None = None
    enforce_spacing: bool = False


@dataclass(frozen=True, slots=True)
class RetailerSaved:
    """The saved retailer and any warnings (spacing) the caller should see."""

    retailer: Retailer
    warnings: list[Problem] = field(default_factory=list)
    conflicts: list[geo.SpacingConflict] = field(default_factory=list)


def _to_wgs84(found: Problems, lat: float, lon: float, system: str) -> tuple[float, float]:
    """The WGS-84 position, or a fault on ``lat`` (and the given values back)."""
    try:
        point = geo.to_wgs84(geo.point_in(system, lat, lon))
    except geo.GeoError as exc:
        found.add(("lat",), str(exc), ErrorCode.INVALID_COORDINATE)
        return lat, lon
    return point.lat, point.lon


def _windows(found: Problems, specs: tuple[WindowSpec, ...]) -> tuple[OpeningWindow, ...]:
    windows: list[OpeningWindow] = []
    for index, spec in enumerate(specs):
        try:
            windows.append(OpeningWindow(spec.open_s, spec.close_s, spec.weekday))
        except ValueError as exc:
            found.add(("opening_windows", index), str(exc))
    return tuple(windows)


def _check_fields(found: Problems, values: dict[str, object]) -> None:
    licence = str(values["licence_no"]).strip()
    if not licence or len(licence) > 32:
        found.add(("licence_no",), "licence number must be 1..32 characters")
    if not str(values["name"]).strip():
        found.add(("name",), "name must not be empty")
    grade = values["grade"]
    if not isinstance(grade, int) or not 1 <= grade <= MAX_GRADE:
        found.add(("grade",), f"grade must be 1..{MAX_GRADE}, got {grade}")
    service = values["service_time_s"]
    if not isinstance(service, int) or not 0 < service <= 4 * 3600:
        found.add(("service_time_s",), f"service time must be 1..14400 s, got {service}")
    weekday = values["order_weekday"]
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        found.add(("order_weekday",), f"order weekday must be 0 (Monday)..6, got {weekday}")


class RetailerAdminService:
    """Reference-data edits by administrators and the marketing department."""

    def __init__(
        self,
        session: Session,
        principal: Principal | None,
        spatial: SpatialIndex,
        *,
        min_spacing_m: float = DEFAULT_MIN_SPACING_M,
        now: datetime | None = None,
    ) -> None:
        self._session = session
        self._principal = principal
        self._spatial = spatial
        self._retailers = RetailerRepository(session)
        self._managers = ManagerRepository(session)
        self._min_spacing_m = min_spacing_m
        self._now = now

    def _editor(self) -> Principal:
        principal = signed_in(self._principal)
        require_role(principal, EDITORS, "edit retailers")
        return principal

    def _clock(self) -> datetime:
        return self._now or datetime.now(UTC)

    def _spacing(
        self, lat: float, lon: float, exclude: int | None, enforce: bool
    ) -> tuple[list[Problem], list[geo.SpacingConflict]]:
        conflicts = geo.spacing_conflicts(
            self._spatial.index(self._session), lat, lon, self._min_spacing_m, exclude_id=exclude
        )
        if not conflicts:
            return [], []
        nearest = min(conflicts, key=lambda c: c.distance_m)
        message = (
            f"{len(conflicts)} licensed retailer(s) within the minimum spacing of "
            f"{self._min_spacing_m:.0f} m; nearest at {nearest.distance_m:.0f} m"
        )
        problem = Problem(message, ("lat",), ErrorCode.SPACING_VIOLATION)
        if enforce:
            raise InvalidInput.of([problem])
        return [problem], list(conflicts)

    def _check_manager(self, found: Problems, manager_id: int | None) -> None:
        if manager_id is None:
            return
        manager = self._managers.get_many([manager_id])[0]
        if manager is None or not manager.active:
            found.add(("manager_id",), "no active manager with this ID", ErrorCode.NOT_FOUND)

    def create(self, command: RetailerCommand) -> RetailerSaved:
        """Validate everything, then insert; nothing is written when anything is wrong.

        Every fault of the input is reported at once (paths are the command's fields).
        """
        self._editor()
        found = Problems()
        lat, lon = _to_wgs84(found, command.lat, command.lon, command.coordinate_system)
        values = {
            "licence_no": command.licence_no.strip(),
            "name": command.name.strip(),
            "address": command.address.strip(),
            "lat": lat,
            "lon": lon,
            "business_type": command.business_type,
            "grade": command.grade,
            "key_customer": command.key_customer,
            "service_time_s": command.service_time_s,
            "order_weekday": command.order_weekday,
            "status": command.status,
            "manager_id": command.manager_id,
            "area_code": command.area_code.strip(),
            "opening_windows": _windows(found, command.opening_windows),
        }
        _check_fields(found, values)
        self._check_manager(found, command.manager_id)
        if self._retailers.ids_by_licence_no([values["licence_no"]]):  # type: ignore[list-item]
            found.add(("licence_no",), "licence number already registered", ErrorCode.DUPLICATE)
        found.raise_if_any()
        warnings, conflicts = self._spacing(lat, lon, None, command.enforce_spacing)
        draft = RetailerDraft(**values)  # type: ignore[arg-type]
        (new_id,) = self._retailers.add_many([draft], now=self._clock())
        retailer = self._retailers.get_many([new_id])[0]
        assert retailer is not None
        return RetailerSaved(retailer=retailer, warnings=warnings, conflicts=conflicts)

    def update(self, retailer_id: int, change: RetailerChange) -> RetailerSaved:
        """Apply a partial change if the caller saw the current version."""
        self._editor()
        current = self._retailers.get_many([retailer_id])[0]
        if current is None:
            raise NotFound("retailer", field=("retailer_id",))
        if current.version != change.expected_version:
            raise InvalidInput(
                f"the retailer changed meanwhile (now version {current.version}); "
                "reload and try again",
                field=("expected_version",),
                code=ErrorCode.STALE_VERSION,
            )
        found = Problems()
        lat, lon = current.lat, current.lon
        moved = change.lat is not None or change.lon is not None
        if moved:
            if change.lat is None or change.lon is None:
                found.add(("lat",), "send lat and lon together")
            else:
                lat, lon = _to_wgs84(found, change.lat, change.lon, change.coordinate_system)
        manager_id = None if change.unassign_manager else (change.manager_id or current.manager_id)
        values = {
            "licence_no": current.licence_no,
            "name": (change.name if change.name is not None else current.name).strip(),
            "address": (change.address if change.address is not None else current.address).strip(),
            "lat": lat,
            "lon": lon,
            "business_type": change.business_type or current.business_type,
            "grade": change.grade if change.grade is not None else current.grade,
            "key_customer": (
                change.key_customer if change.key_customer is not None else current.key_customer
            ),
            "service_time_s": (
                change.service_time_s
                if change.service_time_s is not None
                else current.service_time_s
            ),
            "order_weekday": (
                change.order_weekday if change.order_weekday is not None else current.order_weekday
            ),
            "status": change.status or current.status,
            "manager_id": manager_id,
            "area_code": change.area_code if change.area_code is not None else current.area_code,
            "opening_windows": (
                _windows(found, change.opening_windows)
                if change.opening_windows is not None
                else current.opening_windows
            ),
        }
        _check_fields(found, values)
        if manager_id != current.manager_id:
            self._check_manager(found, manager_id)
        found.raise_if_any()
        warnings: list[Problem] = []
        conflicts: list[geo.SpacingConflict] = []
        if moved:
            warnings, conflicts = self._spacing(lat, lon, retailer_id, change.enforce_spacing)
        self._retailers.replace(
            retailer_id,
            RetailerDraft(**values),  # type: ignore[arg-type]
            expected_version=change.expected_version,
            now=self._clock(),
        )
        retailer = self._retailers.get_many([retailer_id])[0]
        assert retailer is not None
        if retailer.status is not current.status:  # kept in the status history, from today
            RetailerLifecycleService(self._session, self._principal, clock=self._clock).record_edit(
                current, retailer
            )
        return RetailerSaved(retailer=retailer, warnings=warnings, conflicts=conflicts)
