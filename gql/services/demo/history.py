"""Replay weeks of company life onto a seeded demo city, day by day, through the services.

From the first day of the month two months back to ``today``: targets each month, and over
the last :data:`HISTORY_WEEKS` weeks every manager's routed day plans and visits, an audit day
per month, the heads' inputs as they happen, and the two finished months closed by marketing.
One seeded generator drives everything, so the same seed and ``today`` give the same history.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import geo
import tsp
from gql.services.calendar import is_business_day, local_day
from gql.services.demo.audits import AuditCounts, audit_day
from gql.services.demo.evaluation import close_month, record_events, record_training, set_targets
from gql.services.demo.fieldwork import FieldCounts, work_day
from gql.services.demo.world import load_world

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

__all__ = ["EARLIEST_TODAY", "HISTORY_WEEKS", "HistorySummary", "default_today", "seed_history"]

HISTORY_WEEKS = 8
"""Weeks of day plans and visits before ``today``."""
EARLIEST_TODAY = date(2026, 11, 1)
"""The history starts two months back, after the demo city's retailers were registered."""


@dataclass
class HistorySummary:
    """What :func:`seed_history` wrote."""

    today: date
    targets: int = 0
    fieldwork: FieldCounts = field(default_factory=FieldCounts)
    audits: AuditCounts = field(default_factory=AuditCounts)
    score_events: int = 0
    closed_months: list[str] = field(default_factory=list)
    closed_results: int = 0

    def __str__(self) -> str:
        work = self.fieldwork
        verdicts = ", ".join(f"{k} {v}" for k, v in sorted(work.verdicts.items()))
        return (
            f"history to {self.today}: {self.targets} targets, {work.plans} day plans, "
            f"{work.visits} visits ({verdicts}; {work.late_uploads} late uploads), "
            f"{self.audits.plans} audit plans with {self.audits.records} records "
            f"({self.audits.planted} planted discrepancies, {self.audits.findings} findings), "
            f"{self.score_events} score events, months closed {', '.join(self.closed_months)} "
            f"({self.closed_results} results)"
        )


def default_today(now: datetime | None = None) -> date:
    """The company's business day now (the history ends there)."""
    return local_day(now or datetime.now(UTC))


def _first_of(day: date) -> date:
    return day.replace(day=1)


def _month_back(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


def _business_day_near(day: date) -> date:
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def seed_history(
    session: Session,
    *,
    today: date,
    seed: int = 7,
    weeks: int = HISTORY_WEEKS,
    stage: Callable[[str], None] | None = None,
) -> HistorySummary:
    """Write the history onto the demo city in ``session``; flushes, the caller commits.

    ``weeks`` of plans and visits end at ``today`` (tests use fewer); ``stage`` receives one
    line per week (and per close) with its counts and seconds.
    """
    # compile the routing and verification kernels first: on a fresh clone the first route
    # would otherwise spend its deadline compiling (a loaded machine made it time out)
    tsp.warm_up()
    geo.warm_up()
    replay = _replay(session, today=today, seed=seed, weeks=weeks, stage=stage or (lambda _: None))
    return asyncio.run(replay)


async def _replay(
    session: Session, *, today: date, seed: int, weeks: int, stage: Callable[[str], None]
) -> HistorySummary:
    if today < EARLIEST_TODAY:
        raise ValueError(f"the demo history ends on {EARLIEST_TODAY} or later, not {today}")
    world = load_world(session, seed=seed, today=today)
    summary = HistorySummary(today=today)
    this_month = _first_of(today)
    last_month = _month_back(this_month)
    first_month = _month_back(last_month)
    visits_from = today - timedelta(weeks=weeks)
    audit_days = {
        _business_day_near(first_month.replace(day=18)),
        _business_day_near(last_month.replace(day=18)),
    }
    yesterday = today - timedelta(days=1)
    while not is_business_day(yesterday):
        yesterday -= timedelta(days=1)
    if yesterday >= this_month:  # the current month's audit, its last stop still to do
        audit_days.add(yesterday)
    closes = {
        _business_day_near(last_month.replace(day=3)): first_month,
        min(today, _business_day_near(this_month.replace(day=3))): last_month,
    }
    week = FieldCounts()
    week_audits, week_events, started = AuditCounts(), 0, time.perf_counter()
    day = first_month
    while day <= today:
        if day.day == 1:
            summary.targets += set_targets(world, day)
        if is_business_day(day) and day >= visits_from:
            for manager in world.managers:
                week.add(await work_day(world, manager, day))
        if day in audit_days and day < today:
            week_audits.add(await audit_day(world, day, leave_open=day >= this_month))
        if is_business_day(day) and day < today:
            week_events += record_events(world, day)
            if day == _business_day_near(day.replace(day=20)):
                week_events += record_training(world, day)
        if day in closes:
            month = closes[day]
            started_close = time.perf_counter()
            results = close_month(world, month, day)
            summary.closed_months.append(f"{month:%Y-%m}")
            summary.closed_results += results
            stage(
                f"closed {month:%Y-%m}: {results} month results "
                f"({time.perf_counter() - started_close:.1f} s)"
            )
        if day.weekday() == 6 or day == today:
            if week.plans or week_audits.plans or week_events:
                verdicts = ", ".join(f"{k} {v}" for k, v in sorted(week.verdicts.items()))
                stage(
                    f"week to {day}: {week.plans} plans, {week.visits} visits"
                    + (f" ({verdicts})" if verdicts else "")
                    + f", {week_audits.plans} audit plans, {week_audits.records} audit records, "
                    f"{week_events} score events ({time.perf_counter() - started:.1f} s)"
                )
            summary.fieldwork.add(week)
            summary.audits.add(week_audits)
            summary.score_events += week_events
            week, week_audits, week_events = FieldCounts(), AuditCounts(), 0
            started = time.perf_counter()
        day += timedelta(days=1)
    return summary
