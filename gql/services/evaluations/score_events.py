"""Score events between the store and the pure scoring rules, and the sales settlement.

A stored event becomes a :mod:`gql.services.evaluations.rules` event whose ``event_id`` is the
stored id as text, so every score line names the row that caused it. Sales settlements are derived
from the imported sales facts and the month's targets: two items, volume (cartons) and amount
(yuan), whose points split the business scale (``SETTLEMENT_POINTS``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from gql.domain.evaluations import ScoreEventInfo, ScoreEventKind
from gql.services.errors import InvalidInput, Problems
from gql.services.evaluations import rules as scoring

if TYPE_CHECKING:
    from datetime import date

    from gql.domain import MonthlyTarget
    from gql.store.repositories.activity import SalesTotal

__all__ = [
    "SETTLEMENT_POINTS",
    "EventCommand",
    "derived_settlements",
    "details_of",
    "to_scoring",
]

SETTLEMENT_POINTS = {"volume_cartons": 50.0, "amount_yuan": 50.0}
"""Points of each sales item on the 100-point business scale (ours: volume and amount alike)."""

_REQUIRED: dict[ScoreEventKind, tuple[str, ...]] = {
    ScoreEventKind.RULE_BREACH: ("breach",),
    ScoreEventKind.COMPLAINT: ("subjective",),
    ScoreEventKind.LEAVE: ("days",),
    ScoreEventKind.BASIC_WORK_CHECK: ("item", "passed"),
    ScoreEventKind.TRAINING_RESULT: ("training",),
    ScoreEventKind.COMPLIANCE_VETO: ("veto", "bad_effect"),
    ScoreEventKind.AUDIT_FINDING: ("finding", "audit_id"),
}


@dataclass(frozen=True, slots=True)
class EventCommand:
    """An event to record; only the fields of its kind may be given."""

    manager_id: int
    kind: ScoreEventKind
    occurred_on: date
    breach: str | None = None
    subjective: bool | None = None
    retailer_id: int | None = None
    days: int | None = None
    item: str | None = None
    passed: bool | None = None
    training: str | None = None
    exam_score: float | None = None
    veto: str | None = None
    bad_effect: bool | None = None
    finding: str | None = None
    audit_id: str | None = None
    note: str = ""


_FIELDS = (
    "breach",
    "subjective",
    "retailer_id",
    "days",
    "item",
    "passed",
    "training",
    "exam_score",
    "veto",
    "bad_effect",
    "finding",
    "audit_id",
)
_ALLOWED: dict[ScoreEventKind, frozenset[str]] = {
    ScoreEventKind.RULE_BREACH: frozenset({"breach"}),
    ScoreEventKind.COMPLAINT: frozenset({"subjective", "retailer_id"}),
    ScoreEventKind.LEAVE: frozenset({"days"}),
    ScoreEventKind.BASIC_WORK_CHECK: frozenset({"item", "passed"}),
    ScoreEventKind.TRAINING_RESULT: frozenset({"training", "exam_score", "passed"}),
    ScoreEventKind.COMPLIANCE_VETO: frozenset({"veto", "bad_effect"}),
    ScoreEventKind.AUDIT_FINDING: frozenset({"finding", "audit_id"}),
}


def details_of(command: EventCommand, policy: scoring.ScoringPolicy) -> dict[str, Any]:
    """The kind-specific fields to store, validated by building the rules' event.

    Raises
    ------
    InvalidInput
        For a settlement (derived, never typed in), every missing or foreign field at once, a
        value the rules refuse (an exam without a score) or out of range (an exam of 150, a
        leave of 400 days), or an overlong note; naming the field.
    """
    if command.kind is ScoreEventKind.SALES_SETTLEMENT:
        raise InvalidInput("sales settlements come from the imported sales facts", field=("kind",))
    given = {name: getattr(command, name) for name in _FIELDS if getattr(command, name) is not None}
    found = Problems()
    for name in _REQUIRED[command.kind]:
        if name not in given:
            found.add((name,), f"a {command.kind.value} event needs this")
    for name in sorted(set(given) - _ALLOWED[command.kind]):
        found.add((name,), f"a {command.kind.value} event takes no {name}")
    found.raise_if_any()
    details = dict(given)
    note = command.note.strip()
    try:
        scoring.check_text("note", note, scoring.MAX_NOTE_CHARS)
    except scoring.ScoringError as exc:
        raise InvalidInput(str(exc), field=("note",)) from exc
    if note:
        details["note"] = note
    probe = ScoreEventInfo(
        id=1,
        manager_id=command.manager_id,
        kind=command.kind,
        occurred_on=command.occurred_on,
        recorded_by=1,
        recorded_at=datetime.now(UTC),
        details=details,
    )
    event = to_scoring(probe)  # the rules validate the fields of the kind
    try:
        scoring.check_event(event, policy)
    except scoring.ScoringError as exc:
        raise InvalidInput(str(exc), field=(exc.field or "kind",)) from exc
    return details


def to_scoring(event: ScoreEventInfo) -> scoring.ScoreEvent:
    """The rules' event for a stored one (``event_id`` = the stored id as text).

    Raises
    ------
    InvalidInput
        If the stored fields do not make a valid event of its kind.
    """
    d = event.details
    common: dict[str, Any] = {
        "event_id": str(event.id),
        "manager_id": str(event.manager_id),
        "occurred_on": event.occurred_on,
        "recorded_by": str(event.recorded_by),
        "recorded_at": event.recorded_at,
    }
    try:
        match event.kind:
            case ScoreEventKind.SALES_SETTLEMENT:
                return scoring.SalesSettlement(
                    **common,
                    item=d["item"],
                    target=float(d["target"]),
                    actual=float(d["actual"]),
                    points=float(d["points"]),
                )
            case ScoreEventKind.RULE_BREACH:
                return scoring.RuleBreach(**common, kind=scoring.BreachKind(d["breach"]))
            case ScoreEventKind.COMPLAINT:
                rid = d.get("retailer_id")
                return scoring.Complaint(
                    **common,
                    subjective=d["subjective"],
                    retailer_id=None if rid is None else str(rid),
                )
            case ScoreEventKind.LEAVE:
                return scoring.LeaveRecord(**common, days=d["days"])
            case ScoreEventKind.BASIC_WORK_CHECK:
                return scoring.BasicWorkCheck(**common, item=d["item"], passed=d["passed"])
            case ScoreEventKind.TRAINING_RESULT:
                return scoring.TrainingResult(
                    **common,
                    kind=scoring.TrainingKind(d["training"]),
                    exam_score=d.get("exam_score"),
                    passed=d.get("passed"),
                )
            case ScoreEventKind.COMPLIANCE_VETO:
                return scoring.ComplianceVeto(
                    **common, kind=scoring.VetoKind(d["veto"]), bad_effect=d["bad_effect"]
                )
            case ScoreEventKind.AUDIT_FINDING:
                return scoring.AuditFinding(
                    **common,
                    kind=scoring.AuditFindingKind(d["finding"]),
                    audit_id=str(d["audit_id"]),
                )
    except scoring.ScoringError as exc:
        raise InvalidInput(f"{event.kind.value}: {exc}", field=(exc.field or "kind",)) from exc
    except (KeyError, ValueError, TypeError) as exc:
        raise InvalidInput(f"event {event.id} ({event.kind.value}): {exc}") from exc
    raise InvalidInput(f"unknown event kind {event.kind!r}")


def derived_settlements(
    target: MonthlyTarget | None, sales: SalesTotal | None
) -> list[dict[str, Any]] | None:
    """The month's settlement items (details to store) from the target and the sales facts.

    ``None`` when there is no target to settle against: no target row, or an item of zero
    (nothing to complete); the month is then scored by the policy's ``business.no_target``.
    """
    if target is None or target.volume_cartons <= 0 or target.amount_yuan <= 0:
        return None
    actual_volume = 0 if sales is None else sales.volume_cartons
    actual_amount = 0.0 if sales is None else float(sales.amount_yuan)
    items = [
        ("volume_cartons", float(target.volume_cartons), float(actual_volume)),
        ("amount_yuan", float(target.amount_yuan), actual_amount),
    ]
    return [
        {"item": item, "target": wanted, "actual": actual, "points": SETTLEMENT_POINTS[item]}
        for item, wanted, actual in items
    ]
