"""Audit plans and records (片区考核, R5): draw, route, adjust, record, cross-check.

The rules are :mod:`gql.services.audits.rules` (pure); this module gathers their inputs from the
store, enforces who may do what and stores the results. Audits must stay unannounced, so only
the marketing department and the auditors a plan assigns see it; managers and their heads do
not (their scores see the findings).
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import geo
from gql.domain import CoordinateSystem, RetailerStatus, Role, Verdict
from gql.domain.audits import AuditEditAction, AuditPlanStatus
from gql.domain.evaluations import PeriodKind, ScoreEventKind
from gql.services.access import signed_in
from gql.services.audits import rules as audits
from gql.services.audits.commands import (
    AuditDesign,
    AuditFix,
    AuditPlanAdjust,
    AuditPlanCreate,
    AuditRecordSubmit,
)
from gql.services.audits.mapping import (
    design_json,
    pure_plan,
    pure_record,
    sample_design,
    sample_json,
    stop_drafts,
)
from gql.services.audits.position import geo_check, verify_position
from gql.services.audits.routing import route_audit_day
from gql.services.calendar import local_day, local_midnight
from gql.services.errors import ErrorCode, Forbidden, InvalidInput, NotFound, Problems
from gql.services.evaluations.findings import finding_draft, finding_key
from gql.services.paging import Page, PageRequest, empty_page
from gql.services.territories.district_barriers import city_barriers
from gql.services.travel import RoutingSettings
from gql.services.visits.device_fixes import event_time, to_geo_fix, verdict_json
from gql.store.repositories import (
    ActivityRepository,
    AuditRepository,
    EvaluationRepository,
    ManagerRepository,
    RetailerFilter,
    RetailerRepository,
    StaffRepository,
)
from gql.store.repositories.audits import AuditPlanDraft, AuditRecordDraft

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from sqlalchemy.orm import Session

    from gql.domain import Retailer
    from gql.domain.audits import AuditPlanInfo, AuditRecordInfo
    from gql.services.access import Principal

__all__ = [
    "MAX_AUDIT_STOPS",
    "MAX_PLAN_DAYS_AHEAD",
    "RECORD_GRACE_DAYS",
    "AuditDesign",
    "AuditFix",
    "AuditPlanAdjust",
    "AuditPlanCreate",
    "AuditRecordSubmit",
    "AuditService",
]

MAX_AUDIT_STOPS = 40
"""An audit plan holds at most this many retailers (one team's day)."""
MAX_PLAN_DAYS_AHEAD = 92
"""An audit plan is drawn at most a quarter ahead."""
RECORD_GRACE_DAYS = 7
"""A plan's audits are recorded on its day or within a week after (a record is dated when it
is made; one made months later is refused)."""
_RISK_LOOKBACK = timedelta(days=90)
_AUDITORS = frozenset({Role.AUDITOR, Role.MARKETING})
_PROOF = {
    Verdict.IN_PLACE: audits.VisitProof.VERIFIED,
    Verdict.NOT_IN_PLACE: audits.VisitProof.REJECTED,
    Verdict.INCONCLUSIVE: audits.VisitProof.INCONCLUSIVE,
    Verdict.PENDING: audits.VisitProof.INCONCLUSIVE,
}


class AuditService:
    """Audit plans and records within the caller's role."""

    def __init__(
        self,
        session: Session,
        principal: Principal | None,
        *,
        routing: RoutingSettings | None = None,
        policy: geo.VisitPolicy | None = None,
        clock: Callable[[], datetime] | None = None,
        new_seed: Callable[[], int] | None = None,
    ) -> None:
        self._session = session
        self._principal = principal
        self._routing = routing or RoutingSettings()
        self._policy = policy or geo.VisitPolicy()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._new_seed = new_seed or (lambda: secrets.randbits(63))
        self._audits = AuditRepository(session)
        self._activity = ActivityRepository(session)
        self._evaluations = EvaluationRepository(session)
        self._managers = ManagerRepository(session)
        self._retailers = RetailerRepository(session)
        self._staff = StaffRepository(session)

    # -- who ------------------------------------------------------------------------------

    def _auditor(self, action: str) -> Principal:
        principal = signed_in(self._principal)
        if principal.role not in _AUDITORS:
            raise Forbidden(action)
        return principal

    def _visible(self, plan: AuditPlanInfo | None) -> bool:
        principal = signed_in(self._principal)
        if plan is None:
            return False
        if principal.role is Role.MARKETING:
            return True
        return principal.role is Role.AUDITOR and (
            principal.staff_id in plan.auditor_ids or principal.staff_id == plan.created_by
        )

    def _plan(self, plan_id: int) -> AuditPlanInfo:
        plan = self._audits.get_plans([plan_id])[0]
        if not self._visible(plan):
            raise NotFound("audit plan", field=("plan_id",))
        assert plan is not None
        return plan

    def _assigned(self, plan: AuditPlanInfo, action: str) -> Principal:
        principal = self._auditor(action)
        if principal.staff_id not in plan.auditor_ids:
            raise Forbidden(f"{action} (the plan is assigned to other auditors)")
        return principal

    # -- reading --------------------------------------------------------------------------

    def by_ids(self, ids: Sequence[int]) -> list[AuditPlanInfo | None]:
        """Plans by id; ``None`` where missing or not the caller's to see."""
        if self._principal is None or self._principal.role not in _AUDITORS:
            return [None] * len(ids)
        return [p if self._visible(p) else None for p in self._audits.get_plans(ids)]

    def plans(self, page: PageRequest) -> Page[AuditPlanInfo]:
        """Marketing sees every plan, an auditor the plans assigning them; others none."""
        principal = signed_in(self._principal)
        if principal.role not in _AUDITORS:
            return empty_page(page)  # type: ignore[return-value]
        auditor = None if principal.role is Role.MARKETING else principal.staff_id
        return self._audits.plan_page(auditor_id=auditor, **page.keys)

    def records(self, plan_id: int) -> list[AuditRecordInfo]:
        """The records of a plan the caller may see."""
        self._plan(plan_id)
        return self._audits.records_of([plan_id])

    def records_by_ids(self, ids: Sequence[int]) -> list[AuditRecordInfo | None]:
        """Records by id; ``None`` where missing or on a plan the caller may not see."""
        if self._principal is None or self._principal.role not in _AUDITORS:
            return [None] * len(ids)
        records = self._audits.get_records(ids)
        plans = {
            p.id: p
            for p in self._audits.get_plans(sorted({r.plan_id for r in records if r}))
            if p is not None
        }
        return [
            r if r is not None and self._visible(plans.get(r.plan_id)) else None for r in records
        ]

    # -- creating -------------------------------------------------------------------------

    def _scope_managers(self, command: AuditPlanCreate) -> list[int]:
        ids: set[int] = set()
        if command.department_id is not None:
            found = self._managers.ids_in_department(command.department_id)
            if not found:
                raise InvalidInput(
                    "the department has no account managers", field=("department_id",)
                )
            ids.update(found)
        if command.manager_ids:
            managers = self._managers.get_many(list(command.manager_ids))
            unknown = Problems()
            for index, manager in enumerate(managers):
                if manager is None:
                    unknown.add(
                        ("manager_ids", index), "no such account manager", ErrorCode.NOT_FOUND
                    )
            unknown.raise_if_any()
            ids = (
                ids & set(command.manager_ids)
                if command.department_id
                else set(command.manager_ids)
            )
            if not ids:
                raise InvalidInput("none of them is in the department", field=("manager_ids",))
        return sorted(ids)

    def _candidates(self, command: AuditPlanCreate) -> tuple[list[int], list[Retailer]]:
        """The managers in scope and their active retailers (in the area, if one is given)."""
        if command.department_id is None and not command.manager_ids and not command.area_code:
            raise InvalidInput("say what to audit: a department, managers or an area")
        manager_ids = self._scope_managers(command)
        where = RetailerFilter(manager_ids=manager_ids or None, statuses=(RetailerStatus.ACTIVE,))
        found: list[Retailer] = []
        after: int | None = None
        while True:
            page = self._retailers.page(where, first=500, after=after)
            found += [r for _, r in page.items]
            if not page.has_next:
                break
            after = page.items[-1][0]
        chosen = [
            r
            for r in found
            if r.manager_id is not None
            and (command.area_code is None or r.area_code == command.area_code)
        ]
        if not chosen:
            raise InvalidInput("no active retailer with a manager in the audit's scope")
        return manager_ids, chosen

    def _risk(
        self, retailers: Sequence[Retailer], now: datetime, last: Mapping[int, date]
    ) -> dict[int, float]:
        manager_ids = sorted({r.manager_id for r in retailers if r.manager_id is not None})
        visits = self._activity.visits(manager_ids, now - _RISK_LOOKBACK, now)
        total: dict[int, int] = {}
        verified: dict[int, int] = {}
        for v in visits:
            total[v.retailer_id] = total.get(v.retailer_id, 0) + 1
            if v.verdict is Verdict.IN_PLACE:
                verified[v.retailer_id] = verified.get(v.retailer_id, 0) + 1
        complaints: dict[int, int] = {}
        for event in self._evaluations.events(
            manager_ids,
            local_day(now - _RISK_LOOKBACK),
            local_day(now),
            kinds=(ScoreEventKind.COMPLAINT,),
        ):
            rid = event.details.get("retailer_id")
            if isinstance(rid, int):
                complaints[rid] = complaints.get(rid, 0) + 1
        today = local_day(now)
        return {
            r.id: audits.risk_weight(
                verified_share=verified.get(r.id, 0) / total[r.id] if total.get(r.id) else 0.0,
                recent_complaints=complaints.get(r.id, 0),
                days_since_audit=None if r.id not in last else max(0, (today - last[r.id]).days),
            )
            for r in retailers
        }

    def _team(self, command: AuditPlanCreate, principal: Principal) -> tuple[int, ...]:
        team = tuple(dict.fromkeys(command.auditor_ids)) or (principal.staff_id,)
        staff_by_id = dict(zip(team, self._staff.get_many(list(team)), strict=True))
        found = Problems()
        for index, staff_id in enumerate(command.auditor_ids):
            staff = staff_by_id[staff_id]
            if staff is None or not staff.active or staff.role not in _AUDITORS:
                found.add(("auditor_ids", index), "not an active auditor")
        found.raise_if_any()
        return team

    def _check_plan_date(self, plan_date: date, manager_ids: Sequence[int], now: datetime) -> None:
        """A plan is for today or later, and never for a month already closed (issue 15)."""
        today = local_day(now)
        found = Problems()
        if plan_date < today:
            found.add(("plan_date",), f"{plan_date} is in the past (today is {today})")
        if plan_date > today + timedelta(days=MAX_PLAN_DAYS_AHEAD):
            found.add(("plan_date",), f"plan at most {MAX_PLAN_DAYS_AHEAD} days ahead")
        month = plan_date.strftime("%Y-%m")
        if self._evaluations.closed_managers(PeriodKind.MONTH, month, manager_ids):
            found.add(
                ("plan_date",),
                f"{month} is closed for managers in the audit's scope",
                ErrorCode.CONFLICT,
            )
        found.raise_if_any()

    async def create(self, command: AuditPlanCreate) -> AuditPlanInfo:
        """Draw the sample (stored seed), route it and store the plan."""
        principal = self._auditor("create audit plans")
        team = self._team(command, principal)
        geo_check(command.start_lat, command.start_lon)
        if not 0 <= command.start_time_s < 86_400:
            raise InvalidInput("the start time must be within the day", field=("start_time_s",))
        now = self._clock()
        manager_ids, retailers = self._candidates(command)
        self._check_plan_date(
            command.plan_date, sorted({r.manager_id for r in retailers if r.manager_id}), now
        )
        design = sample_design(command.design)
        last = self._audits.last_audited_on([r.id for r in retailers])
        risk = self._risk(retailers, now, last) if design.weighted else {}
        candidates = [
            audits.Candidate(
                retailer_id=str(r.id),
                manager_id=str(r.manager_id),
                grade=str(r.grade),
                business_type=r.business_type.value,
                last_audited_on=last.get(r.id),
                risk_weight=risk.get(r.id, 1.0),
            )
            for r in retailers
        ]
        seed = self._new_seed() if command.seed is None else command.seed
        try:
            sample = audits.draw_sample(candidates, design, seed=seed, plan_date=command.plan_date)
        except audits.AuditError as exc:
            raise InvalidInput(str(exc), field=("design",)) from exc
        if len(sample.selected) > MAX_AUDIT_STOPS:
            raise InvalidInput(
                f"an audit plan holds at most {MAX_AUDIT_STOPS} retailers", field=("design",)
            )
        by_id = {r.id: r for r in retailers}
        drawn = {int(s.retailer_id): s.stratum for s in sample.selected}
        routed = await route_audit_day(
            command.start_lat,
            command.start_lon,
            [by_id[i] for i in drawn],
            day=command.plan_date,
            start_time_s=command.start_time_s,
            routing=self._routing,
            barriers=city_barriers(self._session),
        )
        plan_id = self._audits.add_plan(
            AuditPlanDraft(
                plan_date=command.plan_date,
                seed=seed,
                design=design_json(design),
                inputs_digest=sample.inputs_digest,
                department_id=command.department_id,
                area_code=command.area_code,
                manager_ids=manager_ids,
                auditor_ids=team,
                start_lat=command.start_lat,
                start_lon=command.start_lon,
                start_label=command.start_label,
                method=routed.method,
                proven_optimal=routed.proven_optimal,
                gap=routed.gap,
                length_m=routed.length_m,
                duration_s=routed.duration_s,
                baseline_length_m=routed.baseline_length_m,
                optimised_against=routed.optimised_against,
                sample=sample_json(sample),
                created_by=principal.staff_id,
                created_at=now,
            ),
            stop_drafts(routed, drawn),
        )
        return self._plan(plan_id)

    # -- adjusting ------------------------------------------------------------------------

    async def adjust(self, command: AuditPlanAdjust) -> AuditPlanInfo:
        """Record manual additions/removals (author, reason, time) and re-route the plan."""
        plan = self._plan(command.plan_id)
        principal = signed_in(self._principal)
        if principal.role is not Role.MARKETING:  # marketing oversees every plan
            principal = self._assigned(plan, "adjust this audit plan")
        if plan.status is not AuditPlanStatus.OPEN:
            raise InvalidInput(
                "the audit plan is completed; it can no longer be changed",
                field=("plan_id",),
                code=ErrorCode.CONFLICT,
            )
        found = Problems()
        reason = command.reason.strip()
        if not reason:
            found.add(("reason",), "say why the plan is changed")
        if not command.add and not command.remove:
            found.add((), "add or remove at least one retailer")
        audited = {r.retailer_id for r in self._audits.records_of([plan.id])}
        for index, retailer_id in enumerate(command.remove):
            if retailer_id in command.add:
                found.add(("remove", index), "a retailer cannot be added and removed at once")
            elif retailer_id in audited:
                found.add(("remove", index), "an audited retailer cannot be removed from the plan")
        added = self._retailers.get_many(list(command.add))
        for index, retailer in enumerate(added):
            if retailer is None or retailer.status is not RetailerStatus.ACTIVE:
                found.add(("add", index), "not an active retailer")
            elif retailer.manager_id is None:
                found.add(("add", index), "this retailer has no account manager")
        found.raise_if_any()
        pure = pure_plan(plan)
        at = self._clock()
        edits: list[tuple[AuditEditAction, int, datetime]] = []
        for action, ids in (
            (AuditEditAction.REMOVE, command.remove),
            (AuditEditAction.ADD, command.add),
        ):
            for retailer_id in ids:
                last = pure.edits[-1].at if pure.edits else pure.created_at
                at = max(at, last + timedelta(microseconds=1))
                try:
                    pure = pure.with_edit(
                        audits.PlanEdit(
                            audits.EditAction(action.value.lower()),
                            str(retailer_id),
                            str(principal.staff_id),
                            reason,
                            at,
                        )
                    )
                except audits.AuditError as exc:
                    where = ("add" if action is AuditEditAction.ADD else "remove",)
                    raise InvalidInput(str(exc), field=where) from exc
                edits.append((action, retailer_id, at))
        current = [int(i) for i in pure.retailer_ids]
        if len(current) > MAX_AUDIT_STOPS:
            raise InvalidInput(
                f"an audit plan holds at most {MAX_AUDIT_STOPS} retailers", field=("add",)
            )
        if not current:
            raise InvalidInput("an audit plan needs at least one retailer", field=("remove",))
        retailers = [r for r in self._retailers.get_many(current) if r is not None]
        routed = await route_audit_day(
            plan.start_lat,
            plan.start_lon,
            retailers,
            day=plan.plan_date,
            start_time_s=int(plan.optimised_against.get("start_time_s", 9 * 3600)),
            routing=self._routing,
            barriers=city_barriers(self._session),
        )
        strata = {s.retailer_id: s.stratum for s in plan.stops}
        drawn = {int(s.retailer_id): s.stratum for s in pure.sample.selected}
        for action, retailer_id, when in edits:
            self._audits.add_edit(
                plan.id,
                action=action,
                retailer_id=retailer_id,
                author_id=principal.staff_id,
                reason=reason,
                at=when,
            )
        self._audits.replace_route(
            plan.id,
            stop_drafts(routed, drawn, strata),
            method=routed.method,
            proven_optimal=routed.proven_optimal,
            gap=routed.gap,
            length_m=routed.length_m,
            duration_s=routed.duration_s,
            baseline_length_m=routed.baseline_length_m,
            optimised_against=routed.optimised_against,
        )
        return self._plan(plan.id)

    # -- recording ------------------------------------------------------------------------

    def submit(self, command: AuditRecordSubmit) -> AuditRecordInfo:
        """Store one retailer's audit with the auditor's own verified position."""
        plan = self._plan(command.plan_id)
        principal = self._assigned(plan, "record audits on this plan")
        stop = next((s for s in plan.stops if s.retailer_id == command.retailer_id), None)
        if stop is None:
            raise InvalidInput("the retailer is not on this audit plan", field=("retailer_id",))
        if any(r.retailer_id == command.retailer_id for r in self._audits.records_of([plan.id])):
            raise InvalidInput(
                "this retailer is already audited on this plan",
                field=("retailer_id",),
                code=ErrorCode.DUPLICATE,
            )
        if not 1 <= command.satisfaction <= 5:
            raise InvalidInput(
                f"satisfaction must be 1..5, got {command.satisfaction}", field=("satisfaction",)
            )
        retailer = self._retailers.get_many([command.retailer_id])[0]
        assert retailer is not None  # on the plan, kept by RESTRICT
        now = self._clock()
        event_at = event_time(command.device_time, now, field=("device_time",))
        audited_on = local_day(event_at)
        if not plan.plan_date <= audited_on <= plan.plan_date + timedelta(days=RECORD_GRACE_DAYS):
            raise InvalidInput(
                f"the plan is for {plan.plan_date}: record its audits from that day to "
                f"{plan.plan_date + timedelta(days=RECORD_GRACE_DAYS)} (or draw a new plan)"
            )
        try:
            pure = audits.AuditRecord(
                audit_id="new",
                plan_id=str(plan.id),
                retailer_id=str(retailer.id),
                manager_id=str(stop.manager_id),
                auditor_id=str(principal.staff_id),
                audited_on=local_day(event_at),
                recorded_at=now,
                price_tags_shown=command.price_tags_shown,
                policy_promoted=command.policy_promoted,
                satisfaction=command.satisfaction,
                manager_visited=audits.VisitAnswer(command.manager_visited.value.lower()),
                notes=command.notes,
                audited_at=event_at,
            )
        except audits.AuditError as exc:
            raise InvalidInput(str(exc)) from exc
        fix = to_geo_fix(command.fix, field=("fix",))
        verdict = verify_position(fix, retailer, self._policy, now=now, event_at=event_at)
        record_id = self._audits.add_record(
            AuditRecordDraft(
                plan_id=plan.id,
                retailer_id=retailer.id,
                manager_id=stop.manager_id,
                auditor_id=principal.staff_id,
                audited_on=pure.audited_on,
                recorded_at=now,
                price_tags_shown=pure.price_tags_shown,
                policy_promoted=pure.policy_promoted,
                satisfaction=pure.satisfaction,
                manager_visited=command.manager_visited,
                notes=pure.notes,
                auditor_verdict=Verdict(verdict.kind.value),
                auditor_distance_m=verdict.distance_m,
                fix_lat=None if command.fix is None else command.fix.lat,
                fix_lon=None if command.fix is None else command.fix.lon,
                fix_coordinate_system=(
                    None if command.fix is None else CoordinateSystem(command.fix.coordinate_system)
                ),
                fix_accuracy_m=None if command.fix is None else command.fix.accuracy_m,
                fix_captured_at=None if command.fix is None else command.fix.captured_at,
                auditor_evidence=verdict_json(verdict),
                audited_at=event_at,
            )
        )
        audited = {r.retailer_id for r in self._audits.records_of([plan.id])}
        if all(s.retailer_id in audited for s in plan.stops):
            self._audits.set_status(plan.id, AuditPlanStatus.COMPLETED)
        record = self._audits.get_records([record_id])[0]
        assert record is not None
        return record

    # -- cross-check ----------------------------------------------------------------------

    def cross_check(
        self, plan_id: int, first_day: date | None = None, last_day: date | None = None
    ) -> audits.CrossCheckResult:
        """Compare the plan's records with the managers' visits in the period (R5.4).

        The period defaults to the 30 days ending on the last audit's day (the plan date if
        none yet); only visits that started before each audit count against its answer. Ids
        in the result are the database ids as text (audit = record id, visit = visit id).
        """
        return self._cross_check(self._plan(plan_id), first_day, last_day)[0]

    def _cross_check(
        self, plan: AuditPlanInfo, first_day: date | None, last_day: date | None
    ) -> tuple[audits.CrossCheckResult, list[audits.AuditRecord]]:
        """The cross-check and the plan's records it was made from."""
        records = self._audits.records_of([plan.id])
        last = last_day or max([plan.plan_date, *(r.audited_on for r in records)])
        first = first_day or last - timedelta(days=29)
        if last < first:
            raise InvalidInput(
                f"the last day {last} is before the first {first}", field=("last_day",)
            )
        if (last - first).days > 366:
            raise InvalidInput("the period may span at most a year", field=("first_day",))
        pure_records = [pure_record(r) for r in records]
        manager_ids = sorted({r.manager_id for r in records})
        visits = self._activity.visits(
            manager_ids, local_midnight(first), local_midnight(last + timedelta(days=1))
        )
        evidence = [
            audits.VisitEvidence(
                str(v.visit_id),
                str(v.manager_id),
                str(v.retailer_id),
                local_day(v.at),
                _PROOF[v.verdict],
                v.at,
            )
            for v in visits
        ]
        try:
            result = audits.cross_check(pure_records, evidence, first_day=first, last_day=last)
        except audits.AuditError as exc:
            raise InvalidInput(str(exc)) from exc
        return result, pure_records

    def record_findings(
        self, plan_id: int, first_day: date | None = None, last_day: date | None = None
    ) -> list[int]:
        """Turn the cross-check into AUDIT_FINDING score events (idempotent); return new ids.

        Each finding is dated on its audit's day. One whose auditor's own position was not
        verified in place is held for marketing's review; one for a month already closed for
        the manager is a pending amendment proposal (see ``evaluations.findings``).
        """
        plan = self._plan(plan_id)
        principal = signed_in(self._principal)
        if principal.role is not Role.MARKETING:
            self._assigned(plan, "record audit findings")
        result, records = self._cross_check(plan, first_day, last_day)
        now = self._clock()
        findings = audits.findings_from(
            result, records, recorded_by=str(principal.staff_id), recorded_at=now
        )
        stored = {r.id: r for r in self._audits.records_of([plan.id])}
        keys = {finding_key(int(f.audit_id), f.kind) for f in findings}
        known = self._evaluations.existing_source_keys(keys)
        closed: dict[tuple[int, str], bool] = {}
        drafts = []
        for f in findings:
            record = stored[int(f.audit_id)]
            if finding_key(record.id, f.kind) in known:
                continue
            month = record.audited_on.strftime("%Y-%m")
            if (record.manager_id, month) not in closed:
                closed[(record.manager_id, month)] = bool(
                    self._evaluations.closed_managers(PeriodKind.MONTH, month, [record.manager_id])
                )
            drafts.append(
                finding_draft(
                    record,
                    f.kind,
                    recorded_by=principal.staff_id,
                    now=now,
                    month_closed=closed[(record.manager_id, month)],
                )
            )
        return self._evaluations.add_events(drafts)
