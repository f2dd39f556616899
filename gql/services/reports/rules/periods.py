"""Report periods: a closed range of company days cut into day, ISO-week or month buckets."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from gql.services.reports.rules.errors import ReportRuleError

__all__ = ["MAX_REPORT_DAYS", "Bucket", "Grain", "ReportPeriod", "bucket_of", "buckets"]

MAX_REPORT_DAYS = 366
"""A report spans at most a year (inclusive), so one request cannot scan the whole history."""


class Grain(enum.StrEnum):
    """How a period is cut: one row per day, ISO week (Monday first) or calendar month."""

    DAY = "DAY"
    WEEK = "WEEK"
    MONTH = "MONTH"


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    """Company days ``first`` … ``last`` inclusive."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ReportRuleError("the period ends before it starts", field="last")
        if (self.last - self.first).days + 1 > MAX_REPORT_DAYS:
            raise ReportRuleError(f"a report spans at most {MAX_REPORT_DAYS} days", field="last")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last

    @property
    def days(self) -> int:
        """Number of calendar days."""
        return (self.last - self.first).days + 1


@dataclass(frozen=True, slots=True, order=True)
class Bucket:
    """One row's days: the grain's unit clipped to the report period."""

    first: date
    last: date


def _unit(day: date, grain: Grain) -> tuple[date, date]:
    if grain is Grain.DAY:
        return day, day
    if grain is Grain.WEEK:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following - timedelta(days=1)


def bucket_of(day: date, grain: Grain, period: ReportPeriod) -> Bucket:
    """The bucket holding ``day``: its grain unit, clipped to ``period``."""
    first, last = _unit(day, grain)
    return Bucket(max(first, period.first), min(last, period.last))


def buckets(period: ReportPeriod, grain: Grain) -> list[Bucket]:
    """Every bucket of ``period`` in order, empty ones included (a trend has no holes)."""
    out: list[Bucket] = []
    day = period.first
    while day <= period.last:
        bucket = bucket_of(day, grain, period)
        out.append(bucket)
        day = bucket.last + timedelta(days=1)
    return out
