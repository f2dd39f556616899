"""A retailer's licence over time: suspended, closed, reopened from an effective day (issue 16).

Each change is appended with its effective business day, who and why; the retailer's status on
a day is the newest change in force then. From that day a suspended or closed retailer leaves
the plans: day plans built from the schedule no longer include it (the schedule itself is kept
as applied, for the record), and the stops at it in current plans (drafts and published plans
of that day or later, not yet visited) are let go as skipped with the reason. Its visits,
sales and plans before the day stay as they were. Reopening brings it back into schedule-built
plans from its day; plans made meanwhile are not changed.

The stored status is brought in line when a change takes effect today or earlier, and by every
later change or bulk publication (a change dated in the future shows in ``status`` once one of
those runs on or after its day; plans consult the history directly).

Access: administrators and marketing (reference data), as for editing retailers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from gql.domain import Retailer, RetailerStatus, Role
from gql.services.access import Principal, require_role, scope_of, signed_in
from gql.services.calendar import day_bounds, local_day
from gql.services.errors import ErrorCode, NotFound, Problems
from gql.store.repositories import (
    ManagerRepository,
    PlanLifecycleRepository,
    RetailerRepository,
)
from gql.store.repositories.retailer_lifecycle import (
    RetailerStatusRepository,
    StopAhead,
    open_stops,
    status_on,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy.orm import Session

    from gql.domain.retailers import RetailerStatusChange

__all__ = ["MAX_DAYS_AWAY", "RetailerLifecycleService", "StatusChangeCommand", "StatusChanged"]

EDITORS = frozenset({Role.ADMIN, Role.MARKETING})
"""Who changes a licence's status: as for editing retailers (reference data)."""
MAX_DAYS_AWAY = 366
"""An effective day lies within a year of today, either way."""
MAX_REASON_CHARS = 400

_ALLOWED_FROM = {
    RetailerStatus.SUSPENDED: (RetailerStatus.ACTIVE,),
    RetailerStatus.CLOSED: (RetailerStatus.ACTIVE, RetailerStatus.SUSPENDED),
    RetailerStatus.ACTIVE: (RetailerStatus.SUSPENDED, RetailerStatus.CLOSED),
}


@dataclass(frozen=True, slots=True)
class StatusChangeCommand:
    """Suspend, close or reopen (``status`` ACTIVE) a retailer from ``effective_on``."""

    retailer_id: int
    status: RetailerStatus
    effective_on: date
    reason: str


@dataclass(frozen=True, slots=True)
class StatusChanged:
    """The retailer afterwards, the recorded change and how many plan stops were let go."""

    retailer: Retailer
    change: RetailerStatusChange
    stops_let_go: int


class RetailerLifecycleService:
    """Suspensions, closures and reopenings, and each retailer's status history."""

    def __init__(
        self,
        session: Session,
        principal: Principal | None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._session = session
        self._principal = principal
        self._clock = clock
        self._retailers = RetailerRepository(session)
        self._statuses = RetailerStatusRepository(session)
        self._lifecycle = PlanLifecycleRepository(session)

    def history(self, retailer_id: int) -> list[RetailerStatusChange]:
        """A visible retailer's changes by effective day; empty when not visible."""
        return self.histories([retailer_id])[0]

    def histories(self, retailer_ids: Sequence[int]) -> list[list[RetailerStatusChange]]:
        """For a DataLoader: each retailer's changes, empty where missing or not visible."""
        if self._principal is None:
            return [[] for _ in retailer_ids]
        scope = scope_of(self._principal)
        retailers = self._retailers.get_many(list(retailer_ids))
        visible = {r.id for r in retailers if r is not None}
        if not scope.everything:
            owners = sorted({r.manager_id for r in retailers if r and r.manager_id is not None})
            managers = {
                m.staff_id: m
                for m in ManagerRepository(self._session).get_many(owners)
                if m is not None
            }
            visible = {
                r.id
                for r in retailers
                if r is not None
                and r.manager_id in managers
                and scope.allows(r.manager_id, managers[r.manager_id].department_id)
            }
        found = self._statuses.history(sorted(visible))
        return [found.get(pk, []) if pk in visible else [] for pk in retailer_ids]

    def change(self, command: StatusChangeCommand) -> StatusChanged:
        """Record the change after checking all of it; nothing is written when refused."""
        principal = signed_in(self._principal)
        verb = {
            RetailerStatus.SUSPENDED: "suspend",
            RetailerStatus.CLOSED: "close",
            RetailerStatus.ACTIVE: "reopen",
        }[command.status]
        require_role(principal, EDITORS, f"{verb} retailers")
        retailer = self._retailers.get_many([command.retailer_id])[0]
        if retailer is None:
            raise NotFound("retailer", field=("retailer_id",))
        now = self._clock()
        today = local_day(now)
        found = Problems()
        reason = command.reason.strip()
        if not 0 < len(reason) <= MAX_REASON_CHARS:
            found.add(("reason",), f"say why, in 1..{MAX_REASON_CHARS} characters")
        away = abs((command.effective_on - today).days)
        if away > MAX_DAYS_AWAY:
            found.add(
                ("effective_on",),
                f"the effective day must be within {MAX_DAYS_AWAY} days of today ({today})",
            )
        history = self._statuses.history([retailer.id]).get(retailer.id, [])
        later = [c for c in history if c.effective_on > command.effective_on]
        if later:
            found.add(
                ("effective_on",),
                f"a change from {later[-1].effective_on} is recorded already; date this one on "
                "or after it",
                ErrorCode.CONFLICT,
            )
        before = status_on(history, retailer.status, command.effective_on)
        if before not in _ALLOWED_FROM[command.status]:
            found.add(
                ("retailer_id",),
                f"the retailer is {before.value} on {command.effective_on}; it cannot be "
                f"{'reopened' if command.status is RetailerStatus.ACTIVE else verb + 'ed'}",
                ErrorCode.CONFLICT,
            )
        found.raise_if_any()
        change = self._statuses.add(
            retailer.id,
            status=command.status,
            previous_status=before,
            effective_on=command.effective_on,
            reason=reason,
            by=principal.staff_id,
            now=now,
        )
        let_go = 0
        if command.status is not RetailerStatus.ACTIVE:
            let_go = self._let_go(retailer, command, reason, principal.staff_id, now)
        self._statuses.settle(today, now=now)
        after = self._retailers.get_many([retailer.id])[0]
        assert after is not None
        return StatusChanged(after, change, let_go)

    def record_edit(self, before: Retailer, after: Retailer) -> None:
        """Keep the history of a status set by a plain edit (``retailerUpdate``): from today.

        The editor's rights were checked by the edit; its stops from today are let go as with
        :meth:`change`.
        """
        if before.status is after.status:
            return
        principal = signed_in(self._principal)
        now = self._clock()
        command = StatusChangeCommand(
            after.id, after.status, local_day(now), "set by editing the retailer"
        )
        self._statuses.add(
            after.id,
            status=after.status,
            previous_status=before.status,
            effective_on=command.effective_on,
            reason=command.reason,
            by=principal.staff_id,
            now=now,
        )
        if after.status is not RetailerStatus.ACTIVE:
            self._let_go(after, command, command.reason, principal.staff_id, now)

    def _let_go(
        self,
        retailer: Retailer,
        command: StatusChangeCommand,
        reason: str,
        by: int,
        now: datetime,
    ) -> int:
        """Skip the not yet visited stops at the retailer from the effective day (or today)."""
        from_day = max(command.effective_on, local_day(now))
        stops = [
            s
            for s in open_stops(self._session, retailer.id, from_day)
            if not self._visited(s, retailer.id)
        ]
        note = f"licence {command.status.value} from {command.effective_on}: {reason}"
        for stop in stops:
            self._lifecycle.skip(stop.stop_id, reason=note[:MAX_REASON_CHARS], by=by, now=now)
        return len(stops)

    def _visited(self, stop: StopAhead, retailer_id: int) -> bool:
        """Whether the stop was visited already (a visit settles it; it stays visited)."""
        start, end = day_bounds(stop.plan_date, stop.plan_date)
        visits = self._lifecycle.visits(stop.manager_id, {stop.stop_id: retailer_id}, start, end)
        return stop.stop_id in visits
