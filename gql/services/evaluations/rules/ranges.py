"""Ranges of the evaluation's inputs: what a recorded event may say, and when it may be dated.

An event that the rules would refuse when the month is scored must be refused when it is
recorded, or the month cannot be closed (an exam of 150/100 used to be stored and then block
the department's close). Dates follow the policy's ``[events]`` table (ours): an input is
recorded within ``max_days_back`` days of happening, never before the manager joined, and
never in the future, except approved leave up to ``leave_lead_days`` ahead.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from gql.services.evaluations.rules.errors import EventError
from gql.services.evaluations.rules.events import LeaveRecord, TrainingKind, TrainingResult

if TYPE_CHECKING:
    from datetime import date

    from gql.services.evaluations.rules.events import ScoreEvent
    from gql.services.evaluations.rules.policy import ScoringPolicy

__all__ = ["MAX_ITEM_CHARS", "MAX_NOTE_CHARS", "check_event", "check_event_day", "check_text"]

MAX_NOTE_CHARS = 500
"""Longest free-text note kept with an event, a review or a decision."""
MAX_ITEM_CHARS = 120
"""Longest name of a basic-work item."""


def check_text(name: str, value: str, limit: int) -> None:
    """Refuse free text longer than ``limit`` characters, naming the field.

    Examples
    --------
    >>> check_text("note", "ok", 5)
    >>> check_text("note", "too long", 5)
    Traceback (most recent call last):
    ...
    gql.services.evaluations.rules.errors.EventError: note: at most 5 characters, got 8
    """
    if len(value) > limit:
        raise EventError(f"{name}: at most {limit} characters, got {len(value)}", field=name)


def check_event(event: ScoreEvent, policy: ScoringPolicy) -> None:
    """Refuse values the scoring would refuse later: exam scores, leave length, item names.

    Raises
    ------
    EventError
        Naming the field (``exam_score``, ``days``, ``item``) and its allowed range.
    """
    if isinstance(event, TrainingResult) and event.kind is TrainingKind.EXAM:
        assert event.exam_score is not None  # guaranteed by TrainingResult
        full = policy.training.exam_full_mark
        if not 0 <= event.exam_score <= full:
            raise EventError(
                f"exam_score: must be in 0..{full:g}, got {event.exam_score:g}", field="exam_score"
            )
    if isinstance(event, LeaveRecord) and event.days > policy.events.max_leave_days:
        raise EventError(
            f"days: a leave lasts 1..{policy.events.max_leave_days} days, got {event.days}",
            field="days",
        )
    item = getattr(event, "item", None)
    if isinstance(item, str):
        check_text("item", item, MAX_ITEM_CHARS)


def check_event_day(
    occurred_on: date, *, today: date, joined_on: date, leave: bool, policy: ScoringPolicy
) -> None:
    """Refuse an event dated before the manager joined, too long ago, or in the future.

    Parameters
    ----------
    occurred_on : date
        The company day the event happened.
    today : date
        The company day it is recorded (the caller's clock; the rules read none).
    joined_on : date
        When the manager joined.
    leave : bool
        A leave, which may be recorded ahead by ``policy.events.leave_lead_days``.

    Raises
    ------
    EventError
        Naming ``occurred_on`` and the allowed days.

    Examples
    --------
    >>> from datetime import date
    >>> from gql.services.evaluations.rules.policy import default_policy
    >>> try:
    ...     check_event_day(date(2031, 1, 5), today=date(2026, 12, 4),
    ...                     joined_on=date(2010, 1, 1), leave=False, policy=default_policy())
    ... except ValueError as exc:
    ...     print(exc)
    occurred_on: 2031-01-05 is in the future (today is 2026-12-04)
    """
    rules = policy.events
    if occurred_on < joined_on:
        raise EventError(
            f"occurred_on: {occurred_on} is before the manager joined ({joined_on})",
            field="occurred_on",
        )
    earliest = today - timedelta(days=rules.max_days_back)
    if occurred_on < earliest:
        raise EventError(
            f"occurred_on: {occurred_on} is more than {rules.max_days_back} days ago "
            f"(record inputs by {earliest}; change older results by amendment)",
            field="occurred_on",
        )
    latest = today + timedelta(days=rules.leave_lead_days if leave else 0)
    if occurred_on > latest:
        if leave:
            raise EventError(
                f"occurred_on: leave may be recorded at most {rules.leave_lead_days} days ahead "
                f"(until {latest}), got {occurred_on}",
                field="occurred_on",
            )
        raise EventError(
            f"occurred_on: {occurred_on} is in the future (today is {today})", field="occurred_on"
        )
