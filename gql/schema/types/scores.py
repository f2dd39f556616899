"""Score events, monthly scores with provenance, closed results with history, boards (R7).

Every result carries why as typed fields (``explanation``: lines, flags with their reasons,
monthly totals, eligibility); scores are rounded to the policy's ``ranking.score_decimals``;
money is a decimal string with its currency. The JSON fields of the first release stay,
deprecated, for one release.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.scalars import JSON

from gql.context import Context
from gql.domain import MonthlyTarget
from gql.domain.evaluations import GoalInfo, ScoreEventInfo
from gql.schema.relay import Node, decode_global_id
from gql.schema.scalars import as_json
from gql.schema.types.audit_enums import (
    AuditFindingKindEnum,
    BreachKindEnum,
    CareerChannelEnum,
    DirectionEnum,
    DismissalReasonEnum,
    PeriodKindEnum,
    QuadrantEnum,
    ScoreEventKindEnum,
    ScorePartEnum,
    TrainingKindEnum,
    VetoKindEnum,
)
from gql.schema.types.audits import gid
from gql.schema.types.directory import DepartmentType, ManagerType
from gql.schema.types.enums import RoleEnum
from gql.schema.types.money import Money, money_from_yuan
from gql.schema.types.score_enums import (
    HonourEnum,
    RankScopeEnum,
    SalesItemKind,
    ScoreEventStatusEnum,
    ScoreFlagKindEnum,
)
from gql.services.evaluations import rules as scoring
from gql.services.evaluations.explanations import Explanation, FlagView, LineView, SalesItem
from gql.services.evaluations.performance import GoalView
from gql.services.evaluations.results import ResultView

if TYPE_CHECKING:
    from gql.domain import Staff
    from gql.domain.evaluations import ReopeningInfo, ReviewInfo
    from gql.services.evaluations.boards import Scoreboard
    from gql.services.evaluations.closing import OverdueReview
    from gql.services.evaluations.service import MonthView

__all__ = [
    "ActorType",
    "ClassificationType",
    "EvaluationResultType",
    "EvaluationReviewType",
    "GoalType",
    "LeaderboardEntryType",
    "MonthlyScoreType",
    "OverdueReviewType",
    "ReopeningType",
    "SalesTargetType",
    "ScoreEventType",
    "ScoreboardType",
    "SupervisorDeductionType",
]

Info = strawberry.Info[Context, None]


async def _manager(info: Info, manager_id: strawberry.ID) -> ManagerType | None:
    """The referenced manager through the batching loader; null if outside the caller's scope."""
    return ManagerType.maybe(
        await info.context.loaders.managers.load(decode_global_id(manager_id)[1])
    )


async def _department(info: Info, department_id: strawberry.ID) -> DepartmentType | None:
    """The referenced department through the batching loader."""
    department = await info.context.loaders.departments.load(decode_global_id(department_id)[1])
    return None if department is None else DepartmentType.from_domain(department)


_JSON_GONE = "typed fields replace this JSON blob (issue 15); it goes in the next release"


def _round(value: float, decimals: int) -> float:
    return round(float(value), decimals)


def _decimals(info: Info) -> int:
    decimals: int = info.context.evaluations.policy.ranking.score_decimals
    return decimals


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@strawberry.type(name="Actor", description="Who did something: a staff member's name and role.")
class ActorType:
    """The recorder, decider, closer or author of an evaluation fact."""

    staff_id: strawberry.ID = strawberry.field(description="Staff ID.")
    name: str = strawberry.field(description="Name.")
    role: RoleEnum = strawberry.field(description="Role when read.")

    @classmethod
    def of(cls, staff: Staff) -> ActorType:
        """Map a staff record."""
        return cls(staff_id=gid("Staff", staff.id), name=staff.name, role=staff.role)


def _actor(info: Info, staff_id: int | None) -> ActorType | None:
    """The staff member, or ``None`` (staff rows are never deleted: RESTRICT)."""
    if staff_id is None:
        return None
    found = info.context.evaluations.people([staff_id]).get(staff_id)
    return None if found is None else ActorType.of(found)


@strawberry.type(name="SalesItem", description="One settled sales item: target, actual, points.")
class SalesItemType:
    """Exact figures: cartons as integers, amounts as money."""

    item: SalesItemKind = strawberry.field(description="Which item.")
    target_cartons: int | None = strawberry.field(description="Volume target (cartons).")
    actual_cartons: int | None = strawberry.field(description="Volume sold (cartons).")
    target_amount: Money | None = strawberry.field(description="Amount target.")
    actual_amount: Money | None = strawberry.field(description="Amount sold.")
    points: float = strawberry.field(description="The item's share of the business part.")
    completion: float = strawberry.field(description="Actual over target (1.0 = met), 4 decimals.")

    @classmethod
    def from_domain(cls, s: SalesItem) -> SalesItemType:
        """Map the service's figures."""
        volume = s.item == SalesItemKind.VOLUME_CARTONS.value
        return cls(
            item=SalesItemKind(s.item),
            target_cartons=int(s.target) if volume else None,
            actual_cartons=int(s.actual) if volume else None,
            target_amount=None if volume else money_from_yuan(s.target),
            actual_amount=None if volume else money_from_yuan(s.actual),
            points=s.points,
            completion=round(s.completion, 4),
        )


@strawberry.type(name="ScoreEventDetail", description="The fields of an input, by its kind.")
class ScoreEventDetailType:
    """Only the fields of the event's kind are set."""

    breach: BreachKindEnum | None = strawberry.field(description="RULE_BREACH: which.")
    subjective: bool | None = strawberry.field(description="COMPLAINT: subjective cause.")
    retailer_id: strawberry.ID | None = strawberry.field(description="COMPLAINT: the retailer.")
    days: int | None = strawberry.field(description="LEAVE: days in one go.")
    item: str | None = strawberry.field(description="BASIC_WORK_CHECK: the item.")
    passed: bool | None = strawberry.field(description="BASIC_WORK_CHECK or PRACTICAL: passed.")
    training: TrainingKindEnum | None = strawberry.field(description="TRAINING_RESULT: which.")
    exam_score: float | None = strawberry.field(description="EXAM: score of 100.")
    veto: VetoKindEnum | None = strawberry.field(description="COMPLIANCE_VETO: which item.")
    bad_effect: bool | None = strawberry.field(description="COMPLIANCE_VETO: bad effect.")
    finding: AuditFindingKindEnum | None = strawberry.field(description="AUDIT_FINDING: what.")
    audit_record_id: strawberry.ID | None = strawberry.field(
        description="AUDIT_FINDING: the AuditRecord it cites."
    )
    audit_plan_id: strawberry.ID | None = strawberry.field(
        description="AUDIT_FINDING: the AuditPlan of that record."
    )
    settlement: SalesItemType | None = strawberry.field(description="SALES_SETTLEMENT figures.")
    note: str | None = strawberry.field(description="Free text kept with the event.")

    @classmethod
    def from_details(cls, d: dict[str, Any]) -> ScoreEventDetailType:
        """Map stored details (snake_case, raw ids) to typed fields with global IDs."""

        def enum_of(kind: Any, key: str) -> Any:
            return None if d.get(key) is None else kind(d[key])

        settlement = None
        if "target" in d and "actual" in d and "item" in d:
            target, actual = float(d["target"]), float(d["actual"])
            volume = d["item"] == SalesItemKind.VOLUME_CARTONS.value
            step = Decimal(1) if volume else Decimal("0.01")
            settlement = SalesItemType.from_domain(
                SalesItem(
                    d["item"],
                    Decimal(repr(target)).quantize(step),
                    Decimal(repr(actual)).quantize(step),
                    float(d["points"]),
                    actual / target if target else 0.0,
                )
            )
        return cls(
            breach=enum_of(scoring.BreachKind, "breach"),
            subjective=d.get("subjective"),
            retailer_id=None if d.get("retailer_id") is None else gid("Retailer", d["retailer_id"]),
            days=d.get("days"),
            item=None if settlement is not None else d.get("item"),
            passed=d.get("passed"),
            training=enum_of(scoring.TrainingKind, "training"),
            exam_score=d.get("exam_score"),
            veto=enum_of(scoring.VetoKind, "veto"),
            bad_effect=d.get("bad_effect"),
            finding=enum_of(scoring.AuditFindingKind, "finding"),
            audit_record_id=None
            if d.get("audit_id") is None
            else gid("AuditRecord", d["audit_id"]),
            audit_plan_id=None if d.get("plan_id") is None else gid("AuditPlan", d["plan_id"]),
            settlement=settlement,
            note=d.get("note"),
        )


@strawberry.type(name="ScoreEvent", description="One recorded input of the evaluation.")
class ScoreEventType(Node):
    """An input with who recorded it and when, and where it is in its life."""

    manager_id: strawberry.ID = strawberry.field(description="The manager it is about.")
    kind: ScoreEventKindEnum = strawberry.field(description="What kind of input.")
    occurred_on: dt.date = strawberry.field(description="When it happened (decides the month).")
    recorded_by: strawberry.ID = strawberry.field(description="Who recorded it (Staff ID).")
    recorded_at: dt.datetime = strawberry.field(description="When it was recorded.")
    status: ScoreEventStatusEnum = strawberry.field(description="Only RECORDED inputs count.")
    status_reason: str | None = strawberry.field(
        description="Why it is HELD or PROPOSED (e.g. the auditor was not verified in place)."
    )
    decided_by: strawberry.ID | None = strawberry.field(
        description="Who retracted, accepted or rejected it (Staff ID)."
    )
    decided_at: dt.datetime | None = strawberry.field(description="When.")
    decision_reason: str | None = strawberry.field(description="Why.")
    detail: ScoreEventDetailType = strawberry.field(description="The fields of its kind.")
    details: JSON = strawberry.field(
        description="The fields of its kind, as stored.", deprecation_reason=_JSON_GONE
    )
    _recorded_by: strawberry.Private[int]
    _decided_by: strawberry.Private[int | None]

    @strawberry.field(description="Who recorded it: name and role.")
    def recorder(self, info: Info) -> ActorType | None:
        """The recorder."""
        return _actor(info, self._recorded_by)

    @strawberry.field(description="Who retracted, accepted or rejected it.")
    def decider(self, info: Info) -> ActorType | None:
        """The decider, if any."""
        return _actor(info, self._decided_by)

    @classmethod
    def from_domain(cls, event: ScoreEventInfo) -> ScoreEventType:
        """Map a stored event."""
        return cls(
            id=gid("ScoreEvent", event.id),
            manager_id=gid("Manager", event.manager_id),
            kind=event.kind,
            occurred_on=event.occurred_on,
            recorded_by=gid("Staff", event.recorded_by),
            recorded_at=event.recorded_at,
            status=event.status,
            status_reason=event.status_reason,
            decided_by=None if event.decided_by is None else gid("Staff", event.decided_by),
            decided_at=event.decided_at,
            decision_reason=event.decision_reason,
            detail=ScoreEventDetailType.from_details(dict(event.details)),
            details=as_json(dict(event.details)),
            _recorded_by=event.recorded_by,
            _decided_by=event.decided_by,
        )


@strawberry.type(name="ScoreLine", description="One traceable contribution to a monthly score.")
class ScoreLineType:
    """A line of the breakdown, citing the rule and what caused it."""

    part: ScorePartEnum = strawberry.field(description="Which part it belongs to.")
    rule: str = strawberry.field(description="The rule applied (see docs/scoring.md).")
    points: float = strawberry.field(description="Effect on the part's own scale.")
    weighted_points: float = strawberry.field(description="Effect on the 100-point total.")
    event_ids: list[strawberry.ID] = strawberry.field(
        description="The recorded ScoreEvents that caused it; empty for a full-marks line, a "
        "settlement not recorded yet (see sales) or an amendment (see amendmentId)."
    )
    note: str = strawberry.field(description="In words.")
    sales: SalesItemType | None = strawberry.field(description="A business line's figures.")
    amendment_version: int | None = strawberry.field(
        description="The history version (EvaluationResult.history.number) of the amendment "
        "behind an `amendment` line."
    )

    @strawberry.field(description="The ScoreEvents behind the line (those you may read).")
    def events(self, info: Info) -> list[ScoreEventType]:
        """Resolve ``eventIds``."""
        found = info.context.evaluations.events_by_ids(list(self._event_pks))
        return [ScoreEventType.from_domain(e) for e in found if e is not None]

    _event_pks: strawberry.Private[tuple[int, ...]]

    @classmethod
    def from_domain(cls, line: LineView, decimals: int) -> ScoreLineType:
        """Map a service line."""
        return cls(
            part=line.part,
            rule=line.rule,
            points=_round(line.points, decimals),
            weighted_points=_round(line.weighted_points, decimals),
            event_ids=[gid("ScoreEvent", e) for e in line.event_ids],
            note=line.note,
            sales=None if line.sales is None else SalesItemType.from_domain(line.sales),
            amendment_version=line.amendment_version,
            _event_pks=line.event_ids,
        )


@strawberry.type(name="Dismissal", description="A dismissal flag and the events that raised it.")
class DismissalType:
    """One flag."""

    reason: DismissalReasonEnum = strawberry.field(description="Which rule raised it.")
    event_ids: list[strawberry.ID] = strawberry.field(description="ScoreEvent IDs.")


def _dismissals(items: tuple[scoring.Dismissal, ...]) -> list[DismissalType]:
    return [
        DismissalType(
            reason=d.reason, event_ids=[gid("ScoreEvent", e) for e in d.event_ids if e.isdigit()]
        )
        for d in items
    ]


@strawberry.type(name="ScoreFlag", description="A flag of a result and why it is raised.")
class ScoreFlagType:
    """Machine-readable kind and reason, words, events and months."""

    flag: ScoreFlagKindEnum = strawberry.field(description="What is flagged.")
    reason: str = strawberry.field(
        description="The rule that raised it, e.g. breach_limit, lowest_quarterly_total, "
        "void_month, model_worker (see docs/scoring.md), or `amendment`."
    )
    note: str = strawberry.field(description="In words.")
    event_ids: list[strawberry.ID] = strawberry.field(description="ScoreEvents behind it.")
    months: list[str] = strawberry.field(description="Months behind it (2026-10).")

    @classmethod
    def from_domain(cls, f: FlagView) -> ScoreFlagType:
        """Map a service flag."""
        return cls(
            flag=f.flag,
            reason=f.reason,
            note=f.note,
            event_ids=[gid("ScoreEvent", e) for e in f.event_ids],
            months=list(f.months),
        )


@strawberry.type(name="MonthTotal", description="One month's total inside a quarter or year.")
class MonthTotalType:
    """A month and its total."""

    month: str = strawberry.field(description="2026-10.")
    total: float = strawberry.field(description="Monthly total (0 when void).")


@strawberry.type(
    name="ResultExplanation",
    description="Why a result is what it is: lines, flags and reasons, months behind it.",
)
class ExplanationType:
    """Typed provenance of a month, quarter or year."""

    lines: list[ScoreLineType] = strawberry.field(
        description="A month's lines (they add up to its total, amendments included)."
    )
    flags: list[ScoreFlagType] = strawberry.field(description="Every flag with its reason.")
    monthly_totals: list[MonthTotalType] = strawberry.field(
        description="A quarter's or year's months and their totals."
    )
    review_deadline: dt.date | None = strawberry.field(
        description="Last day of the review meeting (months and quarters)."
    )
    scope: RankScopeEnum | None = strawberry.field(
        description="The population a quarter or year was ranked in."
    )
    honour_rank: int | None = strawberry.field(
        description="A year's rank among the managers eligible for honours."
    )

    @classmethod
    def from_domain(cls, e: Explanation, decimals: int) -> ExplanationType:
        """Map a service explanation."""
        return cls(
            lines=[ScoreLineType.from_domain(line, decimals) for line in e.lines],
            flags=[ScoreFlagType.from_domain(f) for f in e.flags],
            monthly_totals=[
                MonthTotalType(month=m, total=_round(t, decimals)) for m, t in e.monthly_totals
            ],
            review_deadline=e.review_deadline,
            scope=e.scope,
            honour_rank=e.honour_rank,
        )


@strawberry.type(
    name="ResultValues", description="A result's values; fields not of its kind are null."
)
class ResultValuesType:
    """Typed values of a month, quarter or year (scores rounded to the policy's decimals)."""

    policy_version: str | None = strawberry.field(description="Scoring policy version.")
    business: float | None = strawberry.field(description="Month: business part, 0-100.")
    discipline: float | None = strawberry.field(description="Month: discipline, 0-40.")
    basic_work: float | None = strawberry.field(description="Month: basic work, 0-40.")
    training: float | None = strawberry.field(description="Month: training, 0-20.")
    total: float | None = strawberry.field(description="The total (derived by the policy).")
    void_by_veto: bool | None = strawberry.field(description="Month: void by a veto.")
    dismissal_flag: bool | None = strawberry.field(description="Month: a dismissal flag.")
    honours_lost: bool | None = strawberry.field(description="Month: honours lost.")
    target_missed: bool | None = strawberry.field(description="Month: target missed.")
    no_target: bool | None = strawberry.field(description="Month: no target was set.")
    rank: int | None = strawberry.field(description="Quarter, year: rank at closing.")
    months_served: int | None = strawberry.field(description="Quarter, year: months served.")
    provisional: bool | None = strawberry.field(description="Quarter: ranked, not cut.")
    eliminated: bool | None = strawberry.field(description="Quarter: flagged for elimination.")
    eligible: bool | None = strawberry.field(description="Year: eligible for honours.")
    honour: HonourEnum | None = strawberry.field(description="Year: the honour, if any.")

    @classmethod
    def of(cls, values: dict[str, Any], decimals: int) -> ResultValuesType:
        """Map stored values (unknown keys are ignored)."""

        def number(key: str) -> float | None:
            v = values.get(key)
            if isinstance(v, bool) or not isinstance(v, int | float):
                return None
            return _round(v, decimals)

        def flag(key: str) -> bool | None:
            v = values.get(key)
            return v if isinstance(v, bool) else None

        def integer(key: str) -> int | None:
            v = values.get(key)
            return v if isinstance(v, int) and not isinstance(v, bool) else None

        honour = values.get("honour")
        version = values.get("policy_version")
        return cls(
            policy_version=None if version is None else str(version),
            business=number("business"),
            discipline=number("discipline"),
            basic_work=number("basic_work"),
            training=number("training"),
            total=number("total"),
            void_by_veto=flag("void_by_veto"),
            dismissal_flag=flag("dismissal_flag"),
            honours_lost=flag("honours_lost"),
            target_missed=flag("target_missed"),
            no_target=flag("no_target"),
            rank=integer("rank"),
            months_served=integer("months_served"),
            provisional=flag("provisional"),
            eliminated=flag("eliminated"),
            eligible=flag("eligible"),
            honour=None if honour is None else scoring.Honour(honour),
        )


@strawberry.type(
    name="ManagerMonthScore", description="A manager's monthly score with breakdown (R7.1-R7.3)."
)
class MonthlyScoreType:
    """Closed (values as amended) or a preview from the events so far."""

    manager_id: strawberry.ID = strawberry.field(description="The manager.")
    month: str = strawberry.field(description="The month, 2026-10.")
    closed: bool = strawberry.field(description="Closed by marketing (values as amended).")
    result_id: strawberry.ID | None = strawberry.field(description="The closed result, if any.")
    business: float = strawberry.field(description="Business part, 0-100 (weight 60%).")
    discipline: float = strawberry.field(description="Discipline, 0-40.")
    basic_work: float = strawberry.field(description="Basic work, 0-40.")
    training: float = strawberry.field(description="Training, 0-20.")
    total: float = strawberry.field(description="Monthly total, 0-100 (0 when void by veto).")
    void_by_veto: bool = strawberry.field(description="A compliance veto voided the month.")
    dismissal_flag: bool = strawberry.field(description="Some rule flags dismissal.")
    honours_lost: bool = strawberry.field(description="Year-end honours lost.")
    target_missed: bool = strawberry.field(description="A sales item completed below target.")
    no_target: bool = strawberry.field(
        description="No sales target was set: the business part follows the policy's "
        "no-target treatment (see docs/scoring.md)."
    )
    policy_version: str = strawberry.field(description="Version of the scoring policy applied.")
    values: JSON = strawberry.field(
        description="Every field of the result.", deprecation_reason=_JSON_GONE
    )
    standing: ResultValuesType = strawberry.field(description="Every value, typed.")
    lines: list[ScoreLineType] = strawberry.field(description="Breakdown and provenance.")
    dismissals: list[DismissalType] = strawberry.field(description="Dismissal flags.")
    flags: list[ScoreFlagType] = strawberry.field(description="Every flag and its reason.")
    review_deadline: dt.date = strawberry.field(description="Last day of the monthly review.")

    @classmethod
    def from_domain(cls, view: MonthView, decimals: int) -> MonthlyScoreType:
        """Map a month view."""
        v = view.values

        def number(key: str) -> float:
            value = v.get(key)
            return _round(value, decimals) if isinstance(value, int | float) else 0.0

        return cls(
            manager_id=gid("Manager", view.manager_id),
            month=str(view.month),
            closed=view.result is not None,
            result_id=None if view.result is None else gid("EvaluationResult", view.result.id),
            business=number("business"),
            discipline=number("discipline"),
            basic_work=number("basic_work"),
            training=number("training"),
            total=number("total"),
            void_by_veto=bool(v.get("void_by_veto")),
            dismissal_flag=bool(v.get("dismissal_flag")),
            honours_lost=bool(v.get("honours_lost")),
            target_missed=bool(v.get("target_missed")),
            no_target=bool(v.get("no_target")),
            policy_version=str(v.get("policy_version")),
            values=as_json(dict(v)),
            standing=ResultValuesType.of(dict(v), decimals),
            lines=[ScoreLineType.from_domain(line, decimals) for line in view.lines],
            dismissals=_dismissals(view.dismissals),
            flags=[ScoreFlagType.from_domain(f) for f in view.explanation.flags],
            review_deadline=view.review_deadline,
        )


@strawberry.type(name="FieldChange", description="One field's old and new value.")
class FieldChangeType:
    """A change in one version of a result."""

    field: str = strawberry.field(description="The field (snake_case, as stored).")
    old: JSON | None = strawberry.field(description="Value before (null at closing).")
    new: JSON | None = strawberry.field(description="Value after.")


@strawberry.type(name="ResultVersion", description="One entry of a result's history.")
class ResultVersionType:
    """Version 0 is the closing; then one per amendment."""

    number: int = strawberry.field(description="0 for the closing, then 1, 2, …")
    at: dt.datetime = strawberry.field(description="When.")
    author_id: strawberry.ID = strawberry.field(description="Who (Staff ID).")
    reason: str = strawberry.field(description="'closed', or the amendment's reason.")
    changed_fields: list[str] = strawberry.field(
        description="The fields this version set (camelCase), derived totals included."
    )
    after: ResultValuesType = strawberry.field(description="All values after this version.")
    changes: list[FieldChangeType] = strawberry.field(
        description="What changed.", deprecation_reason=_JSON_GONE
    )
    values: JSON = strawberry.field(
        description="All values after this version.", deprecation_reason=_JSON_GONE
    )
    _author: strawberry.Private[int]

    @strawberry.field(description="Who: name and role.")
    def author(self, info: Info) -> ActorType | None:
        """The author of the version."""
        return _actor(info, self._author)


@strawberry.type(name="Reopening", description="A closed period reopened by marketing.")
class ReopeningType:
    """Why, by whom and when."""

    kind: PeriodKindEnum = strawberry.field(description="Month, quarter or year.")
    period: str = strawberry.field(description="The period.")
    department_id: strawberry.ID | None = strawberry.field(
        description="The department reopened; null for every department."
    )
    reason: str = strawberry.field(description="Why.")
    reopened_by: strawberry.ID = strawberry.field(description="Who (Staff ID).")
    reopened_at: dt.datetime = strawberry.field(description="When.")

    @classmethod
    def from_domain(cls, r: ReopeningInfo) -> ReopeningType:
        """Map a stored reopening."""
        return cls(
            kind=r.kind,
            period=r.period,
            department_id=None if r.department_id is None else gid("Department", r.department_id),
            reason=r.reason,
            reopened_by=gid("Staff", r.reopened_by),
            reopened_at=r.reopened_at,
        )


@strawberry.type(
    name="EvaluationResult",
    description="A closed result in a person's file: immutable, changed only by amendment; a "
    "reopened period keeps it (reopened: true) and its next closing is the next revision (R7.5).",
)
class EvaluationResultType(Node):
    """A closed month, quarter or year with its amendments, history and explanation."""

    kind: PeriodKindEnum = strawberry.field(description="Month, quarter or year.")
    period: str = strawberry.field(description="2026-10, 2026-Q4 or 2026.")
    manager_id: strawberry.ID = strawberry.field(description="The manager.")
    department_id: strawberry.ID = strawberry.field(description="Department at closing.")
    policy_version: str = strawberry.field(description="Scoring policy version applied.")
    revision: int = strawberry.field(description="1, then one more per re-closing.")
    scope: RankScopeEnum = strawberry.field(description="Where a quarter or year was ranked.")
    reopened: bool = strawberry.field(description="Superseded by a reopening (kept on file).")
    reopening: ReopeningType | None = strawberry.field(description="The reopening, if any.")
    closed: ResultValuesType = strawberry.field(description="Values as closed (version 0).")
    standing: ResultValuesType = strawberry.field(description="Values after every amendment.")
    closed_values: JSON = strawberry.field(
        description="Values as closed (version 0).", deprecation_reason=_JSON_GONE
    )
    current: JSON = strawberry.field(
        description="Values after every amendment.", deprecation_reason=_JSON_GONE
    )
    total: float = strawberry.field(description="Current total.")
    rank: int | None = strawberry.field(description="Rank at closing (quarter and year).")
    detail: JSON = strawberry.field(
        description="Provenance as stored.", deprecation_reason=_JSON_GONE
    )
    closed_by: strawberry.ID = strawberry.field(description="Who closed it (Staff ID).")
    closed_at: dt.datetime = strawberry.field(description="When.")
    amended: bool = strawberry.field(description="At least one amendment exists.")
    history: list[ResultVersionType] = strawberry.field(
        description="The closing and every amendment, oldest first."
    )
    _view: strawberry.Private[ResultView]

    @strawberry.field(description="Why: lines, flags with their reasons, months, eligibility.")
    def explanation(self, info: Info) -> ExplanationType:
        """The result's explanation."""
        return ExplanationType.from_domain(
            info.context.evaluations.explain(self._view), _decimals(info)
        )

    @strawberry.field(description="Who closed it: name and role.")
    def closer(self, info: Info) -> ActorType | None:
        """The closer."""
        return _actor(info, self._view.result.closed_by)

    @classmethod
    def from_domain(cls, view: ResultView, decimals: int = 2) -> EvaluationResultType:
        """Map a result view."""
        r = view.result
        rank = view.current.get("rank")
        total = view.current.get("total")
        return cls(
            id=gid("EvaluationResult", r.id),
            kind=r.kind,
            period=r.period,
            manager_id=gid("Manager", r.manager_id),
            department_id=gid("Department", r.department_id),
            policy_version=r.policy_version,
            revision=r.revision,
            scope=r.scope,
            reopened=r.reopening is not None,
            reopening=None if r.reopening is None else ReopeningType.from_domain(r.reopening),
            closed=ResultValuesType.of(dict(r.values), decimals),
            standing=ResultValuesType.of(dict(view.current), decimals),
            closed_values=as_json(dict(r.values)),
            current=as_json(dict(view.current)),
            total=_round(total, decimals) if isinstance(total, int | float) else 0.0,
            rank=rank if isinstance(rank, int) and not isinstance(rank, bool) else None,
            detail=as_json(dict(r.detail)),
            closed_by=gid("Staff", r.closed_by),
            closed_at=r.closed_at,
            amended=bool(r.amendments),
            history=[
                ResultVersionType(
                    number=v.number,
                    at=v.at,
                    author_id=gid("Staff", v.author) if v.author.isdigit() else strawberry.ID(""),
                    reason=v.reason,
                    changed_fields=[_camel(c.field) for c in v.changes],
                    after=ResultValuesType.of(dict(v.values), decimals),
                    changes=[
                        FieldChangeType(field=c.field, old=as_json(c.old), new=as_json(c.new))
                        for c in v.changes
                    ],
                    values=as_json(dict(v.values)),
                    _author=int(v.author) if v.author.isdigit() else r.closed_by,
                )
                for v in view.history
            ],
            _view=view,
        )


@strawberry.type(name="ScoreboardRow", description="One manager's line of a scoreboard.")
class ScoreboardRowType:
    """Rank on the board and in the company, total and values."""

    manager_id: strawberry.ID = strawberry.field(description="The manager.")
    department_id: strawberry.ID = strawberry.field(description="The manager's department.")
    rank: int = strawberry.field(
        description="Competition rank on the board's population (department or company)."
    )
    company_rank: int = strawberry.field(description="Competition rank in the whole company.")
    total: float = strawberry.field(description="Current total.")
    standing: ResultValuesType = strawberry.field(description="Every value, typed.")
    values: JSON = strawberry.field(
        description="All values (as amended when closed).", deprecation_reason=_JSON_GONE
    )
    result_id: strawberry.ID | None = strawberry.field(description="The closed result, if closed.")

    @strawberry.field(description="The manager of `managerId`, without a follow-up query.")
    async def manager(self, info: Info) -> ManagerType | None:
        """Batched through the manager loader."""
        return await _manager(info, self.manager_id)

    @strawberry.field(description="The department of `departmentId`, without a follow-up query.")
    async def department(self, info: Info) -> DepartmentType | None:
        """Batched through the department loader."""
        return await _department(info, self.department_id)


@strawberry.type(name="Unscored", description="A manager who could not be scored, and why.")
class UnscoredType:
    """Missing data for a preview."""

    manager_id: strawberry.ID = strawberry.field(description="The manager.")
    reason: str = strawberry.field(description="Why.")


@strawberry.type(name="Scoreboard", description="A department's or the company's ranking.")
class ScoreboardType:
    """Closed results as amended, or previews where a period is not closed."""

    department_id: strawberry.ID | None = strawberry.field(
        description="The department; null for the company board."
    )
    scope: RankScopeEnum = strawberry.field(description="Whom `rank` compares.")
    kind: PeriodKindEnum = strawberry.field(description="Month, quarter or year.")
    period: str = strawberry.field(description="The period.")
    closed: bool = strawberry.field(description="Every row comes from a closed result.")
    review_deadline: dt.date | None = strawberry.field(description="Review meeting deadline.")
    rows: list[ScoreboardRowType] = strawberry.field(description="Best first.")
    unscored: list[UnscoredType] = strawberry.field(description="Managers left out, and why.")

    @classmethod
    def from_domain(cls, board: Scoreboard, decimals: int) -> ScoreboardType:
        """Map a service scoreboard."""
        return cls(
            department_id=None
            if board.department_id is None
            else gid("Department", board.department_id),
            scope=board.scope,
            kind=board.kind,
            period=board.period,
            closed=board.closed,
            review_deadline=board.review_deadline,
            rows=[
                ScoreboardRowType(
                    manager_id=gid("Manager", r.manager_id),
                    department_id=gid("Department", r.department_id),
                    rank=r.rank,
                    company_rank=r.company_rank,
                    total=_round(r.total, decimals),
                    standing=ResultValuesType.of(dict(r.values), decimals),
                    values=as_json(dict(r.values)),
                    result_id=None if r.result_id is None else gid("EvaluationResult", r.result_id),
                )
                for r in board.rows
            ],
            unscored=[
                UnscoredType(manager_id=gid("Manager", m), reason=reason)
                for m, reason in board.unscored
            ],
        )


@strawberry.type(name="SalesTarget", description="A manager's sales target for one month (R1.5).")
class SalesTargetType:
    """Volume and amount to settle the business part against; (manager, month) is its key."""

    manager_id: strawberry.ID = strawberry.field(description="The manager.")
    month: str = strawberry.field(description="2026-12.")
    volume_cartons: int = strawberry.field(description="Volume target, cartons (条).")
    amount: Money = strawberry.field(description="Amount target.")
    set_by: strawberry.ID | None = strawberry.field(description="Who set it (Staff ID).")
    set_at: dt.datetime | None = strawberry.field(description="When it was last set.")

    @classmethod
    def from_domain(cls, t: MonthlyTarget) -> SalesTargetType:
        """Map a stored target."""
        return cls(
            manager_id=gid("Manager", t.manager_id),
            month=t.month.strftime("%Y-%m"),
            volume_cartons=t.volume_cartons,
            amount=money_from_yuan(t.amount_yuan),
            set_by=None if t.set_by is None else gid("Staff", t.set_by),
            set_at=t.set_at,
        )


@strawberry.type(name="EvaluationReview", description="A review meeting held (工作评价会).")
class EvaluationReviewType:
    """A department's monthly review or the company's quarterly review."""

    kind: PeriodKindEnum = strawberry.field(description="Month or quarter.")
    period: str = strawberry.field(description="The period reviewed.")
    department_id: strawberry.ID | None = strawberry.field(
        description="The department; null for the quarterly review."
    )
    held_on: dt.date = strawberry.field(description="The day it was held.")
    deadline: dt.date = strawberry.field(description="The policy's deadline.")
    late: bool = strawberry.field(description="Held after the deadline.")
    recorded_by: strawberry.ID = strawberry.field(description="Who recorded it (Staff ID).")
    recorded_at: dt.datetime = strawberry.field(description="When.")
    note: str = strawberry.field(description="Minutes or remarks.")

    @classmethod
    def from_domain(cls, r: ReviewInfo, deadline: dt.date) -> EvaluationReviewType:
        """Map a stored review and its deadline."""
        return cls(
            kind=r.kind,
            period=r.period,
            department_id=None if r.department_id is None else gid("Department", r.department_id),
            held_on=r.held_on,
            deadline=deadline,
            late=r.held_on > deadline,
            recorded_by=gid("Staff", r.recorded_by),
            recorded_at=r.recorded_at,
            note=r.note,
        )


@strawberry.type(name="OverdueReview", description="A review meeting past its deadline.")
class OverdueReviewType:
    """No review is recorded for the period though its deadline has passed."""

    kind: PeriodKindEnum = strawberry.field(description="Month or quarter.")
    period: str = strawberry.field(description="The period.")
    department_id: strawberry.ID | None = strawberry.field(
        description="The department; null for the quarterly review."
    )
    deadline: dt.date = strawberry.field(description="The deadline that passed.")
    closed: bool = strawberry.field(description="The period is closed (it must be, to review).")

    @classmethod
    def from_domain(cls, o: OverdueReview) -> OverdueReviewType:
        """Map a service item."""
        return cls(
            kind=o.kind,
            period=o.period,
            department_id=None if o.department_id is None else gid("Department", o.department_id),
            deadline=o.deadline,
            closed=o.closed,
        )


@strawberry.type(name="Goal", description="A quantified goal of a manager for a period (R7.7).")
class GoalType(Node):
    """Baseline, target, direction, range and progress."""

    manager_id: strawberry.ID = strawberry.field(description="The manager.")
    period: str = strawberry.field(description="2026-10, 2026-Q4 or 2026.")
    title: str = strawberry.field(description="What is measured.")
    unit: str = strawberry.field(description="Unit of the values.")
    baseline: float = strawberry.field(description="Starting value.")
    target: float = strawberry.field(description="Value to reach.")
    direction: DirectionEnum = strawberry.field(description="Raise or lower.")
    lowest: float = strawberry.field(description="Lowest value a measurement may take.")
    highest: float = strawberry.field(description="Highest value a measurement may take.")
    current: float | None = strawberry.field(description="Latest measured value.")
    progress: float | None = strawberry.field(description="Share of the way, 0-1.")
    updated_at: dt.datetime = strawberry.field(description="When last measured or set.")

    @classmethod
    def from_domain(cls, view: GoalView) -> GoalType:
        """Map a goal view."""
        g: GoalInfo = view.goal
        low, high = view.value_range
        return cls(
            id=gid("Goal", g.id),
            manager_id=gid("Manager", g.manager_id),
            period=g.period,
            title=g.title,
            unit=g.unit,
            baseline=g.baseline,
            target=g.target,
            direction=scoring.Direction(g.direction),
            lowest=low,
            highest=high,
            current=g.current,
            progress=view.progress,
            updated_at=g.updated_at,
        )


@strawberry.type(name="LeaderboardEntry", description="One row of the daily leaderboard (R7.8).")
class LeaderboardEntryType:
    """Rank and summed figures over the day range."""

    rank: int = strawberry.field(description="Competition rank (ties share).")
    manager_id: strawberry.ID = strawberry.field(description="The manager.")
    value: float = strawberry.field(description="The ranked metric.")
    visits_planned: int = strawberry.field(description="Planned stops.")
    visits_verified: int = strawberry.field(description="Visits verified in place.")
    sales_amount_yuan: float = strawberry.field(
        description="Sales of the manager's retailers.",
        deprecation_reason="a binary float; use salesAmount (exact money)",
    )
    sales_amount: Money = strawberry.field(description="Sales attributed to the manager.")

    @strawberry.field(description="The manager of `managerId`, without a follow-up query.")
    async def manager(self, info: Info) -> ManagerType | None:
        """Batched through the manager loader."""
        return await _manager(info, self.manager_id)

    @classmethod
    def from_domain(cls, e: scoring.LeaderboardEntry) -> LeaderboardEntryType:
        """Map a rules' entry."""
        return cls(
            rank=e.rank,
            manager_id=gid("Manager", e.manager_id),
            value=e.value,
            visits_planned=e.visits_planned,
            visits_verified=e.visits_verified,
            sales_amount_yuan=e.sales_amount,
            sales_amount=money_from_yuan(e.sales_amount),
        )


@strawberry.type(name="Classification", description="Ability × initiative quadrant (R7.6).")
class ClassificationType:
    """Measures on 0-100, quadrant and career channel."""

    manager_id: strawberry.ID = strawberry.field(description="The manager.")
    ability: float = strawberry.field(description="Sales, training and basic work, 0-100.")
    initiative: float = strawberry.field(description="Discipline, verified visits, goals, 0-100.")
    quadrant: QuadrantEnum = strawberry.field(description="The quadrant.")
    channel: CareerChannelEnum = strawberry.field(description="Its career channel.")

    @classmethod
    def from_domain(cls, c: scoring.Classification) -> ClassificationType:
        """Map a rules' classification."""
        return cls(
            manager_id=gid("Manager", c.manager_id),
            ability=c.ability,
            initiative=c.initiative,
            quadrant=c.quadrant,
            channel=c.channel,
        )


@strawberry.type(
    name="SupervisorDeduction",
    description="What a head or deputy is charged for their managers' complaints and vetoes.",
)
class SupervisorDeductionType:
    """Summed deductions of one supervisor over a period."""

    staff_id: strawberry.ID = strawberry.field(description="The head or deputy (Staff ID).")
    points: float = strawberry.field(description="Summed deductions (negative).")
    honours_lost: bool = strawberry.field(description="Year-end honours lost (veto, bad effect).")
    event_ids: list[strawberry.ID] = strawberry.field(description="The managers' ScoreEvents.")

    @classmethod
    def from_domain(cls, total: scoring.SupervisorTotal) -> SupervisorDeductionType:
        """Map a rules' total."""
        return cls(
            staff_id=gid("Staff", total.person_id),
            points=total.points,
            honours_lost=total.honours_lost,
            event_ids=[gid("ScoreEvent", e) for e in total.event_ids],
        )
