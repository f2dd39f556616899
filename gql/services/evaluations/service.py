"""The evaluation of account managers (考评, R7): events in, scores out, files kept.

Who may do what (essay 7, 第八条–第九条; issue 15): the marketing department records every
kind of input, decides held findings and amendment proposals, closes, reopens and amends; the
heads and deputies of a customer-service department record discipline (breaches, complaints,
leave) and basic-work inputs for their own department, which holds the monthly review; auditors
record findings only, citing their own audit records. Every input says who recorded it; a
mistaken one is retracted (with reason, by whom) while its month is open. A manager reads their
own file, heads their department, marketing everything; nobody edits a closed result except by
amendment, and every amendment is kept with author, reason and time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from gql.domain import Role, Verdict
from gql.domain.evaluations import PeriodKind, ScoreEventKind, ScoreEventStatus
from gql.services.access import Scope, scope_of, signed_in
from gql.services.calendar import local_day
from gql.services.errors import ErrorCode, Forbidden, InvalidInput, NotFound
from gql.services.evaluations import rules as scoring
from gql.services.evaluations.explanations import (
    Explanation,
    LineView,
    explain_month,
    explain_result,
)
from gql.services.evaluations.findings import check_evidence, finding_key, finding_status
from gql.services.evaluations.inputs import checked_reason
from gql.services.evaluations.periods import Period, parse_period
from gql.services.evaluations.results import (
    ResultView,
    monthly_from_result,
    result_file,
    result_kind,
    view_of,
)
from gql.services.evaluations.score_events import EventCommand, details_of, to_scoring
from gql.services.evaluations.scorer import MonthScorer, ScoredMonth
from gql.store.repositories import (
    ActivityRepository,
    AssignmentRepository,
    AuditRepository,
    EvaluationRepository,
    ManagerRepository,
    SalesRepository,
    StaffRepository,
)
from gql.store.repositories.evaluations import ScoreEventDraft

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Sequence
    from contextlib import AbstractContextManager

    from sqlalchemy.orm import Session

    from gql.domain import AccountManager, Staff
    from gql.domain.evaluations import EvaluationResultInfo, ScoreEventInfo
    from gql.services.access import Principal

__all__ = ["HEADS", "HEAD_KINDS", "EvaluationService", "MonthView"]

HEADS = frozenset({Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD})
"""The customer-service department's heads (主任, 副主任)."""
HEAD_KINDS = frozenset(
    {
        ScoreEventKind.RULE_BREACH,
        ScoreEventKind.COMPLAINT,
        ScoreEventKind.LEAVE,
        ScoreEventKind.BASIC_WORK_CHECK,
    }
)
"""What heads record for their department: discipline (作风纪律) and basic work (基础工作)."""
_RECORDERS = frozenset({Role.MARKETING, Role.AUDITOR, *HEADS})
_FINDING_LOOKBACK = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class MonthView:
    """A manager's month: closed (values as amended) or a preview computed from the events."""

    manager_id: int
    month: scoring.Month
    values: dict[str, scoring.FieldValue]
    explanation: Explanation
    dismissals: tuple[scoring.Dismissal, ...]
    review_deadline: date
    result: EvaluationResultInfo | None

    @property
    def lines(self) -> tuple[LineView, ...]:
        """The month's lines (they add up to its total)."""
        return self.explanation.lines


class EvaluationService:
    """Score events, monthly scores, closed results, amendments, files and scoreboards."""

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
        self.store = EvaluationRepository(session)
        self.activity = ActivityRepository(session)
        self.managers = ManagerRepository(session)
        self.staff = StaffRepository(session)
        self.sales = SalesRepository(session)
        self._audits = AuditRepository(session)
        self._assignments = AssignmentRepository(session)
        self.scorer = MonthScorer(self.store, self.activity, self._policy, self._clock)

    @property
    def policy(self) -> scoring.ScoringPolicy:
        """The scoring policy in force."""
        return self._policy

    def now(self) -> datetime:
        """The service's clock (UTC)."""
        return self._clock()

    def today(self) -> date:
        """The company's business day now."""
        return local_day(self._clock())

    def savepoint(self) -> AbstractContextManager[object]:
        """A savepoint: a multi-row write succeeds whole or leaves nothing."""
        return self._session.begin_nested()

    # -- who ------------------------------------------------------------------------------

    def caller(self) -> Principal:
        """The signed-in caller, or :class:`Unauthenticated`."""
        return signed_in(self._principal)

    def scope(self) -> Scope:
        """The managers whose evaluation the caller may read."""
        principal = self.caller()
        if principal.role in (Role.ADMIN, Role.AUDITOR):
            return Scope()  # people's evaluations are not reference data nor audit material
        return scope_of(principal)

    def marketing(self, action: str) -> Principal:
        """The caller if they are in the marketing department, else :class:`Forbidden`."""
        principal = self.caller()
        if principal.role is not Role.MARKETING:
            raise Forbidden(f"{action} (only the marketing department may)")
        return principal

    def visible_manager(self, manager_id: int) -> AccountManager:
        """The manager if the caller may read their file, else :class:`NotFound`."""
        manager = self.managers.get_many([manager_id])[0]
        if manager is None or not self.scope().allows(manager.staff_id, manager.department_id):
            raise NotFound("manager")
        return manager

    def department_managers(self, department_id: int) -> list[AccountManager]:
        """The department's managers the caller may read (a manager: only themself)."""
        scope = self.scope()
        if not (scope.everything or department_id in scope.department_ids or scope.manager_ids):
            raise NotFound("department")
        managers = [
            m
            for m in self.managers.by_department(department_id)
            if scope.allows(m.staff_id, m.department_id)
        ]
        if not managers and not scope.everything:
            raise NotFound("department")
        return managers

    def company_managers(self) -> list[AccountManager]:
        """Every active manager of the company (the population of company-wide rules)."""
        return [m for m in self.managers.all() if m.active]

    def board_population(self, department_id: int | None) -> tuple[list[AccountManager], set[int]]:
        """The managers a board ranks, and those of them the caller may read.

        ``None`` is the company: everyone with a scope sees it (their own rows); a department
        board needs the department in the caller's scope, as before.
        """
        if department_id is None:
            scope = self.scope()
            if scope.is_empty:
                raise NotFound("scoreboard")
            population = self.company_managers()
            return population, {
                m.staff_id for m in population if scope.allows(m.staff_id, m.department_id)
            }
        visible = {m.staff_id for m in self.department_managers(department_id)}
        return [m for m in self.managers.by_department(department_id) if m.active], visible

    def joined_by(self, staff_id: int, day: date) -> bool:
        """An active staff member who had joined by ``day``."""
        staff = self.staff.get(staff_id)
        return staff is not None and staff.active and staff.joined_on <= day

    # -- events ---------------------------------------------------------------------------

    def record(self, command: EventCommand) -> ScoreEventInfo:
        """Record an input of the evaluation.

        Marketing records any kind; heads discipline and basic work for their department;
        auditors findings citing their own audit records. An audit finding whose auditor was
        not verified in place is held for review; one for a closed month becomes an
        amendment proposal.
        """
        principal = self.caller()
        if principal.role not in _RECORDERS:
            raise Forbidden("record score events")
        kind = command.kind
        if principal.role in HEADS and kind not in HEAD_KINDS:
            raise Forbidden(f"record {kind.value} events (heads record discipline and basic work)")
        if principal.role is Role.AUDITOR and kind is not ScoreEventKind.AUDIT_FINDING:
            raise Forbidden("record score events other than audit findings")
        manager = self.managers.get_many([command.manager_id])[0]
        if manager is None or (
            principal.role in HEADS and manager.department_id != principal.department_id
        ):
            raise NotFound("manager", field=("manager_id",))
        details = details_of(command, self._policy)
        staff = self.staff.get(manager.staff_id)
        assert staff is not None  # a manager is a staff member
        try:
            scoring.check_event_day(
                command.occurred_on,
                today=self.today(),
                joined_on=staff.joined_on,
                leave=kind is ScoreEventKind.LEAVE,
                policy=self._policy,
            )
        except scoring.ScoringError as exc:
            raise InvalidInput(str(exc), field=("occurred_on",)) from exc
        month = scoring.Month.of(command.occurred_on)
        closed = self.month_closed(manager.staff_id, month)
        status, status_reason, source_key = ScoreEventStatus.RECORDED, None, None
        if kind is ScoreEventKind.AUDIT_FINDING:
            status, status_reason, source_key = self._finding(command, principal, closed)
        elif closed:
            raise InvalidInput(
                f"{month} is closed for this manager: change the result by amendment (or "
                "reopen the month)",
                field=("occurred_on",),
                code=ErrorCode.CONFLICT,
            )
        if kind is ScoreEventKind.COMPLAINT and command.retailer_id is not None:
            self._check_complainant(command.retailer_id, manager.staff_id, command.occurred_on)
        event_id = self.store.add_events(
            [
                ScoreEventDraft(
                    manager_id=manager.staff_id,
                    kind=kind,
                    occurred_on=command.occurred_on,
                    recorded_by=principal.staff_id,
                    recorded_at=self.now(),
                    details=details,
                    source_key=source_key,
                    status=status,
                    status_reason=status_reason,
                )
            ]
        )[0]
        event = self.store.get_events([event_id])[0]
        assert event is not None
        return event

    def _finding(
        self, command: EventCommand, principal: Principal, closed: bool
    ) -> tuple[ScoreEventStatus, str | None, str]:
        """Check a typed-in finding against the audit record it cites (issue 14, item 3)."""
        assert command.audit_id is not None
        assert command.finding is not None
        try:
            record_id = int(command.audit_id)
        except ValueError:
            raise InvalidInput("not an audit record id", field=("audit_id",)) from None
        record = self._audits.get_records([record_id])[0]
        plan = None if record is None else self._audits.get_plans([record.plan_id])[0]
        if (
            record is None
            or plan is None
            or (principal.role is not Role.MARKETING and principal.staff_id not in plan.auditor_ids)
        ):
            raise InvalidInput("no such audit record on your audit plans", field=("audit_id",))
        kind = scoring.AuditFindingKind(command.finding)
        if command.occurred_on != record.audited_on:
            raise InvalidInput(
                f"a finding happens on its audit's day ({record.audited_on})",
                field=("occurred_on",),
            )
        audited_at = record.audited_at or record.recorded_at
        visits = self.activity.visits(
            [record.manager_id], audited_at - _FINDING_LOOKBACK, audited_at + timedelta(seconds=1)
        )
        verified = any(
            v.retailer_id == record.retailer_id and v.verdict is Verdict.IN_PLACE for v in visits
        )
        check_evidence(record, kind, manager_id=command.manager_id, verified_visit=verified)
        key = finding_key(record.id, kind)
        if self.store.existing_source_keys([key]):
            raise InvalidInput(
                "this finding of this audit record is already recorded",
                field=("finding",),
                code=ErrorCode.DUPLICATE,
            )
        status, reason = finding_status(record, month_closed=closed)
        return status, reason, key

    def _check_complainant(self, retailer_id: int, manager_id: int, day: date) -> None:
        history = self._assignments.history([retailer_id]).get(retailer_id, [])
        if not any(a.covers(day) and a.manager_id == manager_id for a in history):
            raise InvalidInput(
                f"the retailer was not this manager's on {day.isoformat()}", field=("retailer_id",)
            )

    def retract(self, event_id: int, reason: str) -> ScoreEventInfo:
        """Withdraw a recorded input while its month is open (reason and author kept).

        Marketing retracts any input; heads the discipline and basic-work inputs their
        department's heads recorded. Settlements and closed months are amended instead.
        """
        principal = self.caller()
        event = self.events_by_ids([event_id])[0]
        if event is None:
            raise NotFound("score event", field=("event_id",))
        if principal.role is Role.MARKETING:
            pass
        elif principal.role in HEADS and event.kind in HEAD_KINDS:
            recorder = self.staff.get(event.recorded_by)
            if (
                recorder is None
                or recorder.role not in HEADS
                or (recorder.department_id != principal.department_id)
            ):
                raise Forbidden("retract inputs recorded by others than your department's heads")
        else:
            raise Forbidden("retract score events")
        text = checked_reason(reason)
        if event.status is not ScoreEventStatus.RECORDED:
            raise InvalidInput(
                f"the event is {event.status.value}, not RECORDED",
                field=("event_id",),
                code=ErrorCode.CONFLICT,
            )
        if event.kind is ScoreEventKind.SALES_SETTLEMENT:
            raise InvalidInput(
                "a settlement is part of a closing: amend the result", field=("event_id",)
            )
        month = scoring.Month.of(event.occurred_on)
        if self.month_closed(event.manager_id, month):
            raise InvalidInput(
                f"{month} is closed: amend the result (or reopen the month)",
                field=("event_id",),
                code=ErrorCode.CONFLICT,
            )
        self.store.set_event_status(
            event.id,
            ScoreEventStatus.RETRACTED,
            decided_by=principal.staff_id,
            at=self.now(),
            reason=text,
        )
        retracted = self.store.get_events([event.id])[0]
        assert retracted is not None
        return retracted

    def decide(self, event_id: int, *, accept: bool, reason: str) -> ScoreEventInfo:
        """Marketing's decision on a held finding or an amendment proposal.

        Accepting counts the input: in an open month it simply scores; in a closed month it
        is applied to the current result by an amendment that cites it (the basic-work part
        loses the finding's points, down to 0, and the total is derived again).
        """
        principal = self.marketing("decide held findings and amendment proposals")
        event = self.events_by_ids([event_id])[0]
        if event is None:
            raise NotFound("score event", field=("event_id",))
        text = checked_reason(reason)
        if event.status not in (ScoreEventStatus.HELD, ScoreEventStatus.PROPOSED):
            raise InvalidInput(
                f"the event is {event.status.value}: nothing to decide",
                field=("event_id",),
                code=ErrorCode.CONFLICT,
            )
        now = self.now()
        if accept:
            month = scoring.Month.of(event.occurred_on)
            if self.month_closed(event.manager_id, month):
                self._amend_with(event, principal, text, now)
        self.store.set_event_status(
            event.id,
            ScoreEventStatus.RECORDED if accept else ScoreEventStatus.REJECTED,
            decided_by=principal.staff_id,
            at=now,
            reason=text,
        )
        decided = self.store.get_events([event.id])[0]
        assert decided is not None
        return decided

    def _amend_with(
        self, event: ScoreEventInfo, principal: Principal, reason: str, now: datetime
    ) -> None:
        result = self.store.results(
            kind=PeriodKind.MONTH,
            periods=[event.occurred_on.strftime("%Y-%m")],
            manager_ids=[event.manager_id],
        )[0]
        finding = to_scoring(event)
        assert isinstance(finding, scoring.AuditFinding)
        points = {
            scoring.AuditFindingKind.VISIT_NOT_IN_PLACE: (
                self._policy.basic_work.audit_findings.visit_not_in_place
            ),
            scoring.AuditFindingKind.PRICE_TAGS_MISSING: (
                self._policy.basic_work.audit_findings.price_tags_missing
            ),
            scoring.AuditFindingKind.POLICY_NOT_PROMOTED: (
                self._policy.basic_work.audit_findings.policy_not_promoted
            ),
        }[finding.kind]
        current = view_of(result).current
        before = scoring.as_number(current.get("basic_work"))
        basic_work = max(0.0, before - points)
        if basic_work == before:
            return  # already at the floor: the finding is recorded, the result unchanged
        changes = scoring.amended_values(
            scoring.ResultKind.MONTH, current, {"basic_work": basic_work}, self._policy
        )
        self._append_amendment(
            result,
            principal,
            f"{reason} (audit finding {event.id})",
            changes,
            now,
            event_id=event.id,
        )

    def pending(self, department_id: int | None = None) -> list[ScoreEventInfo]:
        """Held findings and amendment proposals waiting for marketing."""
        self.marketing("review held findings and amendment proposals")
        ids = None if department_id is None else self.managers.ids_in_department(department_id)
        return self.store.pending_events(ids)

    def events_by_ids(self, ids: Sequence[int]) -> list[ScoreEventInfo | None]:
        """Events by id; ``None`` where missing or about a manager the caller may not read."""
        scope = self.scope()
        events = self.store.get_events(ids)
        managers = {
            m.staff_id: m
            for m in self.managers.get_many(sorted({e.manager_id for e in events if e}))
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

    def events(
        self,
        manager_id: int,
        period: Period,
        statuses: Collection[ScoreEventStatus] | None = None,
    ) -> list[ScoreEventInfo]:
        """A manager's events in a period (every status unless ``statuses`` says)."""
        self.visible_manager(manager_id)
        return self.store.events([manager_id], period.first_day, period.last_day, statuses=statuses)

    def people(self, ids: Collection[int]) -> dict[int, Staff]:
        """Staff records by id: who recorded, decided, closed or amended something."""
        wanted = sorted(set(ids))
        return {s.id: s for s in self.staff.get_many(wanted) if s is not None}

    # -- the monthly score ----------------------------------------------------------------

    def month_closed(self, manager_id: int, month: scoring.Month) -> bool:
        """The manager has a current closed result for the month."""
        return bool(self.store.closed_managers(PeriodKind.MONTH, str(month), [manager_id]))

    def score(self, manager_id: int, month: scoring.Month) -> ScoredMonth:
        """The month as the store holds it now (a preview)."""
        return self.scorer.score(manager_id, month)

    def month(self, manager_id: int, month_text: str) -> MonthView:
        """A manager's month with breakdown and provenance (closed if closed, else preview)."""
        self.visible_manager(manager_id)
        period = parse_period(PeriodKind.MONTH, month_text)
        month = period.months[0]
        found = self.store.results(
            kind=PeriodKind.MONTH, periods=[period.text], manager_ids=[manager_id]
        )
        if found:
            view = view_of(found[0])
            explanation = explain_result(found[0], view.current, self._policy)
            score = monthly_from_result(found[0], view.current)
            return MonthView(
                manager_id,
                month,
                view.current,
                explanation,
                score.dismissals,
                score.review_deadline,
                found[0],
            )
        scored = self.score(manager_id, month)
        values = dict(
            scoring.close_monthly(scored.score, closed_by="preview", closed_at=self.now()).values
        )
        return MonthView(
            manager_id,
            month,
            values,
            explain_month(
                scored.lines, scored.score.dismissals, values, scored.score.review_deadline
            ),
            scored.score.dismissals,
            scored.score.review_deadline,
            None,
        )

    # -- amendments and files -------------------------------------------------------------

    def amend(self, result_id: int, reason: str, changes: dict[str, Any]) -> ResultView:
        """Append an amendment (marketing only): parts and flags change, totals are derived.

        Every value is range-checked (a part within 0 and its full points); totals, ranks and
        the policy version are not amendable; a reopened result is superseded and refused.
        """
        principal = self.marketing("amend evaluation results")
        result = self.result(result_id).result
        if result.reopening is not None:
            raise InvalidInput(
                "the period was reopened: amend the result of its new closing",
                field=("result_id",),
                code=ErrorCode.CONFLICT,
            )
        text = checked_reason(reason)
        current = view_of(result).current
        try:
            amended = scoring.amended_values(
                result_kind(result.kind), current, changes, self._policy
            )
        except scoring.ScoringError as exc:
            where = ("changes", exc.field) if exc.field else ("changes",)
            raise InvalidInput(str(exc), field=where) from exc
        self._append_amendment(result, principal, text, amended, self.now())
        return self.result(result.id)

    def _append_amendment(
        self,
        result: EvaluationResultInfo,
        principal: Principal,
        reason: str,
        changes: dict[str, Any],
        now: datetime,
        *,
        event_id: int | None = None,
    ) -> None:
        file = result_file(result)
        last = file.amendments[-1].at if file.amendments else file.closed.closed_at
        at = max(now, last + timedelta(microseconds=1))
        try:
            amended = file.amend(
                scoring.Amendment.of(
                    f"new-{len(file.amendments) + 1}",
                    author=str(principal.staff_id),
                    reason=reason,
                    at=at,
                    changes=changes,
                )
            )
        except scoring.ScoringError as exc:
            raise InvalidInput(str(exc), field=("changes",)) from exc
        self.store.add_amendment(
            result.id,
            author_id=principal.staff_id,
            reason=reason,
            at=at,
            changes=dict(amended.amendments[-1].changes),
            event_id=event_id,
        )

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
        scope = self.scope()
        return [
            r if r is not None and scope.allows(r.manager_id, r.department_id) else None
            for r in self.store.get_results(ids)
        ]

    def file(self, manager_id: int, kind: PeriodKind | None = None) -> list[ResultView]:
        """A manager's file: every closed result, reopened revisions too, with amendments."""
        self.visible_manager(manager_id)
        return [
            view_of(r)
            for r in self.store.results(kind=kind, manager_ids=[manager_id], current_only=False)
        ]

    def explain(self, view: ResultView) -> Explanation:
        """Why a closed result is what it is."""
        return explain_result(view.result, view.current, self._policy)
