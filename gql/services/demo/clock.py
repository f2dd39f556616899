"""The simulated clock of a demo history: services read it, the seeder moves it forward.

Every service the history drives takes a clock; pointing them at one :class:`DemoClock` replays
the weeks in order, so each rule that reads "now" (late uploads, closing only after a month,
audits drawn for today or later) sees the moment the action would really have happened.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from gql.services.calendar import LOCAL_TZ

__all__ = ["DemoClock", "at_local"]


def at_local(day: date, seconds: int) -> datetime:
    """The UTC instant ``seconds`` after a company day's midnight."""
    hour, rest = divmod(seconds, 3600)
    return datetime.combine(day, time(hour, rest // 60, rest % 60), LOCAL_TZ).astimezone(UTC)


class DemoClock:
    """A settable clock that never runs backwards."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def __call__(self) -> datetime:
        """The current simulated instant (UTC)."""
        return self._now

    def set(self, at: datetime) -> None:
        """Move to ``at`` (a later instant; an earlier one is ignored)."""
        self._now = max(self._now, at)
