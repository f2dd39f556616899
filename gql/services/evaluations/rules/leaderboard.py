"""Daily results and leaderboard (essay 8, R7.8): results reported daily, ranked per day.

Essay 8 credits daily reporting (每日通报) over weekly with the better outcome; the service needs
each manager's daily results and a leaderboard over any day range to be one call.
"""

from __future__ import annotations

import enum
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from gql.services.evaluations.rules.errors import EventError
from gql.services.evaluations.rules.ranking import competition_ranks

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["DailyResult", "LeaderboardEntry", "Metric", "leaderboard"]


class Metric(enum.StrEnum):
    """What the leaderboard ranks on."""

    VERIFIED_VISITS = "verified_visits"
    VERIFIED_SHARE = "verified_share"  # verified / planned over the range
    SALES_AMOUNT = "sales_amount"


@dataclass(frozen=True, slots=True)
class DailyResult:
    """One manager's results for one day."""

    manager_id: str
    day: date
    visits_planned: int
    visits_verified: int
    sales_amount: float

    def __post_init__(self) -> None:
        for name in ("visits_planned", "visits_verified"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise EventError(f"{name} must be an integer >= 0, got {value!r}")
        if not math.isfinite(self.sales_amount) or self.sales_amount < 0:
            raise EventError(f"sales_amount must be finite and >= 0, got {self.sales_amount!r}")
        if isinstance(self.day, datetime) or not isinstance(self.day, date):
            raise EventError(f"day must be a date, got {self.day!r}")


@dataclass(frozen=True, slots=True)
class LeaderboardEntry:
    """One row: rank (ties share it), manager and the summed figures over the range."""

    rank: int
    manager_id: str
    value: float
    visits_planned: int
    visits_verified: int
    sales_amount: float


def leaderboard(
    results: Sequence[DailyResult],
    *,
    first_day: date,
    last_day: date,
    metric: Metric = Metric.VERIFIED_VISITS,
    decimals: int = 2,
) -> tuple[LeaderboardEntry, ...]:
    """Rank managers on their results between two days (inclusive); one day is a daily board.

    Raises
    ------
    EventError
        If ``last_day`` is before ``first_day`` or a manager has two results for one day.
    """
    if not isinstance(metric, Metric):
        raise EventError(f"metric must be a Metric, got {metric!r}")
    if last_day < first_day:
        raise EventError(f"last_day {last_day} is before first_day {first_day}")
    planned: dict[str, int] = defaultdict(int)
    verified: dict[str, int] = defaultdict(int)
    sales: dict[str, float] = defaultdict(float)
    seen: set[tuple[str, date]] = set()
    for r in results:
        if (r.manager_id, r.day) in seen:
            raise EventError(f"two results for {r.manager_id} on {r.day}")
        seen.add((r.manager_id, r.day))
        if not first_day <= r.day <= last_day:
            continue
        planned[r.manager_id] += r.visits_planned
        verified[r.manager_id] += r.visits_verified
        sales[r.manager_id] += r.sales_amount
    values: dict[str, float] = {}
    for m in planned:
        if metric is Metric.VERIFIED_VISITS:
            values[m] = float(verified[m])
        elif metric is Metric.SALES_AMOUNT:
            values[m] = sales[m]
        else:
            values[m] = verified[m] / planned[m] if planned[m] else 0.0
    ranks = competition_ranks(values, decimals=decimals)
    rows = [
        LeaderboardEntry(ranks[m], m, values[m], planned[m], verified[m], sales[m]) for m in values
    ]
    rows.sort(key=lambda e: (e.rank, e.manager_id))
    return tuple(rows)
