"""Who may watch which department's live visit events, and what a reconnecting board missed."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from gql.domain import Role
from gql.services.access import signed_in
from gql.services.errors import Forbidden, InvalidInput
from gql.services.visits.events import VisitEvent, VisitEventKind
from gql.store.repositories.visits import VisitRepository

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from sqlalchemy.orm import Session

    from gql.services.access import Principal
    from gql.services.visits.events import EventBus, Subscription
    from gql.store.repositories.visits import RecentVisit

__all__ = ["REPLAY_VISITS", "REPLAY_WINDOW", "LiveService"]

_WATCHERS = frozenset({Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD, Role.MARKETING})

REPLAY_WINDOW = timedelta(hours=24)
"""How far back a reconnecting board may ask for what it missed (a day's visits are a query)."""

REPLAY_VISITS = 2000
"""At most this many visits are replayed, the latest; the first event says how many events
were left out (``dropped_before``, as for a slow board)."""

_LONGEST_VISIT = timedelta(hours=24)
"""A visit that ended after ``since`` started at most this long before it (bounds the read)."""


class LiveService:
    """Department dashboards: heads and deputies watch their own department, marketing any."""

    def __init__(
        self,
        bus: EventBus,
        principal: Principal | None,
        session: Session,
        clock: Callable[[], datetime],
    ) -> None:
        self._bus = bus
        self._principal = principal
        self._visits = VisitRepository(session)
        self._clock = clock

    def subscribe(
        self, department_id: int | None, since: datetime | None = None
    ) -> AsyncIterator[VisitEvent]:
        """Check access now (before the stream opens), then stream the department's events.

        With ``since`` (the server time of the last event a board saw) the stream first
        replays the events after it, read from the visits, then goes on live. It listens
        before it reads, so nothing falls between; an event both read and heard is sent once.
        """
        watched = self._watched(department_id)
        if since is None:
            return _stream([], self._bus.subscribe(watched))
        now = self._clock()
        if since < now - REPLAY_WINDOW:
            raise InvalidInput(
                f"since may be at most {REPLAY_WINDOW.total_seconds() / 3600:g} h back; "
                "read the day's visits with the visits query instead",
                field=("since",),
            )
        # occurredAt travels to the millisecond: the whole millisecond a board saw last counts
        # as seen (two events in one millisecond, the second heard after a disconnect: lost)
        since = since.replace(microsecond=since.microsecond // 1000 * 1000 + 999)
        subscription = self._bus.subscribe(watched)
        try:
            recent, moments = self._visits.recent(
                watched, since, started_from=since - _LONGEST_VISIT, limit=REPLAY_VISITS
            )
        except BaseException:
            subscription.close()
            raise
        missed = _replay(recent, since)
        if missed and moments > len(missed):  # the oldest, beyond the replay's limit
            missed[0] = replace(missed[0], dropped_before=moments - len(missed))
        return _stream(missed, subscription)

    def _watched(self, department_id: int | None) -> int | None:
        principal = signed_in(self._principal)
        if principal.role not in _WATCHERS:
            raise Forbidden("watch live visit events")
        if principal.role is Role.MARKETING:
            return department_id
        if department_id not in (None, principal.department_id):
            raise Forbidden("watch another department's visits")
        return principal.department_id


def _replay(recent: list[RecentVisit], since: datetime) -> list[VisitEvent]:
    """The STARTED and ENDED events after ``since``, in the order they happened."""
    events = []
    for visit in recent:
        moments = [
            (VisitEventKind.STARTED, visit.started_at),
            (VisitEventKind.ENDED, visit.ended_at),
        ]
        for kind, at in moments:
            if at is not None and at > since:
                events.append(
                    VisitEvent(
                        kind=kind,
                        visit_id=visit.visit_id,
                        manager_id=visit.manager_id,
                        department_id=visit.department_id,
                        retailer_id=visit.retailer_id,
                        verdict=visit.verdict.value,
                        occurred_at=at,
                        replayed=True,
                    )
                )
    events.sort(key=lambda event: (event.occurred_at, event.visit_id))
    return events


async def _stream(
    missed: list[VisitEvent], subscription: Subscription
) -> AsyncIterator[VisitEvent]:
    """``missed``, then the live events not among them; the subscription closes with it."""
    replayed = {(event.visit_id, event.kind) for event in missed}
    try:
        for event in missed:
            yield event
        async for event in subscription:
            if (event.visit_id, event.kind) not in replayed:
                yield event
    finally:
        subscription.close()
