"""The monthly score (月度考核): events of one manager and month + policy → a traced result.

The rules are those of essay 7, 第八条 (R7.1–R7.3): business 60 % from target completion,
quality 40 % from discipline (40) + basic work (40) + training (20), each floored at 0, and the
compliance veto that voids the month. Events are applied in the order they happened
(``occurred_on``, then ``recorded_at``, then ``event_id``) so the line that hits a floor is the
same however the caller orders its list.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gql.services.evaluations.rules.errors import EventError
from gql.services.evaluations.rules.events import (
    AuditFinding,
    AuditFindingKind,
    BasicWorkCheck,
    BreachKind,
    Complaint,
    ComplianceVeto,
    LeaveRecord,
    RuleBreach,
    SalesSettlement,
    ScoreEvent,
    TrainingKind,
    TrainingResult,
)
from gql.services.evaluations.rules.periods import count_window_start, monthly_review_deadline
from gql.services.evaluations.rules.result import (
    Dismissal,
    DismissalReason,
    MonthlyScore,
    Part,
    ScoreLine,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from gql.services.evaluations.rules.periods import Month
    from gql.services.evaluations.rules.policy import ScoringPolicy

__all__ = ["number_text", "score_month"]

_KNOWN_EVENTS = (
    SalesSettlement,
    RuleBreach,
    Complaint,
    LeaveRecord,
    BasicWorkCheck,
    TrainingResult,
    ComplianceVeto,
    AuditFinding,
)


@dataclass
class _Item:
    """A floored quality item being scored: tracks what is left and its lines."""

    part: Part
    weight: float
    left: float
    lines: list[ScoreLine] = field(default_factory=list)

    def add(self, rule: str, points: float, event_ids: tuple[str, ...], note: str) -> None:
        self.left += points
        self.lines.append(ScoreLine(self.part, rule, points, points * self.weight, event_ids, note))

    def deduct(self, rule: str, nominal: float, event_ids: tuple[str, ...], note: str) -> None:
        """Deduct ``nominal`` points, cut at the floor of 0."""
        taken = min(nominal, self.left)
        if taken < nominal:
            note = f"{note}; cut from -{nominal:g} to -{taken:g} at the floor of 0"
        self.add(rule, -taken, event_ids, note)

    def zero(self, rule: str, event_ids: tuple[str, ...], note: str) -> None:
        """Take whatever is left (the item scores 0)."""
        self.add(rule, -self.left, event_ids, note)


def _chronological(events: Iterable[ScoreEvent]) -> list[ScoreEvent]:
    return sorted(events, key=lambda e: (e.occurred_on, e.recorded_at, e.event_id))


def _checked(manager_id: str, month: Month, events: Sequence[ScoreEvent]) -> list[ScoreEvent]:
    seen: set[str] = set()
    for event in events:
        if not isinstance(event, _KNOWN_EVENTS):
            raise EventError(f"unknown event type {type(event).__name__}")
        if event.event_id in seen:
            raise EventError(f"duplicate event_id {event.event_id!r}")
        seen.add(event.event_id)
        if event.manager_id != manager_id:
            raise EventError(
                f"event {event.event_id!r} is about {event.manager_id!r}, not {manager_id!r}"
            )
        if not month.contains(event.occurred_on):
            raise EventError(
                f"event {event.event_id!r} occurred on {event.occurred_on}, outside {month}"
            )
    return _chronological(events)


def _checked_earlier(
    manager_id: str, month: Month, earlier: Sequence[ScoreEvent], window: str
) -> list[ScoreEvent]:
    start = count_window_start(month, window)
    for event in earlier:
        if not isinstance(event, RuleBreach | Complaint):
            raise EventError(
                f"earlier event {event.event_id!r}: only breaches and complaints count "
                "across months"
            )
        if event.manager_id != manager_id:
            raise EventError(
                f"event {event.event_id!r} is about {event.manager_id!r}, not {manager_id!r}"
            )
        if not start <= event.occurred_on < month.first_day:
            raise EventError(
                f"earlier event {event.event_id!r} on {event.occurred_on} is outside the "
                f"count window {start}..{month.first_day} ({window})"
            )
    return _chronological(earlier)


def number_text(value: float) -> str:
    """A number in plain notation for a line's note (never ``1.2e+06``).

    Examples
    --------
    >>> number_text(1234567.5), number_text(900.0)
    ('1234567.5', '900')
    """
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def _no_target(policy: ScoringPolicy) -> tuple[list[ScoreLine], float, float]:
    """The business part of a month with no sales target, and the quality weight it implies."""
    treatment = policy.business.no_target
    full = policy.business.full_points
    weight = policy.weights.business
    if treatment == "full":
        points, quality_weight = full, policy.weights.quality
        note = f"no sales target set: business scores full marks ({number_text(full)})"
    elif treatment == "zero":
        points, quality_weight = 0.0, policy.weights.quality
        note = "no sales target set: business scores 0"
    else:
        points, weight, quality_weight = 0.0, 0.0, 1.0
        note = "no sales target set: the month is scored on quality alone (weight 100 %)"
    line = ScoreLine(Part.BUSINESS, "no_target", points, points * weight, (), note)
    return [line], points, quality_weight


def _business(
    events: list[ScoreEvent], policy: ScoringPolicy
) -> tuple[list[ScoreLine], float, float, bool]:
    settlements = [e for e in events if isinstance(e, SalesSettlement)]
    if not settlements:
        raise EventError("no sales settlement for the month: the business part cannot be scored")
    items = [s.item for s in settlements]
    if len(set(items)) != len(items):
        raise EventError(f"a sales target item is settled twice: {sorted(items)}")
    full = policy.business.full_points
    total_points = sum(s.points for s in settlements)
    if not math.isclose(total_points, full, rel_tol=1e-9, abs_tol=1e-9):
        raise EventError(f"sales target items carry {total_points:g} points, expected {full:g}")
    weight = policy.weights.business
    lines: list[ScoreLine] = []
    earned = 0.0
    for s in settlements:
        ratio = min(s.completion, policy.business.completion_cap)
        points = s.points * ratio
        earned += points
        lines.append(
            ScoreLine(
                Part.BUSINESS,
                "sales_completion",
                points,
                points * weight,
                (s.event_id,),
                f"{s.item}: {number_text(s.actual)} of {number_text(s.target)} "
                f"({s.completion:.1%}) × {number_text(s.points)} pts",
            )
        )
    missed = any(s.completion < policy.business.target_missed_below for s in settlements)
    return lines, earned, earned / full, missed


def _discipline(
    events: list[ScoreEvent],
    earlier: list[ScoreEvent],
    policy: ScoringPolicy,
    dismissals: list[Dismissal],
    weight: float,
) -> _Item:
    rules = policy.discipline
    item = _Item(Part.DISCIPLINE, weight, 0.0)
    item.add("full_points", rules.full_points, (), "discipline starts at full marks")
    ordinary: list[str] = []
    grave: list[RuleBreach] = []
    subjective: list[str] = []
    for e in events:
        if isinstance(e, RuleBreach) and e.kind is BreachKind.ORDINARY:
            ordinary.append(e.event_id)
            item.deduct("breach", rules.breach_points, (e.event_id,), "verified breach of rules")
        elif isinstance(e, RuleBreach):
            grave.append(e)
        elif isinstance(e, Complaint) and e.subjective:
            subjective.append(e.event_id)
            item.deduct(
                "complaint", rules.complaint_points, (e.event_id,), "complaint, subjective cause"
            )
        elif isinstance(e, Complaint):
            item.add("complaint_not_subjective", 0.0, (e.event_id,), "no subjective cause")
    before = [
        e.event_id for e in earlier if isinstance(e, RuleBreach) and e.kind is BreachKind.ORDINARY
    ]
    window = rules.breach_window.replace("_", " ")
    if ordinary and len(before) + len(ordinary) >= rules.breaches_for_zero:
        cited = (*before, *ordinary)
        item.zero(
            "breach_limit",
            cited,
            f"{len(cited)} breaches counted over the {window} window: discipline scores 0",
        )
        dismissals.append(Dismissal(DismissalReason.BREACH_LIMIT, cited))
    if grave:
        cited = tuple(e.event_id for e in grave)
        kinds = ", ".join(sorted({e.kind.value for e in grave}))
        item.zero("grave_breach", cited, f"grave breach ({kinds}): discipline scores 0")
        dismissals.append(Dismissal(DismissalReason.GRAVE_BREACH, cited))
    earlier_complaints = [e.event_id for e in earlier if isinstance(e, Complaint) and e.subjective]
    if subjective and len(earlier_complaints) + len(subjective) >= rules.complaints_for_dismissal:
        dismissals.append(
            Dismissal(DismissalReason.COMPLAINT_LIMIT, (*earlier_complaints, *subjective))
        )
    leaves = [e for e in events if isinstance(e, LeaveRecord)]
    long_leaves = tuple(e.event_id for e in leaves if e.days > rules.max_single_leave_days)
    if long_leaves:
        dismissals.append(Dismissal(DismissalReason.LONG_LEAVE, long_leaves))
    if len(leaves) >= rules.leaves_for_dismissal:
        dismissals.append(
            Dismissal(DismissalReason.FREQUENT_LEAVE, tuple(e.event_id for e in leaves))
        )
    return item


def _basic_work(events: list[ScoreEvent], policy: ScoringPolicy, weight: float) -> _Item:
    rules = policy.basic_work
    item = _Item(Part.BASIC_WORK, weight, 0.0)
    item.add("full_points", rules.full_points, (), "basic work starts at full marks")
    finding_points = {
        AuditFindingKind.VISIT_NOT_IN_PLACE: rules.audit_findings.visit_not_in_place,
        AuditFindingKind.PRICE_TAGS_MISSING: rules.audit_findings.price_tags_missing,
        AuditFindingKind.POLICY_NOT_PROMOTED: rules.audit_findings.policy_not_promoted,
    }
    for e in events:
        if isinstance(e, BasicWorkCheck) and not e.passed:
            item.deduct("basic_work_item", rules.item_points, (e.event_id,), f"{e.item} not done")
        elif isinstance(e, AuditFinding):
            item.deduct(
                "audit_finding",
                finding_points[e.kind],
                (e.event_id,),
                f"audit {e.audit_id}: {e.kind.value}",
            )
    return item


def _training(events: list[ScoreEvent], policy: ScoringPolicy, weight: float) -> _Item:
    rules = policy.training
    item = _Item(Part.TRAINING, weight, 0.0)
    item.add("full_points", rules.full_points, (), "training starts at full marks")
    for e in events:
        if not isinstance(e, TrainingResult):
            continue
        if e.kind is TrainingKind.EXAM:
            assert e.exam_score is not None  # guaranteed by TrainingResult
            if e.exam_score > rules.exam_full_mark:
                raise EventError(
                    f"exam {e.event_id!r} scored {e.exam_score:g} above the full mark "
                    f"{rules.exam_full_mark:g}"
                )
            if e.exam_score < rules.exam_pass_mark:
                item.deduct(
                    "exam_below_pass",
                    rules.fail_points,
                    (e.event_id,),
                    f"exam {number_text(e.exam_score)} < {number_text(rules.exam_pass_mark)}",
                )
        elif not e.passed:
            item.deduct("practical_failed", rules.fail_points, (e.event_id,), "practical failed")
    return item


def score_month(
    manager_id: str,
    month: Month,
    events: Sequence[ScoreEvent],
    policy: ScoringPolicy,
    *,
    earlier: Sequence[ScoreEvent] = (),
    no_target: bool = False,
) -> MonthlyScore:
    """Compute one manager's monthly score from the month's events.

    Parameters
    ----------
    manager_id : str
        The manager being scored; every event must be about them.
    month : Month
        The month; every event must have occurred in it.
    events : Sequence[ScoreEvent]
        All the month's events for the manager, in any order. At least one
        :class:`SalesSettlement` is required (unless ``no_target``), and the items' points
        must sum to ``policy.business.full_points``.
    policy : ScoringPolicy
        The rules; its version is stored in the result.
    earlier : Sequence[ScoreEvent]
        The manager's breaches and complaints of the count window before this month
        (``policy.discipline.breach_window``): they count towards the limits (累计) but cost
        no points again.
    no_target : bool
        No sales target was set for the month: the business part follows
        ``policy.business.no_target`` and no settlement may be given.

    Returns
    -------
    MonthlyScore
        Parts, total, flags and one :class:`ScoreLine` per contribution; the lines'
        ``weighted_points`` sum to ``total``.

    Raises
    ------
    EventError
        For events of another manager or month, duplicate ids, a missing or inconsistent
        settlement, or an exam score above the full mark.

    Examples
    --------
    A manager at 90 % of a single 100-point target with one ordinary breach:
    business 90 × 0.6 = 54, quality (35 + 40 + 20) × 0.4 = 38, total 92.
    """
    ordered = _checked(manager_id, month, events)
    before = _checked_earlier(manager_id, month, earlier, policy.discipline.breach_window)
    clash = {e.event_id for e in ordered} & {e.event_id for e in before}
    if clash:
        raise EventError(f"duplicate event_id {sorted(clash)[0]!r}")
    quality_weight = policy.weights.quality
    if no_target:
        if any(isinstance(e, SalesSettlement) for e in ordered):
            raise EventError("a month without a sales target cannot have a settlement")
        business_lines, business, quality_weight = _no_target(policy)
        completion, missed = 0.0, False
    else:
        business_lines, business, completion, missed = _business(ordered, policy)
    dismissals: list[Dismissal] = []
    discipline = _discipline(ordered, before, policy, dismissals, quality_weight)
    basic_work = _basic_work(ordered, policy, quality_weight)
    training = _training(ordered, policy, quality_weight)
    lines = [*business_lines, *discipline.lines, *basic_work.lines, *training.lines]
    total = sum(line.weighted_points for line in lines)

    vetoes = [e for e in ordered if isinstance(e, ComplianceVeto)]
    void = bool(vetoes)
    honours_lost = False
    if void:
        cited = tuple(e.event_id for e in vetoes)
        kinds = ", ".join(sorted({e.kind.value for e in vetoes}))
        lines.append(
            ScoreLine(Part.VETO, "compliance_veto", 0.0, -total, cited, f"period void: {kinds}")
        )
        total = 0.0
        honours_lost = True
        bad = tuple(e.event_id for e in vetoes if e.bad_effect)
        if bad:
            dismissals.append(Dismissal(DismissalReason.COMPLIANCE_VETO, bad))

    return MonthlyScore(
        manager_id=manager_id,
        month=month,
        policy_version=policy.version,
        business=business,
        discipline=discipline.left,
        basic_work=basic_work.left,
        training=training.left,
        total=total,
        lines=tuple(lines),
        dismissals=tuple(dismissals),
        void_by_veto=void,
        honours_lost=honours_lost,
        target_missed=missed,
        sales_completion=completion,
        review_deadline=monthly_review_deadline(month, days_after=policy.review.monthly_days_after),
        no_target=no_target,
    )
