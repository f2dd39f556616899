"""Licensed tobacco retailers and their opening hours (R1.3, R1.4)."""

from __future__ import annotations

import enum
import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gql.domain._checks import check_lat_lon, check_seconds_of_day

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date, datetime

__all__ = [
    "MAX_GRADE",
    "BusinessType",
    "OpeningWindow",
    "Retailer",
    "RetailerDraft",
    "RetailerStatus",
    "RetailerStatusChange",
    "canonical_windows",
    "format_opening_hours",
    "hh_mm",
    "parse_opening_hours",
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


_WINDOW = re.compile(
    r"(?:(?P<days>[0-6](?:-[0-6])?(?:,[0-6](?:-[0-6])?)*)@)?"
    r"(?P<open>\d{1,2}:\d{2})-(?P<close>\d{1,2}:\d{2})"
)


def parse_opening_hours(text: str) -> tuple[OpeningWindow, ...]:
    """Parse ``07:00-12:00;14:00-21:30`` or ``0-5@07:00-21:00;6@09:00-18:00`` into windows.

    Windows are separated by ``;``; an optional ``DAYS@`` prefix (``0`` = Monday, ranges
    ``0-5`` and lists ``0,2,4``) limits a window to those weekdays. ``24:00`` closes at
    midnight. This is the textual form of CSV imports and of :func:`format_opening_hours`.

    Raises
    ------
    ValueError
        With the offending window, if a window is malformed, closes before it opens,
        or overlaps another window on the same day.

    Examples
    --------
    >>> parse_opening_hours("07:00-12:00;14:00-21:30")[1]
    OpeningWindow(open_s=50400, close_s=77400, weekday=None)
    """
    entries = [e.strip() for e in text.replace("；", ";").split(";") if e.strip()]
    if not entries:
        raise ValueError("needs at least one window like 07:00-21:00")
    windows: list[OpeningWindow] = []
    for entry in entries:
        match = _WINDOW.fullmatch(entry.replace(" ", ""))
        if match is None:
            raise ValueError(f"{entry!r} is not like 07:00-12:00 or 0-5@07:00-21:00")
        open_s, close_s = _seconds(match["open"]), _seconds(match["close"])
        if close_s <= open_s:
            raise ValueError(f"{entry} closes before it opens; split a window past midnight in two")
        windows.extend(OpeningWindow(open_s, close_s, day) for day in _days(match["days"]))
    ordered = canonical_windows(windows)
    for day in range(7):
        today = sorted((w for w in ordered if w.applies_on(day)), key=_open_s)
        for before, after in itertools.pairwise(today):
            if after.open_s < before.close_s:
                raise ValueError(f"windows overlap on weekday {day}")
    return ordered


def format_opening_hours(windows: Iterable[OpeningWindow]) -> str:
    """Write windows in the form :func:`parse_opening_hours` reads.

    Examples
    --------
    >>> format_opening_hours([OpeningWindow(25200, 43200), OpeningWindow(32400, 64800, 6)])
    '07:00-12:00;6@09:00-18:00'
    """
    parts = []
    for w in canonical_windows(windows):
        clock = f"{hh_mm(w.open_s)}-{hh_mm(w.close_s)}"
        parts.append(clock if w.weekday is None else f"{w.weekday}@{clock}")
    return ";".join(parts)


def hh_mm(seconds: int) -> str:
    """Seconds since local midnight as ``HH:MM`` (opening hours, ETAs).

    Examples
    --------
    >>> hh_mm(8 * 3600 + 30 * 60)
    '08:30'
    """
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _seconds(clock: str) -> int:
    hours, minutes = (int(part) for part in clock.split(":"))
    if not (0 <= hours <= 24 and 0 <= minutes < 60) or (hours == 24 and minutes):
        raise ValueError(f"{clock} is not a time of day (00:00-24:00)")
    return hours * 3600 + minutes * 60


def _days(spec: str | None) -> list[int | None]:
    if spec is None:
        return [None]
    days: list[int | None] = []
    for part in spec.split(","):
        first, _, last = part.partition("-")
        low, high = int(first), int(last or first)
        if low > high:
            raise ValueError(f"weekday range {part} runs backwards")
        days.extend(range(low, high + 1))
    return days


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


@dataclass(frozen=True, slots=True)
class RetailerStatusChange:
    """A recorded licence status change, in force from ``effective_on`` (a business day)."""

    id: int
    retailer_id: int
    status: RetailerStatus
    previous_status: RetailerStatus
    effective_on: date
    reason: str
    changed_by: int | None
    changed_at: datetime
