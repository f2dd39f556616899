"""Evaluation periods (month, quarter) and the deadlines of their review meetings.

The paper (essay 7, 第八条) fixes two meetings: the monthly review by the head of the
customer-service department within three days after the month ends, and the quarterly review by
the head of the marketing department within the first week after the quarter ends.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from gql.services.evaluations.rules.errors import PeriodError

__all__ = [
    "Month",
    "Quarter",
    "count_window_start",
    "monthly_review_deadline",
    "quarterly_review_deadline",
]


@dataclass(frozen=True, slots=True, order=True)
class Month:
    """One calendar month, the unit of the monthly assessment (月度考核).

    Examples
    --------
    >>> Month(2026, 2).last_day
    datetime.date(2026, 2, 28)
    >>> Month(2026, 12).next()
    Month(year=2027, month=1)
    """

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise PeriodError(f"month must be 1..12, got {self.month}")
        if not 1900 <= self.year <= 9999:
            raise PeriodError(f"year must be 1900..9999, got {self.year}")

    @property
    def first_day(self) -> date:
        """First calendar day of the month."""
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        """Last calendar day of the month."""
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def quarter(self) -> Quarter:
        """The quarter this month belongs to."""
        return Quarter(self.year, (self.month - 1) // 3 + 1)

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls in this month."""
        return day.year == self.year and day.month == self.month

    def next(self) -> Month:
        """Return the following calendar month (December rolls into January)."""
        if self.month == 12:
            return Month(self.year + 1, 1)
        return Month(self.year, self.month + 1)

    @classmethod
    def of(cls, day: date) -> Month:
        """Return the month containing ``day``."""
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True, slots=True, order=True)
class Quarter:
    """One calendar quarter, the unit of the quarterly evaluation (季度评价).

    Examples
    --------
    >>> [str(m) for m in Quarter(2026, 3).months]
    ['2026-07', '2026-08', '2026-09']
    """

    year: int
    quarter: int

    def __post_init__(self) -> None:
        if not 1 <= self.quarter <= 4:
            raise PeriodError(f"quarter must be 1..4, got {self.quarter}")
        if not 1900 <= self.year <= 9999:
            raise PeriodError(f"year must be 1900..9999, got {self.year}")

    @property
    def months(self) -> tuple[Month, Month, Month]:
        """The three months of the quarter, in order."""
        first = 3 * (self.quarter - 1) + 1
        return (Month(self.year, first), Month(self.year, first + 1), Month(self.year, first + 2))

    @property
    def last_day(self) -> date:
        """Last calendar day of the quarter."""
        return self.months[2].last_day

    def __str__(self) -> str:
        return f"{self.year:04d}-Q{self.quarter}"


def monthly_review_deadline(month: Month, *, days_after: int = 3) -> date:
    """Last day on which the monthly review meeting may be held.

    The paper says "每月工作结束后三日内", so the meeting must happen by the third day after
    the month's last day.

    Examples
    --------
    >>> monthly_review_deadline(Month(2026, 1))
    datetime.date(2026, 2, 3)
    """
    if days_after < 0:
        raise PeriodError(f"days_after must be >= 0, got {days_after}")
    return month.last_day + timedelta(days=days_after)


def quarterly_review_deadline(quarter: Quarter, *, days_after: int = 7) -> date:
    """Last day on which the quarterly review meeting may be held.

    The paper says "季度工作结束后的第一周内": within the first week (seven days) after the
    quarter's last day.

    Examples
    --------
    >>> quarterly_review_deadline(Quarter(2026, 4))
    datetime.date(2027, 1, 7)
    """
    if days_after < 0:
        raise PeriodError(f"days_after must be >= 0, got {days_after}")
    return quarter.last_day + timedelta(days=days_after)


def count_window_start(month: Month, window: str) -> date:
    """First day of the span over which a month's breaches and complaints are counted (累计).

    ``window`` is the policy's ``discipline.breach_window``: ``month``, ``quarter`` (the
    quarter so far), ``year`` (the calendar year so far) or ``rolling_12_months`` (this month
    and the eleven before it).

    Examples
    --------
    >>> count_window_start(Month(2026, 2), "rolling_12_months")
    datetime.date(2025, 3, 1)
    >>> count_window_start(Month(2026, 5), "quarter")
    datetime.date(2026, 4, 1)
    """
    if window == "month":
        return month.first_day
    if window == "quarter":
        return month.quarter.months[0].first_day
    if window == "year":
        return date(month.year, 1, 1)
    if window == "rolling_12_months":
        index = month.year * 12 + month.month - 1 - 11
        return date(index // 12, index % 12 + 1, 1)
    raise PeriodError(f"unknown count window {window!r}")
