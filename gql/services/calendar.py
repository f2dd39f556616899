"""The company's calendar: its time zone and its business days.

Every ``date`` the service speaks of is a business day in the company's time zone (China
Standard Time, no daylight saving); every ``datetime`` is an instant in UTC. This module is
the one place that turns one into the other.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

__all__ = [
    "LOCAL_TZ",
    "day_bounds",
    "is_business_day",
    "last_business_day",
    "local_day",
    "local_midnight",
    "month_end",
]

LOCAL_TZ = timezone(timedelta(hours=8), "CST")
"""China Standard Time (UTC+8, no daylight saving): the calendar days and months follow."""


def local_day(at: datetime) -> date:
    """The company's calendar day of an instant."""
    return at.astimezone(LOCAL_TZ).date()


def local_midnight(day: date) -> datetime:
    """The UTC instant at which a company calendar day starts."""
    return datetime.combine(day, time(), LOCAL_TZ).astimezone(UTC)


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """UTC instants ``[start, end)`` covering company days ``first`` … ``last`` inclusive."""
    return local_midnight(first), local_midnight(last + timedelta(days=1))


def is_business_day(day: date) -> bool:
    """Monday to Friday; the company's own holiday calendar is not modelled."""
    return day.weekday() < 5


def last_business_day(first: date, last: date) -> date:
    """The last business day in ``first`` … ``last`` (``last`` itself if none is)."""
    day = last
    while day > first and not is_business_day(day):
        day -= timedelta(days=1)
    return day


def month_end(day: date) -> date:
    """The last day of ``day``'s calendar month (reports total sales and days by month)."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
