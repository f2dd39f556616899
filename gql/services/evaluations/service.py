"""The evaluation of account managers (考评, R7): events in, scores out, files kept.

Who may do what (essay 7, 第九条 and issue 7): only the marketing department records events,
closes periods and amends closed results (auditors may record audit findings); heads and
deputies read their department; a manager reads their own file; nobody edits a closed result
except by amendment, and every amendment is kept with author, reason and time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from gql.domain import Role
from gql.domain.evaluations import PeriodKind, ScoreEventKind
from gql.services.access import Scope, scope_of, signed_in
from gql.services.errors import ErrorCode, Forbidden, InvalidInput, NotFound
from gql.services.evaluations import rules as scoring
from gql.services.evaluations.drafts import month_draft, quarter_drafts, year_drafts
from gql.services.evaluations.periods import Period, parse_period
from gql.services.evaluations.results import (
    ResultView,
    dismissals_of,
    lines_of,
    monthly_from_result,
    result_file,
    view_of,
)
from gql.services.evaluations.score_events import (
    EventCommand,
    derived_settlements,
    details_of,
    to_scoring,
)
from gql.store.repositories import (
    ActivityRepository,
    EvaluationRepository,
    ManagerRepository,
    StaffRepository,
)
from gql.store.repositories.evaluations import ResultDraft, ScoreEventDraft

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy.orm import Session

    from gql.domain import AccountManager
    from gql.domain.evaluations import EvaluationResultInfo, ScoreEventInfo
    from gql.services.access import Principal

__all__ = ["BoardRow", "EvaluationService", "MonthView", "Scoreboard"]

_RECORDERS = frozenset({Role.MARKETING, Role.AUDITOR})


@dataclass(frozen=True, slots=True)
class MonthView:
    """A manager's month: closed (values as amended) or a preview computed from the events."""

    manager_id: int
    month: scoring.Month
    values: dict[str, scoring.FieldValue]
    lines: tuple[scoring.ScoreLine, ...]
    dismissals: tuple[scoring.Dismissal, ...]
    review_deadline: date
    result: EvaluationResultInfo | None


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One manager's line of a department's scoreboard."""

    manager_id: int
    rank: int
    total: float
    values: dict[str, scoring.FieldValue]
    result_id: int | None


@dataclass(frozen=True, slots=True)
class Scoreboard:
    """A department's ranking for a period; ``closed`` when it comes from closed results."""

    department_id: int
    kind: PeriodKind
    period: str
    closed: bool
    rows: tuple[BoardRow, ...]
    review_deadline: date | None
    unscored: tuple[tuple[int, str], ...]


class EvaluationService:
    """Score events, monthly/quarterly/annual results, amendments and files."""

    def __init__(
        self,
        session: Session,
        principal: Principal | None,
        *,
        policy: scoring.ScoringPolicy | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._session = session
        self._principal = principal
        self._policy = policy or scoring.default_policy()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._store = EvaluationRepository(session)
        self._activity = ActivityRepository(session)
        self._managers = ManagerRepository(session)
        self._staff = StaffRepository(session)

    @property
    def policy(self) -> scoring.ScoringPolicy:
        """The scoring policy in force."""
        return self._policy

    # -- who ------------------------------------------------------------------------------

    def caller(self) -> Principal:
        """The signed-in caller, or :class:`Unauthenticated`."""
        return signed_in(self._principal)

    def _scope(self) -> Scope:
        principal = self.caller()
        if principal.role in (Role.ADMIN, Role.AUDITOR):
            return Scope()  # people's evaluations are not reference data nor audit material
        return scope_of(principal)

    def _marketing(self, action: str) -> Principal:
        principal = self.caller()
        if principal.role is not Role.MARKETING:
            raise Forbidden(f"{action} (only the marketing department may)")
        return principal

    def visible_manager(self, manager_id: int) -> AccountManager:
        """The manager if the caller may read their file, else :class:`NotFound`."""
        manager = self._managers.get_many([manager_id])[0]
        if manager is None or not self._scope().allows(manager.staff_id, manager.department_id):
            raise NotFound("manager")
        return manager

    def department_managers(self, department_id: int) -> list[AccountManager]:
        """The department's managers the caller may read (a manager: only themself)."""
        scope = self._scope()
        if not (scope.everything or department_id in scope.department_ids or scope.manager_ids):
            raise NotFound("department")
        managers = [
            m
            for m in self._managers.by_department(department_id)
            if scope.allows(m.staff_id, m.department_id)
        ]
        if not managers and not scope.everything:
            raise NotFound("department")
        return managers

    # -- events ---------------------------------------------------------------------------

    def record(self, command: EventCommand) -> ScoreEventInfo:
        """Record an input event (marketing; auditors only audit findings)."""
        principal = self.caller()
        if principal.role not in _RECORDERS:
            raise Forbidden("record score events (only the marketing department may)")
        if principal.role is Role.AUDITOR and command.kind is not ScoreEventKind.AUDIT_FINDING:
            raise Forbidden("record score events other than audit findings")
        manager = self._managers.get_many([command.manager_id])[0]
        if manager is None:
            raise NotFound("manager", field=("manager_id",))
        month = scoring.Month.of(command.occurred_on)
        if self._store.closed_managers(PeriodKind.MONTH, str(month), [manager.staff_id]):
            raise InvalidInput(
                f"{month} is closed for this manager: change the result by amendment instead",
                field=("occurred_on",),
                code=ErrorCode.CONFLICT,
            )
        details = details_of(command)
        event_id = self._store.add_events(
            [
                ScoreEventDraft(
                    manager_id=manager.staff_id,
                    kind=command.kind,
                    occurred_on=command.occurred_on,
                    recorded_by=principal.staff_id,
                    recorded_at=self._clock(),
                    details=details,
                )
            ]
        )[0]
        event = self._store.get_events([event_id])[0]
        assert event is not None
        return event

    def events_by_ids(self, ids: Sequence[int]) -> list[ScoreEventInfo | None]:
        """Events by id; ``None`` where missing or about a manager the caller may not read."""
        scope = self._scope()
        events = self._store.get_events(ids)
        managers = {
            m.staff_id: m
            for m in self._managers.get_many(sorted({e.manager_id for e in events if e}))
            if m is not None
        }
        return [
            e
            if e is not None
            and e.manager_id in managers
            and scope.allows(e.manager_id, managers[e.manager_id].department_id)
            else None
            for e in events
        ]

    def events(self, manager_id: int, period: Period) -> list[ScoreEventInfo]:
        """A manager's recorded events in a period."""
        self.visible_manager(manager_id)
        return self._store.events([manager_id], period.first_day, period.last_day)

    # -- the monthly score ----------------------------------------------------------------

    def _month_events(
        self, manager_id: int, month: scoring.Month, *, derive: bool = True
    ) -> list[scoring.ScoreEvent]:
        stored = self._store.events([manager_id], month.first_day, month.last_day)
        events = [to_scoring(e) for e in stored]
        if derive and not any(e.kind is ScoreEventKind.SALES_SETTLEMENT for e in stored):
            now = self._clock()
            for details in self._settlements(manager_id, month):
                events.append(
                    scoring.SalesSettlement(
                        event_id=f"derived:sales:{manager_id}:{month}:{details['item']}",
                        manager_id=str(manager_id),
                        occurred_on=month.last_day,
                        recorded_by="sales-facts",
                        recorded_at=now,
                        item=details["item"],
                        target=details["target"],
                        actual=details["actual"],
                        points=details["points"],
                    )
                )
        return events

    def _settlements(self, manager_id: int, month: scoring.Month) -> list[dict[str, Any]]:
        targets = self._activity.targets([manager_id], month.first_day)
        sales = self._activity.sales_totals([manager_id], month.first_day, month.last_day)
        return derived_settlements(
            manager_id, month, targets.get(manager_id), sales.get(manager_id)
        )

    def _score(self, manager_id: int, month: scoring.Month) -> scoring.MonthlyScore:
        events = self._month_events(manager_id, month)
        try:
            return scoring.score_month(str(manager_id), month, events, self._policy)
        except scoring.ScoringError as exc:
            raise InvalidInput(f"manager {manager_id}, {month}: {exc}") from exc

    def month(self, manager_id: int, month_text: str) -> MonthView:
        """A manager's month with breakdown and provenance (closed if closed, else preview)."""
        self.visible_manager(manager_id)
        period = parse_period(PeriodKind.MONTH, month_text)
        month = period.months[0]
        found = self._store.results(
            kind=PeriodKind.MONTH, periods=[period.text], manager_ids=[manager_id]
        )
        if found:
            view = view_of(found[0])
            detail = dict(found[0].detail)
            return MonthView(
                manager_id,
                month,
                view.current,
                lines_of(detail),
                dismissals_of(detail) if view.current.get("dismissal_flag") else (),
                date.fromisoformat(detail["review_deadline"]),
                found[0],
            )
        score = self._score(manager_id, month)
        values = scoring.close_monthly(score, closed_by="preview", closed_at=self._clock())
        return MonthView(
            manager_id,
            month,
            dict(values.values),
            score.lines,
            score.dismissals,
            score.review_deadline,
            None,
        )

    # -- closing --------------------------------------------------------------------------

    def close(self, kind: PeriodKind, period_text: str, department_id: int) -> list[ResultView]:
        """Close a period for a department's managers (marketing only); results are immutable.

        Managers already closed for the period are left as they are; if all are, the call is
        refused. Nothing is written unless every manager can be closed.
        """
        principal = self._marketing("close evaluation periods")
        period = parse_period(kind, period_text)
        managers = [
            m
            for m in self._managers.by_department(department_id)
            if self._joined_by(m.staff_id, period.last_day)
        ]
        if not managers:
            raise InvalidInput(
                "no account managers to evaluate in this department", field=("department_id",)
            )
        done = self._store.closed_managers(kind, period.text, [m.staff_id for m in managers])
        todo = [m for m in managers if m.staff_id not in done]
        if not todo:
            raise InvalidInput(
                f"{period.text} is already closed for this department",
                field=("period",),
                code=ErrorCode.CONFLICT,
            )
        now = self._clock()
        with self._session.begin_nested():
            if kind is PeriodKind.MONTH:
                drafts = self._close_month(period, todo, department_id, principal, now)
            elif kind is PeriodKind.QUARTER:
                drafts = self._close_quarter(period, todo, department_id, principal, now)
            else:
                drafts = self._close_year(period, todo, department_id, principal, now)
            ids = self._store.close(drafts)
        return [view_of(r) for r in self._store.get_results(ids) if r is not None]

    def _joined_by(self, staff_id: int, day: date) -> bool:
        staff = self._staff.get(staff_id)
        return staff is not None and staff.active and staff.joined_on <= day

    def _close_month(
        self,
        period: Period,
        managers: list[AccountManager],
        department_id: int,
        principal: Principal,
        now: datetime,
    ) -> list[ResultDraft]:
        month = period.months[0]
        drafts = []
        for manager in managers:
            stored = self._store.events(
                [manager.staff_id],
                month.first_day,
                month.last_day,
                kinds=(ScoreEventKind.SALES_SETTLEMENT,),
            )
            if not stored:  # settle from the sales facts, recorded by the closer
                self._store.add_events(
                    [
                        ScoreEventDraft(
                            manager_id=manager.staff_id,
                            kind=ScoreEventKind.SALES_SETTLEMENT,
                            occurred_on=month.last_day,
                            recorded_by=principal.staff_id,
                            recorded_at=now,
                            details=details,
                            source_key=f"sales:{manager.staff_id}:{month}:{details['item']}",
                        )
                        for details in self._settlements(manager.staff_id, month)
                    ]
                )
            score = self._score(manager.staff_id, month)
            drafts.append(
                month_draft(
                    score,
                    period=period.text,
                    manager_id=manager.staff_id,
                    department_id=department_id,
                    closed_by=principal.staff_id,
                    closed_at=now,
                )
            )
        return drafts

    def _closed_months(
        self, months: Sequence[scoring.Month], manager_ids: Sequence[int]
    ) -> list[scoring.MonthlyScore]:
        results = self._store.results(
            kind=PeriodKind.MONTH, periods=[str(m) for m in months], manager_ids=manager_ids
        )
        out = []
        for r in results:
            view = view_of(r)
            out.append(monthly_from_result(r, view.current))
        return out

    def _close_quarter(
        self,
        period: Period,
        managers: list[AccountManager],
        department_id: int,
        principal: Principal,
        now: datetime,
    ) -> list[ResultDraft]:
        return quarter_drafts(
            self._quarter(period, department_id),
            period=period.text,
            manager_ids={m.staff_id for m in managers},
            department_id=department_id,
            closed_by=principal.staff_id,
            closed_at=now,
        )

    def _quarter(self, period: Period, department_id: int) -> scoring.QuarterEvaluation:
        ids = self._managers.ids_in_department(department_id)
        before = period.months[0].first_day - timedelta(days=1)
        months = [scoring.Month.of(before), *period.months]
        scores = self._closed_months(months, ids)
        for month in period.months:
            if not any(s.month == month for s in scores):
                raise InvalidInput(f"close {month} for the department before its quarter")
        try:
            return scoring.evaluate_quarter(period.quarter, scores, self._policy)
        except scoring.ScoringError as exc:
            raise InvalidInput(str(exc)) from exc

    def _close_year(
        self,
        period: Period,
        managers: list[AccountManager],
        department_id: int,
        principal: Principal,
        now: datetime,
    ) -> list[ResultDraft]:
        return year_drafts(
            self._year(period, department_id),
            policy_version=self._policy.version,
            period=period.text,
            manager_ids={m.staff_id for m in managers},
            department_id=department_id,
            closed_by=principal.staff_id,
            closed_at=now,
        )

    def _year(self, period: Period, department_id: int) -> tuple[scoring.AnnualStanding, ...]:
        ids = self._managers.ids_in_department(department_id)
        scores = self._closed_months(period.months, ids)
        if not scores:
            raise InvalidInput(f"no month of {period.text} is closed for the department")
        try:
            return scoring.evaluate_year(int(period.text), scores, self._policy)
        except scoring.ScoringError as exc:
            raise InvalidInput(str(exc)) from exc

    # -- amendments and files -------------------------------------------------------------

    def amend(self, result_id: int, reason: str, changes: dict[str, Any]) -> ResultView:
        """Append an amendment (marketing only): the closed values themselves never change."""
        principal = self._marketing("amend evaluation results")
        result = self.result(result_id).result
        file = result_file(result)
        last = file.amendments[-1].at if file.amendments else file.closed.closed_at
        at = max(self._clock(), last + timedelta(microseconds=1))
        try:
            amended = file.amend(
                scoring.Amendment.of(
                    f"new-{len(file.amendments) + 1}",
                    author=str(principal.staff_id),
                    reason=reason.strip(),
                    at=at,
                    changes=changes,
                )
            )
        except scoring.ScoringError as exc:
            raise InvalidInput(str(exc), field=("changes",)) from exc
        self._store.add_amendment(
            result.id,
            author_id=principal.staff_id,
            reason=reason.strip(),
            at=at,
            changes=dict(amended.amendments[-1].changes),
        )
        return self.result(result.id)

    def result(self, result_id: int) -> ResultView:
        """A closed result the caller may read, with its history."""
        found = self.result_views_by_ids([result_id])[0]
        if found is None:
            raise NotFound("evaluation result", field=("result_id",))
        return found

    def result_views_by_ids(self, ids: Sequence[int]) -> list[ResultView | None]:
        """Results with their current values and history; ``None`` where not readable."""
        return [None if r is None else view_of(r) for r in self.results_by_ids(ids)]

    def results_by_ids(self, ids: Sequence[int]) -> list[EvaluationResultInfo | None]:
        """Results by id; ``None`` where missing or not the caller's to read."""
        scope = self._scope()
        return [
            r if r is not None and scope.allows(r.manager_id, r.department_id) else None
            for r in self._store.get_results(ids)
        ]

    def file(self, manager_id: int, kind: PeriodKind | None = None) -> list[ResultView]:
        """A manager's file: every closed result with its amendments (R7.5)."""
        self.visible_manager(manager_id)
        return [view_of(r) for r in self._store.results(kind=kind, manager_ids=[manager_id])]

    # -- scoreboards ----------------------------------------------------------------------

    def scoreboard(self, department_id: int, kind: PeriodKind, period_text: str) -> Scoreboard:
        """A department's ranking: closed results as amended, or a preview if not closed."""
        managers = self.department_managers(department_id)
        period = parse_period(kind, period_text)
        visible = {m.staff_id for m in managers}
        closed = [
            r
            for r in self._store.results(
                kind=kind, periods=[period.text], department_ids=[department_id]
            )
            if r.manager_id in visible
        ]
        if closed:
            views = [view_of(r) for r in closed]
            totals = {str(v.result.manager_id): float(v.current.get("total") or 0.0) for v in views}
            ranks = scoring.competition_ranks(totals, decimals=self._policy.ranking.score_decimals)
            rows = [
                BoardRow(
                    v.result.manager_id,
                    ranks[str(v.result.manager_id)],
                    totals[str(v.result.manager_id)],
                    v.current,
                    v.result.id,
                )
                for v in views
            ]
            deadline = closed[0].detail.get("review_deadline")
            return _board(
                department_id, kind, period, True, rows, deadline and date.fromisoformat(deadline)
            )
        return self._preview_board(department_id, kind, period, visible)

    def _preview_board(
        self, department_id: int, kind: PeriodKind, period: Period, visible: set[int]
    ) -> Scoreboard:
        unscored: list[tuple[int, str]] = []
        values: dict[int, dict[str, scoring.FieldValue]] = {}
        deadline: date | None = None
        if kind is PeriodKind.MONTH:
            for manager_id in sorted(visible):
                if not self._joined_by(manager_id, period.last_day):
                    continue
                try:
                    score = self._score(manager_id, period.months[0])
                except InvalidInput as exc:
                    unscored.append((manager_id, str(exc)))
                    continue
                values[manager_id] = dict(
                    scoring.close_monthly(
                        score, closed_by="preview", closed_at=self._clock()
                    ).values
                )
                deadline = score.review_deadline
        elif kind is PeriodKind.QUARTER:
            evaluation = self._quarter(period, department_id)
            deadline = evaluation.review_deadline
            for s in evaluation.standings:
                values[int(s.manager_id)] = {
                    "total": s.total,
                    "rank": s.rank,
                    "months_served": s.months_served,
                    "provisional": s.provisional,
                    "eliminated": bool(s.eliminations),
                }
        else:
            for a in self._year(period, department_id):
                values[int(a.manager_id)] = {
                    "total": a.total,
                    "rank": a.rank,
                    "months_served": a.months_served,
                    "eligible": a.eligible,
                    "honour": None if a.honour is None else a.honour.value,
                }
        totals = {str(m): float(v.get("total") or 0.0) for m, v in values.items() if m in visible}
        ranks = scoring.competition_ranks(totals, decimals=self._policy.ranking.score_decimals)
        rows = [BoardRow(int(m), ranks[m], totals[m], values[int(m)], None) for m in totals]
        return _board(department_id, kind, period, False, rows, deadline, unscored)


def _board(
    department_id: int,
    kind: PeriodKind,
    period: Period,
    closed: bool,
    rows: list[BoardRow],
    deadline: date | None,
    unscored: Sequence[tuple[int, str]] = (),
) -> Scoreboard:
    rows.sort(key=lambda r: (r.rank, r.manager_id))
    return Scoreboard(
        department_id, kind, period.text, closed, tuple(rows), deadline, tuple(unscored)
    )
