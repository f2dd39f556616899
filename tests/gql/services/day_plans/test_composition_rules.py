"""The pure rules behind schedule-built days: the cycle's week and a retailer's status on a day."""

from __future__ import annotations

import doctest
from datetime import UTC, date, datetime, timedelta

import pytest

from gql.domain import RetailerStatus
from gql.domain.retailers import RetailerStatusChange
from gql.services.day_plans import composition
from gql.services.day_plans.composition import cycle_week
from gql.store.repositories.retailer_lifecycle import status_on

APPLIED = date(2026, 12, 3)  # a Thursday


def test_the_doctests_hold() -> None:
    assert doctest.testmod(composition).failed == 0


@pytest.mark.parametrize("offset_days", range(0, 70))
def test_the_week_advances_each_monday_and_wraps_after_four(offset_days: int) -> None:
    """Week 0 is the applying week (from its Monday); same weekday 4 weeks on, same week."""
    monday = APPLIED - timedelta(days=APPLIED.weekday())
    day = monday + timedelta(days=offset_days)
    week = cycle_week(day, APPLIED)
    assert week == (offset_days // 7) % 4
    assert cycle_week(day + timedelta(weeks=4), APPLIED) == week


def test_days_before_the_applying_week_have_no_week() -> None:
    monday = APPLIED - timedelta(days=APPLIED.weekday())
    assert cycle_week(monday - timedelta(days=1), APPLIED) is None
    assert cycle_week(monday, APPLIED) == 0


def _change(
    n: int, status: RetailerStatus, before: RetailerStatus, on: date
) -> RetailerStatusChange:
    return RetailerStatusChange(
        id=n,
        retailer_id=1,
        status=status,
        previous_status=before,
        effective_on=on,
        reason="r",
        changed_by=None,
        changed_at=datetime(2026, 12, 1, tzinfo=UTC),
    )


def test_the_newest_change_in_force_decides_and_before_the_first_its_previous_status() -> None:
    """Closed from the 10th, reopened from the 20th; a same-day later record wins."""
    a, c, s = RetailerStatus.ACTIVE, RetailerStatus.CLOSED, RetailerStatus.SUSPENDED
    changes = [
        _change(2, a, c, date(2026, 12, 20)),
        _change(1, c, a, date(2026, 12, 10)),
    ]
    assert status_on(changes, s, date(2026, 12, 9)) is a
    assert status_on(changes, s, date(2026, 12, 10)) is c
    assert status_on(changes, s, date(2026, 12, 19)) is c
    assert status_on(changes, s, date(2026, 12, 20)) is a
    assert status_on([], s, date(2026, 12, 20)) is s
    same_day = [*changes, _change(3, s, a, date(2026, 12, 20))]
    assert status_on(same_day, a, date(2026, 12, 25)) is s
