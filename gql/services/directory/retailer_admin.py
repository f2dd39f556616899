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
from gql.services.access import Principal, require_role
from gql.services.errors import NotFound
from gql.store.repositories import ManagerRepository, RetailerRepository

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from gql.services.directory.spatial import SpatialIndex

__all__ = [
    "DEFAULT_MIN_SPACING_M",
    "FieldProblem",
    "RetailerAdminService",
    "RetailerChange",
    "RetailerCommand",
    "RetailerEditRejected",
    "RetailerSaved",
]

EDITORS = frozenset({Role.ADMIN, Role.MARKETING})
DEFAULT_MIN_SPACING_M = 50.0
"""Minimum distance between licensed retailers unless the region configures its own."""


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One problem with one input field (``field`` is a path like ("input", "lat"))."""

    field: tuple[str, ...] | None
    message: str
    code: str


class RetailerEditRejected(Exception):
    """The input cannot be saved; every problem is listed and nothing was written."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


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
    opening_windows: tuple[OpeningWindow, ...]
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
    opening_windows: tuple[OpeningWindow, ...] | None = None
    enforce_spacing: bool = False


@dataclass(frozen=True, slots=True)
class RetailerSaved:
    """The saved retailer and any warnings (spacing) the caller should see."""

    retailer: Retailer
    warnings: list[FieldProblem] = field(default_factory=list)
    conflicts: list[geo.SpacingConflict] = field(default_factory=list)


def _to_wgs84(lat: float, lon: float, system: str) -> tuple[float, float]:
    try:
        point = geo.to_wgs84(geo.point_in(system, lat, lon))
    except geo.GeoError as exc:
        raise RetailerEditRejected(
            [FieldProblem(("input", "lat"), str(exc), "INVALID_COORDINATE")]
        ) from exc
    return point.lat, point.lon


def _check_fields(draft_values: dict[str, object]) -> list[FieldProblem]:
    problems: list[FieldProblem] = []

    def bad(name: str, message: str, code: str = "INVALID") -> None:
        problems.append(FieldProblem(("input", name), message, code))

    licence = str(draft_values["licence_no"]).strip()
    if not licence or len(licence) > 32:
        bad("licenceNo", "licence number must be 1..32 characters")
    if not str(draft_values["name"]).strip():
        bad("name", "name must not be empty")
    grade = draft_values["grade"]
    if not isinstance(grade, int) or not 1 <= grade <= MAX_GRADE:
        bad("grade", f"grade must be 1..{MAX_GRADE}, got {grade}")
    service = draft_values["service_time_s"]
    if not isinstance(service, int) or not 0 < service <= 4 * 3600:
        bad("serviceTimeS", f"service time must be 1..14400 s, got {service}")
    weekday = draft_values["order_weekday"]
    if not isinstance(weekday, int) or not 0 <= weekday <= 6:
        bad("orderWeekday", f"order weekday must be 0 (Monday)..6, got {weekday}")
    windows: tuple[OpeningWindow, ...] = draft_values["opening_windows"]  # type: ignore[assignment]
    for index, window in enumerate(windows):
        if not 0 <= window.open_s < window.close_s <= 86_400:
            bad("openingWindows", f"window {index + 1}: open must be before close within the day")
        if window.weekday is not None and not 0 <= window.weekday <= 6:
            bad("openingWindows", f"window {index + 1}: weekday must be 0..6")
    return problems


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
        if self._principal is None:
            raise NotFound("retailer")
        require_role(self._principal, EDITORS, "edit retailers")
        return self._principal

    def _clock(self) -> datetime:
        return self._now or datetime.now(UTC)

    def _spacing(
        self, lat: float, lon: float, exclude: int | None, enforce: bool
    ) -> tuple[list[FieldProblem], list[geo.SpacingConflict]]:
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
        problem = FieldProblem(("input", "lat"), message, "SPACING_VIOLATION")
        if enforce:
            raise RetailerEditRejected([problem])
        return [problem], list(conflicts)

    def _check_manager(self, manager_id: int | None) -> list[FieldProblem]:
        if manager_id is None:
            return []
        manager = self._managers.get_many([manager_id])[0]
        if manager is None or not manager.active:
            return [
                FieldProblem(("input", "managerId"), "no active manager with this ID", "NOT_FOUND")
            ]
        return []

    def create(self, command: RetailerCommand) -> RetailerSaved:
        """Validate everything, then insert; nothing is written when anything is wrong."""
        self._editor()
        lat, lon = _to_wgs84(command.lat, command.lon, command.coordinate_system)
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
            "opening_windows": command.opening_windows,
        }
        problems = _check_fields(values) + self._check_manager(command.manager_id)
        if self._retailers.ids_by_licence_no([values["licence_no"]]):  # type: ignore[list-item]
            problems.append(
                FieldProblem(
                    ("input", "licenceNo"), "licence number already registered", "DUPLICATE"
                )
            )
        if problems:
            raise RetailerEditRejected(problems)
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
            raise NotFound("retailer")
        if current.version != change.expected_version:
            raise RetailerEditRejected(
                [
                    FieldProblem(
                        ("input", "expectedVersion"),
                        f"the retailer changed meanwhile (now version {current.version}); "
                        "reload and try again",
                        "STALE_VERSION",
                    )
                ]
            )
        lat, lon = current.lat, current.lon
        moved = change.lat is not None or change.lon is not None
        if moved:
            if change.lat is None or change.lon is None:
                raise RetailerEditRejected(
                    [FieldProblem(("input", "lat"), "send lat and lon together", "INVALID")]
                )
            lat, lon = _to_wgs84(change.lat, change.lon, change.coordinate_system)
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
                change.opening_windows
                if change.opening_windows is not None
                else current.opening_windows
            ),
        }
        problems = _check_fields(values)
        if manager_id != current.manager_id:
            problems += self._check_manager(manager_id)
        if problems:
            raise RetailerEditRejected(problems)
        warnings: list[FieldProblem] = []
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
        return RetailerSaved(retailer=retailer, warnings=warnings, conflicts=conflicts)
