"""Closing, reopening and reviewing evaluation periods (R7.5, essay 7 第八条–第九条).

Period integrity (issue 15): a month closes only after its last business day, a quarter or a
year only once each of its months is closed for everyone it ranks; the policy says whether a
quarter or year ranks the company or each department. Marketing may reopen a closed period
with a reason: its results stay in the file (marked reopened) and closing it again writes the
next revision of every result, so nothing closed is ever overwritten. The review meetings —
the department's monthly one within three days, marketing's quarterly one within the first
week — are recorded, and the overdue ones listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from gql.domain import Role
from gql.domain.evaluations import PeriodKind, RankScope, ScoreEventKind, ScoreEventStatus
from gql.services.calendar import last_business_day
from gql.services.errors import ErrorCode, Forbidden, InvalidInput, NotFound
from gql.services.evaluations import rules as scoring
from gql.services.evaluations.drafts import month_draft, quarter_drafts, year_drafts
from gql.services.evaluations.inputs import checked_reason
from gql.services.evaluations.periods import Period, parse_period
from gql.services.evaluations.results import ResultView, view_of
from gql.services.evaluations.service import HEADS
from gql.store.repositories.evaluations import ResultDraft, ScoreEventDraft

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from gql.domain import AccountManager
    from gql.domain.evaluations import ReopeningInfo, ReviewInfo
    from gql.services.access import Principal
    from gql.services.evaluations.boards import BoardService
    from gql.services.evaluations.service import EvaluationService

__all__ = ["OVERDUE_LOOKBACK_DAYS", "OverdueReview", "PeriodService", "Reopened"]

OVERDUE_LOOKBACK_DAYS = 92
"""Overdue reviews are listed for deadlines this many days back by default (a quarter)."""
_MAX_NOTE_CHARS = 500


@dataclass(frozen=True, slots=True)
class Reopened:
    """A reopening and the results it set aside (they stay in the file)."""

    reopening: ReopeningInfo
    results: tuple[ResultView, ...]


@dataclass(frozen=True, slots=True)
class OverdueReview:
    """A review meeting past its deadline with none recorded.

    ``department_id`` is ``None`` for the company's quarterly review.
    """

    kind: PeriodKind
    period: str
    department_id: int | None
    deadline: date
    closed: bool


class PeriodService:
    """Close, reopen and review periods; marketing closes and reopens."""

    def __init__(self, evaluations: EvaluationService, boards: BoardService) -> None:
        self._e = evaluations
        self._boards = boards
        self._store = evaluations.store

    # -- closing --------------------------------------------------------------------------

    def close(
        self, kind: PeriodKind, period_text: str, department_id: int | None
    ) -> list[ResultView]:
        """Close a period for a department or the company (marketing only).

        Months: one department, or every department (``None``). Quarters and years: the
        population the policy names (``scope``); with company scope no department is given.
        Managers already closed are left as they are; if all are, the call is refused.
        Nothing is written unless every manager can be closed.
        """
        principal = self._e.marketing("close evaluation periods")
        period = parse_period(kind, period_text)
        groups = self._groups(kind, department_id, period)
        now = self._e.now()
        drafts: list[ResultDraft] = []
        with self._e.savepoint():
            if kind is PeriodKind.MONTH:
                self._check_month_over(period)
                todo = [m for group in groups for m in self._open(kind, period, group)]
                if not todo:
                    raise InvalidInput(
                        f"{period.text} is already closed",
                        field=("period",),
                        code=ErrorCode.CONFLICT,
                    )
                drafts = self._close_months(period, todo, principal, now)
            else:
                scope = self._boards.rule_scope(kind)
                any_open = False
                for group in groups:
                    todo = self._open(kind, period, group)
                    if not todo:
                        continue
                    any_open = True
                    departments = {m.staff_id: m.department_id for m in todo}
                    if kind is PeriodKind.QUARTER:
                        drafts += quarter_drafts(
                            self._boards.quarter_evaluation(period, self._due(group, period)),
                            period=period.text,
                            departments=departments,
                            scope=scope,
                            closed_by=principal.staff_id,
                            closed_at=now,
                        )
                    else:
                        drafts += year_drafts(
                            self._boards.year_standings(period, self._due(group, period)),
                            policy_version=self._e.policy.version,
                            period=period.text,
                            departments=departments,
                            scope=scope,
                            closed_by=principal.staff_id,
                            closed_at=now,
                        )
                if not any_open:
                    raise InvalidInput(
                        f"{period.text} is already closed",
                        field=("period",),
                        code=ErrorCode.CONFLICT,
                    )
            ids = self._store.close(drafts)
        return [view_of(r) for r in self._store.get_results(ids) if r is not None]

    def _groups(
        self, kind: PeriodKind, department_id: int | None, period: Period
    ) -> list[list[AccountManager]]:
        """The populations to close: one department, the company, or each department."""
        if kind is not PeriodKind.MONTH and self._boards.rule_scope(kind) is RankScope.COMPANY:
            if department_id is not None:
                key = "quarterly_elimination" if kind is PeriodKind.QUARTER else "annual_honours"
                raise InvalidInput(
                    f"the policy ranks a {kind.value.lower()} company-wide (scope.{key} = "
                    '"company"): close it without a department',
                    field=("department_id",),
                )
            groups = [self._e.company_managers()]
        elif department_id is not None:
            groups = [[m for m in self._e.managers.by_department(department_id) if m.active]]
        else:
            by_department: dict[int, list[AccountManager]] = {}
            for m in self._e.company_managers():
                by_department.setdefault(m.department_id, []).append(m)
            groups = list(by_department.values())
        groups = [self._due(g, period) for g in groups]
        if not any(groups):
            raise InvalidInput("no account managers to evaluate", field=("department_id",))
        return groups

    def _due(self, managers: Sequence[AccountManager], period: Period) -> list[AccountManager]:
        return [m for m in managers if self._e.joined_by(m.staff_id, period.last_day)]

    def _open(
        self, kind: PeriodKind, period: Period, managers: Sequence[AccountManager]
    ) -> list[AccountManager]:
        done = self._store.closed_managers(kind, period.text, [m.staff_id for m in managers])
        return [m for m in managers if m.staff_id not in done]

    def _check_month_over(self, period: Period) -> None:
        month = period.months[0]
        last = last_business_day(month.first_day, month.last_day)
        if self._e.today() <= last:
            raise InvalidInput(
                f"{period.text} runs until its last business day {last.isoformat()}: close it "
                f"from {(last + timedelta(days=1)).isoformat()}",
                field=("period",),
            )

    def _close_months(
        self,
        period: Period,
        managers: list[AccountManager],
        principal: Principal,
        now: datetime,
    ) -> list[ResultDraft]:
        month = period.months[0]
        revisions = self._store.revisions(
            PeriodKind.MONTH, period.text, [m.staff_id for m in managers]
        )
        drafts = []
        for manager in managers:
            stored = self._store.events(
                [manager.staff_id],
                month.first_day,
                month.last_day,
                kinds=(ScoreEventKind.SALES_SETTLEMENT,),
            )
            items = None if stored else self._e.scorer.settlements(manager.staff_id, month)
            revision = revisions.get(manager.staff_id, 0) + 1
            if items:  # settle from the sales facts, recorded by the closer
                self._store.add_events(
                    [
                        ScoreEventDraft(
                            manager_id=manager.staff_id,
                            kind=ScoreEventKind.SALES_SETTLEMENT,
                            occurred_on=month.last_day,
                            recorded_by=principal.staff_id,
                            recorded_at=now,
                            details=details,
                            source_key=f"sales:{manager.staff_id}:{month}:{details['item']}"
                            + (f":r{revision}" if revision > 1 else ""),
                        )
                        for details in items
                    ]
                )
            scored = self._e.score(manager.staff_id, month)
            drafts.append(
                month_draft(
                    scored,
                    period=period.text,
                    manager_id=manager.staff_id,
                    department_id=manager.department_id,
                    closed_by=principal.staff_id,
                    closed_at=now,
                )
            )
        return drafts

    # -- reopening ------------------------------------------------------------------------

    def reopen(
        self, kind: PeriodKind, period_text: str, department_id: int | None, reason: str
    ) -> Reopened:
        """Reopen a closed period with a reason (marketing only); its results stay on file.

        A month's settlements are withdrawn with it, so closing it again settles the sales
        as they stand then. A month whose quarter or year is closed, or a quarter whose year
        is, must wait until that is reopened first.
        """
        principal = self._e.marketing("reopen evaluation periods")
        text = checked_reason(reason)
        period = parse_period(kind, period_text)
        if (
            kind is not PeriodKind.MONTH
            and self._boards.rule_scope(kind) is RankScope.COMPANY
            and department_id is not None
        ):
            raise InvalidInput(
                f"the policy ranks a {kind.value.lower()} company-wide: reopen it without "
                "a department",
                field=("department_id",),
            )
        if department_id is None:
            managers = self._e.company_managers()
        else:
            managers = self._e.managers.by_department(department_id)
        ids = [m.staff_id for m in managers]
        results = self._store.results(kind=kind, periods=[period.text], manager_ids=ids)
        if not results:
            raise InvalidInput(
                f"{period.text} is not closed", field=("period",), code=ErrorCode.CONFLICT
            )
        self._check_dependants(kind, period, [r.manager_id for r in results])
        now = self._e.now()
        if kind is PeriodKind.MONTH:
            month = period.months[0]
            for event in self._store.events(
                [r.manager_id for r in results],
                month.first_day,
                month.last_day,
                kinds=(ScoreEventKind.SALES_SETTLEMENT,),
            ):
                self._store.set_event_status(
                    event.id,
                    ScoreEventStatus.RETRACTED,
                    decided_by=principal.staff_id,
                    at=now,
                    reason=f"{period.text} reopened: {text}",
                )
        reopening = self._store.reopen(
            [r.id for r in results],
            kind=kind,
            period=period.text,
            department_id=department_id,
            reason=text,
            by=principal.staff_id,
            at=now,
        )
        reopened = self._store.get_results([r.id for r in results])
        return Reopened(reopening, tuple(view_of(r) for r in reopened if r is not None))

    def _check_dependants(self, kind: PeriodKind, period: Period, manager_ids: list[int]) -> None:
        checks: list[tuple[PeriodKind, str]] = []
        year = period.text[:4]
        if kind is PeriodKind.MONTH:
            checks.append((PeriodKind.QUARTER, str(period.months[0].quarter)))
        if kind is not PeriodKind.YEAR:
            checks.append((PeriodKind.YEAR, year))
        for dependant, text in checks:
            if self._store.closed_managers(dependant, text, manager_ids):
                raise InvalidInput(
                    f"{text} is closed: reopen it first", field=("period",), code=ErrorCode.CONFLICT
                )

    # -- review meetings ------------------------------------------------------------------

    def record_review(
        self,
        kind: PeriodKind,
        period_text: str,
        department_id: int | None,
        held_on: date,
        note: str = "",
    ) -> ReviewInfo:
        """Record a review meeting held.

        A department's month is recorded by its heads or marketing, the company's quarter by
        marketing. The period must be closed, the day after it and not in the future.
        """
        principal = self._e.caller()
        period = parse_period(kind, period_text)
        if kind is PeriodKind.YEAR:
            raise InvalidInput(
                "the policy sets review deadlines for months and quarters", field=("kind",)
            )
        if kind is PeriodKind.MONTH:
            if department_id is None:
                raise InvalidInput("a monthly review is a department's", field=("department_id",))
            allowed = principal.role is Role.MARKETING or (
                principal.role in HEADS and principal.department_id == department_id
            )
            if not allowed:
                if principal.role in HEADS:
                    raise NotFound("department", field=("department_id",))
                raise Forbidden("record review meetings")
        else:
            self._e.marketing("record the quarterly review meeting")
            if department_id is not None:
                raise InvalidInput(
                    "the quarterly review is the marketing department's", field=("department_id",)
                )
        if len(note) > _MAX_NOTE_CHARS:
            raise InvalidInput(f"at most {_MAX_NOTE_CHARS} characters", field=("note",))
        last = last_business_day(period.first_day, period.last_day)
        if not last < held_on <= self._e.today():
            raise InvalidInput(
                f"a review is held after {last.isoformat()} and not in the future",
                field=("held_on",),
            )
        managers = (
            self._e.company_managers()
            if department_id is None
            else [m for m in self._e.managers.by_department(department_id) if m.active]
        )
        if self._open(kind, period, self._due(managers, period)):
            raise InvalidInput(
                f"close {period.text} before recording its review",
                field=("period",),
                code=ErrorCode.CONFLICT,
            )
        if any(r.department_id == department_id for r in self._store.reviews(kind, [period.text])):
            raise InvalidInput(
                f"the review of {period.text} is already recorded",
                field=("period",),
                code=ErrorCode.DUPLICATE,
            )
        return self._store.add_review(
            kind=kind,
            period=period.text,
            department_id=department_id,
            held_on=held_on,
            recorded_by=principal.staff_id,
            at=self._e.now(),
            note=note.strip(),
        )

    def reviews(self, kind: PeriodKind, period_text: str) -> list[ReviewInfo]:
        """The review meetings recorded for a period, within the caller's departments."""
        principal = self._e.caller()
        period = parse_period(kind, period_text)
        found = self._store.reviews(kind, [period.text])
        if principal.role is Role.MARKETING:
            return found
        if principal.role in HEADS:
            return [r for r in found if r.department_id in (None, principal.department_id)]
        raise Forbidden("read review meetings")

    def deadline(self, kind: PeriodKind, period: Period) -> date:
        """The review meeting's deadline (months: 3 days, quarters: 7 days after)."""
        review = self._e.policy.review
        if kind is PeriodKind.MONTH:
            return scoring.monthly_review_deadline(
                period.months[0], days_after=review.monthly_days_after
            )
        return scoring.quarterly_review_deadline(
            period.quarter, days_after=review.quarterly_days_after
        )

    def overdue_reviews(self, since: date | None = None) -> list[OverdueReview]:
        """Review meetings past their deadline with none recorded, oldest first.

        Marketing sees every department's monthly reviews and the quarterly ones; heads their
        department's monthly reviews. ``since`` (default: 92 days ago) bounds the deadlines.
        """
        principal = self._e.caller()
        if principal.role is Role.MARKETING:
            departments = sorted({m.department_id for m in self._e.company_managers()})
            quarters = True
        elif principal.role in HEADS:
            departments, quarters = [principal.department_id], False
        else:
            raise Forbidden("read overdue reviews")
        today = self._e.today()
        start = since or today - timedelta(days=OVERDUE_LOOKBACK_DAYS)
        out: list[OverdueReview] = []
        month = scoring.Month.of(start - timedelta(days=31))
        while month.first_day <= today:
            period = parse_period(PeriodKind.MONTH, str(month))
            due = self.deadline(PeriodKind.MONTH, period)
            if start <= due < today:
                held = {
                    r.department_id for r in self._store.reviews(PeriodKind.MONTH, [period.text])
                }
                for department_id in departments:
                    if department_id in held:
                        continue
                    managers = self._due(
                        [m for m in self._e.managers.by_department(department_id) if m.active],
                        period,
                    )
                    if not managers:
                        continue
                    closed = not self._open(PeriodKind.MONTH, period, managers)
                    out.append(
                        OverdueReview(PeriodKind.MONTH, period.text, department_id, due, closed)
                    )
            if quarters and month.month % 3 == 0:
                q = parse_period(PeriodKind.QUARTER, str(month.quarter))
                q_due = self.deadline(PeriodKind.QUARTER, q)
                if start <= q_due < today and not self._store.reviews(PeriodKind.QUARTER, [q.text]):
                    managers = self._due(self._e.company_managers(), q)
                    closed = not self._open(PeriodKind.QUARTER, q, managers)
                    out.append(OverdueReview(PeriodKind.QUARTER, q.text, None, q_due, closed))
            month = month.next()
        out.sort(key=lambda o: (o.deadline, o.kind.value, o.department_id or 0))
        return out
