"""Score events, monthly scores with provenance, closed results with history, boards (R7)."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.scalars import JSON

from gql.domain.evaluations import GoalInfo, ScoreEventInfo
from gql.schema.relay import Node
from gql.schema.scalars import as_json
from gql.schema.types.audit_enums import (
    CareerChannelEnum,
    DirectionEnum,
    DismissalReasonEnum,
    PeriodKindEnum,
    QuadrantEnum,
    ScoreEventKindEnum,
    ScorePartEnum,
)
from gql.schema.types.audits import gid
from gql.services.evaluations import rules as scoring
from gql.services.evaluations.performance import GoalView
from gql.services.evaluations.results import ResultView
from gql.services.evaluations.service import MonthView, Scoreboard

__all__ = [
    "ClassificationType",
    "EvaluationResultType",
    "GoalType",
    "LeaderboardEntryType",
    "MonthlyScoreType",
    "ScoreEventType",
    "ScoreboardType",
    "SupervisorDeductionType",
]


def _event_ref(event_id: str) -> str:
    """A stored event's global ID; derived settlements keep their ``derived:`` key."""
    return str(gid("ScoreEvent", event_id)) if event_id.isdigit() else event_id


def _staff_ref(staff_id: str) -> strawberry.ID:
    return gid("Staff", staff_id) if staff_id.isdigit() else strawberry.ID(staff_id)


@strawberry.type(name="ScoreEvent", description="One recorded input of the evaluation.")
class ScoreEventType(Node):
    """An event with who recorded it and when."""

    manager_id: strawberry.ID = strawberry.field(description="The manager it is about.")
    kind: ScoreEventKindEnum = strawberry.field(description="What kind of input.")
    occurred_on: dt.date = strawberry.field(description="When it happened (decides the month).")
    recorded_by: strawberry.ID = strawberry.field(description="Who recorded it (Staff ID).")
    recorded_at: dt.datetime = strawberry.field(description="When it was recorded.")
    details: JSON = strawberry.field(description="The fields of its kind, as recorded.")

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
            details=as_json(dict(event.details)),
        )


@strawberry.type(name="ScoreLine", description="One traceable contribution to a monthly score.")
class ScoreLineType:
    """A line of the breakdown, citing the events that caused it."""

    part: ScorePartEnum = strawberry.field(description="Which part it belongs to.")
    rule: str = strawberry.field(description="The rule applied (see docs/scoring.md).")
    points: float = strawberry.field(description="Effect on the part's own scale.")
    weighted_points: float = strawberry.field(description="Effect on the 100-point total.")
    event_ids: list[str] = strawberry.field(
        description="ScoreEvent IDs that caused it (a `derived:` key for a settlement not yet "
        "recorded); empty for a part's full-marks line."
    )
    note: str = strawberry.field(description="In words.")

    @classmethod
    def from_domain(cls, line: scoring.ScoreLine) -> ScoreLineType:
        """Map a rules' line."""
        return cls(
            part=line.part,
            rule=line.rule,
            points=line.points,
            weighted_points=line.weighted_points,
            event_ids=[_event_ref(e) for e in line.event_ids],
            note=line.note,
        )


@strawberry.type(name="Dismissal", description="A dismissal flag and the events that raised it.")
class DismissalType:
    """One flag."""

    reason: DismissalReasonEnum = strawberry.field(description="Which rule raised it.")
    event_ids: list[str] = strawberry.field(description="ScoreEvent IDs.")


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
    policy_version: str = strawberry.field(description="Version of the scoring policy applied.")
    values: JSON = strawberry.field(description="Every field of the result.")
    lines: list[ScoreLineType] = strawberry.field(description="Breakdown and provenance.")
    dismissals: list[DismissalType] = strawberry.field(description="Dismissal flags.")
    review_deadline: dt.date = strawberry.field(description="Last day of the monthly review.")

    @classmethod
    def from_domain(cls, view: MonthView) -> MonthlyScoreType:
        """Map a month view."""
        v = view.values

        def number(key: str) -> float:
            value = v.get(key)
            return float(value) if isinstance(value, int | float) else 0.0

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
            policy_version=str(v.get("policy_version")),
            values=as_json(dict(v)),
            lines=[ScoreLineType.from_domain(line) for line in view.lines],
            dismissals=[
                DismissalType(reason=d.reason, event_ids=[_event_ref(e) for e in d.event_ids])
                for d in view.dismissals
            ],
            review_deadline=view.review_deadline,
        )


@strawberry.type(name="FieldChange", description="One field's old and new value.")
class FieldChangeType:
    """A change in one version of a result."""

    field: str = strawberry.field(description="The field.")
    old: JSON | None = strawberry.field(description="Value before (null at closing).")
    new: JSON | None = strawberry.field(description="Value after.")


@strawberry.type(name="ResultVersion", description="One entry of a result's history.")
class ResultVersionType:
    """Version 0 is the closing; then one per amendment."""

    number: int = strawberry.field(description="0 for the closing, then 1, 2, …")
    at: dt.datetime = strawberry.field(description="When.")
    author_id: strawberry.ID = strawberry.field(description="Who (Staff ID).")
    reason: str = strawberry.field(description="'closed', or the amendment's reason.")
    changes: list[FieldChangeType] = strawberry.field(description="What changed.")
    values: JSON = strawberry.field(description="All values after this version.")


@strawberry.type(
    name="EvaluationResult",
    description="A closed result in a person's file: immutable, changed only by amendment (R7.5).",
)
class EvaluationResultType(Node):
    """A closed month, quarter or year with its amendments and history."""

    kind: PeriodKindEnum = strawberry.field(description="Month, quarter or year.")
    period: str = strawberry.field(description="2026-10, 2026-Q4 or 2026.")
    manager_id: strawberry.ID = strawberry.field(description="The manager.")
    department_id: strawberry.ID = strawberry.field(description="Department at closing.")
    policy_version: str = strawberry.field(description="Scoring policy version applied.")
    closed_values: JSON = strawberry.field(description="Values as closed (version 0).")
    current: JSON = strawberry.field(description="Values after every amendment.")
    total: float = strawberry.field(description="Current total.")
    rank: int | None = strawberry.field(description="Rank at closing (quarter and year).")
    detail: JSON = strawberry.field(
        description="Provenance: score lines and dismissal flags (month), eliminations "
        "(quarter), review deadline."
    )
    closed_by: strawberry.ID = strawberry.field(description="Who closed it (Staff ID).")
    closed_at: dt.datetime = strawberry.field(description="When.")
    amended: bool = strawberry.field(description="At least one amendment exists.")
    history: list[ResultVersionType] = strawberry.field(
        description="The closing and every amendment, oldest first, with old and new values."
    )

    @classmethod
    def from_domain(cls, view: ResultView) -> EvaluationResultType:
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
            closed_values=as_json(dict(r.values)),
            current=as_json(dict(view.current)),
            total=float(total) if isinstance(total, int | float) else 0.0,
            rank=rank if isinstance(rank, int) and not isinstance(rank, bool) else None,
            detail=as_json(dict(r.detail)),
            closed_by=gid("Staff", r.closed_by),
            closed_at=r.closed_at,
            amended=bool(r.amendments),
            history=[
                ResultVersionType(
                    number=v.number,
                    at=v.at,
                    author_id=_staff_ref(v.author),
                    reason=v.reason,
                    changes=[
                        FieldChangeType(field=c.field, old=as_json(c.old), new=as_json(c.new))
                        for c in v.changes
                    ],
                    values=as_json(dict(v.values)),
                )
                for v in view.history
            ],
        )


@strawberry.type(name="ScoreboardRow", description="One manager's line of a scoreboard.")
class ScoreboardRowType:
    """Rank, total and values."""

    manager_id: strawberry.ID = strawberry.field(description="The manager.")
    rank: int = strawberry.field(description="Competition rank on the current total (ties share).")
    total: float = strawberry.field(description="Current total.")
    values: JSON = strawberry.field(description="All values (as amended when closed).")
    result_id: strawberry.ID | None = strawberry.field(description="The closed result, if closed.")


@strawberry.type(name="Unscored", description="A manager who could not be scored, and why.")
class UnscoredType:
    """Missing data for a preview."""

    manager_id: strawberry.ID = strawberry.field(description="The manager.")
    reason: str = strawberry.field(description="Why (e.g. no sales target).")


@strawberry.type(name="Scoreboard", description="A department's ranking for a period.")
class ScoreboardType:
    """Closed results as amended, or a preview when the period is not closed."""

    department_id: strawberry.ID = strawberry.field(description="The department.")
    kind: PeriodKindEnum = strawberry.field(description="Month, quarter or year.")
    period: str = strawberry.field(description="The period.")
    closed: bool = strawberry.field(description="From closed results (else a preview).")
    review_deadline: dt.date | None = strawberry.field(description="Review meeting deadline.")
    rows: list[ScoreboardRowType] = strawberry.field(description="Best first.")
    unscored: list[UnscoredType] = strawberry.field(description="Managers left out, and why.")

    @classmethod
    def from_domain(cls, board: Scoreboard) -> ScoreboardType:
        """Map a service scoreboard."""
        return cls(
            department_id=gid("Department", board.department_id),
            kind=board.kind,
            period=board.period,
            closed=board.closed,
            review_deadline=board.review_deadline,
            rows=[
                ScoreboardRowType(
                    manager_id=gid("Manager", r.manager_id),
                    rank=r.rank,
                    total=r.total,
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


@strawberry.type(name="Goal", description="A quantified goal of a manager for a period (R7.7).")
class GoalType(Node):
    """Baseline, target, direction and progress."""

    manager_id: strawberry.ID = strawberry.field(description="The manager.")
    period: str = strawberry.field(description="2026-10, 2026-Q4 or 2026.")
    title: str = strawberry.field(description="What is measured.")
    unit: str = strawberry.field(description="Unit of the values.")
    baseline: float = strawberry.field(description="Starting value.")
    target: float = strawberry.field(description="Value to reach.")
    direction: DirectionEnum = strawberry.field(description="Raise or lower.")
    current: float | None = strawberry.field(description="Latest measured value.")
    progress: float | None = strawberry.field(description="Share of the way, 0-1.")
    updated_at: dt.datetime = strawberry.field(description="When last measured or set.")

    @classmethod
    def from_domain(cls, view: GoalView) -> GoalType:
        """Map a goal view."""
        g: GoalInfo = view.goal
        return cls(
            id=gid("Goal", g.id),
            manager_id=gid("Manager", g.manager_id),
            period=g.period,
            title=g.title,
            unit=g.unit,
            baseline=g.baseline,
            target=g.target,
            direction=scoring.Direction(g.direction),
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
    sales_amount_yuan: float = strawberry.field(description="Sales of the manager's retailers.")

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
