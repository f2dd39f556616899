"""Licensed tobacco retailers and their opening hours (R1.3, R1.4)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gql.domain._checks import check_lat_lon, check_seconds_of_day

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

__all__ = [
    "MAX_GRADE",
    "BusinessType",
    "OpeningWindow",
    "Retailer",
    "RetailerDraft",
    "RetailerStatus",
    "canonical_windows",
]

MAX_GRADE = 30
"""Chinese tobacco grades retailers into at most 30 class grades (档位) by purchases."""


class BusinessType(enum.StrEnum):
    """业态: what kind of shop sells the cigarettes; drives service time and brand mix (R6.3)."""

    ORDINARY = "ORDINARY"  # 普通零售户: the corner shop, most of the network
    CONVENIENCE = "CONVENIENCE"  # 便利店
    CHAIN_SUPERMARKET = "CHAIN_SUPERMARKET"  # 连锁超市 / 大型商超
    HOTEL_ENTERTAINMENT = "HOTEL_ENTERTAINMENT"  # 宾馆、酒店、娱乐场所
    OTHER = "OTHER"  # 其他 (kiosks, petrol stations, ...)


class RetailerStatus(enum.StrEnum):
    """Licence status: only ACTIVE retailers are planned and ordered."""

    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    CLOSED = "CLOSED"


@dataclass(frozen=True, slots=True)
class OpeningWindow:
    """One opening interval in seconds since local midnight.

    ``weekday`` is 0 (Monday) .. 6 (Sunday), or ``None`` for "every day". A shop with a
    midday break has two windows on the same day.
    """

    open_s: int
    close_s: int
    weekday: int | None = None

    def __post_init__(self) -> None:
        check_seconds_of_day(self.open_s, self.close_s)
        if self.weekday is not None and not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday {self.weekday} must be 0 (Monday) .. 6 (Sunday)")

    def applies_on(self, weekday: int) -> bool:
        """Whether this window is open on ``weekday`` (0 = Monday)."""
        return self.weekday is None or self.weekday == weekday


@dataclass(frozen=True, slots=True)
class RetailerDraft:
    """A retailer's data without identity or bookkeeping: what an import or the seed writes.

    Two drafts compare equal exactly when writing one over the other would change nothing,
    which is how a re-import detects unchanged rows.
    """

    licence_no: str
    name: str
    address: str
    lat: float
    lon: float
    business_type: BusinessType
    grade: int
    key_customer: bool
    service_time_s: int
    order_weekday: int
    status: RetailerStatus
    manager_id: int | None
    area_code: str
    opening_windows: tuple[OpeningWindow, ...]

    def __post_init__(self) -> None:
        _check_retailer(self)


@dataclass(frozen=True, slots=True)
class Retailer:
    """A licensed retailer at its registered WGS-84 position.

    The registered position is the reference for every visit check (R1.4), so it is
    always WGS-84 here; GCJ-02 / BD-09 input is converted before it gets this far.
    ``version`` increases on every change (optimistic locking).
    """

    id: int
    licence_no: str
    name: str
    address: str
    lat: float
    lon: float
    business_type: BusinessType
    grade: int
    key_customer: bool
    service_time_s: int
    order_weekday: int
    status: RetailerStatus
    manager_id: int | None
    area_code: str
    opening_windows: tuple[OpeningWindow, ...]
    created_at: datetime
    updated_at: datetime
    version: int

    def __post_init__(self) -> None:
        _check_retailer(self)

    def draft(self) -> RetailerDraft:
        """Return this retailer's data as a draft (windows in canonical order)."""
        return RetailerDraft(
            licence_no=self.licence_no,
            name=self.name,
            address=self.address,
            lat=self.lat,
            lon=self.lon,
            business_type=self.business_type,
            grade=self.grade,
            key_customer=self.key_customer,
            service_time_s=self.service_time_s,
            order_weekday=self.order_weekday,
            status=self.status,
            manager_id=self.manager_id,
            area_code=self.area_code,
            opening_windows=canonical_windows(self.opening_windows),
        )

    def windows_on(self, weekday: int) -> tuple[OpeningWindow, ...]:
        """Return the windows open on ``weekday`` (0 = Monday), earliest first."""
        return tuple(
            sorted((w for w in self.opening_windows if w.applies_on(weekday)), key=_open_s)
        )


def canonical_windows(windows: Iterable[OpeningWindow]) -> tuple[OpeningWindow, ...]:
    """Sort windows by weekday ("every day" first), then opening time, for comparison."""
    return tuple(sorted(windows, key=_window_key))


def _window_key(window: OpeningWindow) -> tuple[int, int, int]:
    return (-1 if window.weekday is None else window.weekday, window.open_s, window.close_s)


def _open_s(window: OpeningWindow) -> int:
    return window.open_s


def _check_retailer(retailer: Retailer | RetailerDraft) -> None:
    check_lat_lon(retailer.lat, retailer.lon)
    if not retailer.licence_no.strip():
        raise ValueError("licence number must not be empty")
    if not 1 <= retailer.grade <= MAX_GRADE:
        raise ValueError(f"grade {retailer.grade} must be 1..{MAX_GRADE}")
    if retailer.service_time_s <= 0:
        raise ValueError(f"service time {retailer.service_time_s} s must be positive")
    if not 0 <= retailer.order_weekday <= 6:
        raise ValueError(f"order weekday {retailer.order_weekday} must be 0..6")
