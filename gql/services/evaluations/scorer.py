"""A manager's month from the store: its counted events, the window before it, its sales.

The inputs of :func:`~gql.services.evaluations.rules.score_month` are gathered here once, for
previews and closings alike: the month's ``RECORDED`` events; the breaches and complaints of
the policy's count window before the month (累计); the sales settlements, as recorded at
closing or derived from the month's target and the sales attributed by the assignment history;
and whether the month had no target at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from gql.domain.evaluations import ScoreEventKind
from gql.services.errors import InvalidInput
from gql.services.evaluations import rules as scoring
from gql.services.evaluations.explanations import LineView, lines_from_score
from gql.services.evaluations.score_events import derived_settlements, to_scoring

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from gql.store.repositories import ActivityRepository, EvaluationRepository

__all__ = ["MonthInputs", "MonthScorer", "ScoredMonth"]


@dataclass(frozen=True, slots=True)
class MonthInputs:
    """What a month is scored from; ``derived`` are settlements not recorded yet."""

    events: tuple[scoring.ScoreEvent, ...]
    earlier: tuple[scoring.ScoreEvent, ...]
    no_target: bool
    derived: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class ScoredMonth:
    """A computed month and its explained lines."""

    score: scoring.MonthlyScore
    lines: tuple[LineView, ...]
    inputs: MonthInputs


class MonthScorer:
    """Scores a manager's month from what the store holds now."""

    def __init__(
        self,
        store: EvaluationRepository,
        activity: ActivityRepository,
        policy: scoring.ScoringPolicy,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._activity = activity
        self._policy = policy
        self._clock = clock

    def settlements(self, manager_id: int, month: scoring.Month) -> list[dict[str, Any]] | None:
        """The month's settlement items from its target and attributed sales.

        ``None`` when the month has no target.
        """
        target = self._activity.targets([manager_id], month.first_day).get(manager_id)
        sales = self._activity.sales_totals([manager_id], month.first_day, month.last_day)
        return derived_settlements(target, sales.get(manager_id))

    def inputs(self, manager_id: int, month: scoring.Month) -> MonthInputs:
        """The month's counted events, the count window before it, and its sales."""
        stored = self._store.events([manager_id], month.first_day, month.last_day)
        events = [to_scoring(e) for e in stored]
        start = scoring.count_window_start(month, self._policy.discipline.breach_window)
        earlier = (
            [
                to_scoring(e)
                for e in self._store.events(
                    [manager_id],
                    start,
                    month.first_day - timedelta(days=1),
                    kinds=(ScoreEventKind.RULE_BREACH, ScoreEventKind.COMPLAINT),
                )
            ]
            if start < month.first_day
            else []
        )
        derived: list[dict[str, Any]] = []
        no_target = False
        if not any(e.kind is ScoreEventKind.SALES_SETTLEMENT for e in stored):
            items = self.settlements(manager_id, month)
            if items is None:
                no_target = True
            else:
                derived = items
                now = self._clock()
                events.extend(
                    scoring.SalesSettlement(
                        event_id=f"derived:sales:{manager_id}:{month}:{d['item']}",
                        manager_id=str(manager_id),
                        occurred_on=month.last_day,
                        recorded_by="sales-facts",
                        recorded_at=now,
                        item=d["item"],
                        target=d["target"],
                        actual=d["actual"],
                        points=d["points"],
                    )
                    for d in items
                )
        return MonthInputs(tuple(events), tuple(earlier), no_target, tuple(derived))

    def score(self, manager_id: int, month: scoring.Month) -> ScoredMonth:
        """Score the month as the store holds it now.

        Raises
        ------
        InvalidInput
            If the stored events cannot be scored (e.g. two settlements of one item).
        """
        return self.score_inputs(manager_id, month, self.inputs(manager_id, month))

    def score_inputs(
        self, manager_id: int, month: scoring.Month, inputs: MonthInputs
    ) -> ScoredMonth:
        """Score given inputs (a closing scores what it just recorded)."""
        try:
            score = scoring.score_month(
                str(manager_id),
                month,
                inputs.events,
                self._policy,
                earlier=inputs.earlier,
                no_target=inputs.no_target,
            )
        except scoring.ScoringError as exc:
            raise InvalidInput(f"manager {manager_id}, {month}: {exc}") from exc
        sales = {e.event_id: e for e in inputs.events if isinstance(e, scoring.SalesSettlement)}
        return ScoredMonth(score, lines_from_score(score, sales), inputs)
