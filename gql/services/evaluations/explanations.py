"""Why a result is what it is: its lines, the rule and event behind each point, its flags.

Every month, quarter and year the API shows carries an :class:`Explanation` built here: a
month's score lines (with the sales figures of each business item and one line per amendment,
so the lines always add up to the current total), its dismissal, veto, target and honours
flags with their events; a quarter's monthly totals and elimination flags; a year's monthly
totals, eligibility (each reason with its months) and honour. Ids are the stored ids (ints);
the API turns them into global IDs.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from gql.domain.evaluations import PeriodKind, RankScope
from gql.services.evaluations import rules as scoring

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from gql.domain.evaluations import EvaluationResultInfo

__all__ = [
    "Explanation",
    "FlagKind",
    "FlagView",
    "LineView",
    "SalesItem",
    "amendment_lines",
    "explain_month",
    "explain_result",
    "line_json",
    "lines_from_score",
    "stored_lines",
]


class FlagKind(enum.StrEnum):
    """What a result flags."""

    VOID_BY_VETO = "VOID_BY_VETO"
    DISMISSAL = "DISMISSAL"
    HONOURS_LOST = "HONOURS_LOST"
    TARGET_MISSED = "TARGET_MISSED"
    NO_TARGET = "NO_TARGET"
    ELIMINATION = "ELIMINATION"
    PROVISIONAL = "PROVISIONAL"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    HONOUR = "HONOUR"


@dataclass(frozen=True, slots=True)
class SalesItem:
    """One settled sales item: target, actual and completion, exact (cartons or yuan)."""

    item: str
    target: Decimal
    actual: Decimal
    points: float
    completion: float


@dataclass(frozen=True, slots=True)
class LineView:
    """One contribution to a month: part, rule, points, and what caused it.

    ``event_ids`` are stored events; a settlement not recorded yet (a preview) cites none and
    carries its ``sales`` figures; an amendment's line cites its history version.
    """

    part: scoring.Part
    rule: str
    points: float
    weighted_points: float
    note: str
    event_ids: tuple[int, ...] = ()
    sales: SalesItem | None = None
    amendment_version: int | None = None


@dataclass(frozen=True, slots=True)
class FlagView:
    """A flag with its machine-readable ``reason``, words, events and months."""

    flag: FlagKind
    reason: str
    note: str
    event_ids: tuple[int, ...] = ()
    months: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a result is what it is (see the module docstring)."""

    kind: PeriodKind
    lines: tuple[LineView, ...] = ()
    flags: tuple[FlagView, ...] = ()
    monthly_totals: tuple[tuple[str, float], ...] = ()
    review_deadline: date | None = None
    scope: RankScope | None = None
    honour_rank: int | None = None


def _ids(event_ids: Sequence[str]) -> tuple[int, ...]:
    return tuple(int(e) for e in event_ids if e.isdigit())


def _sales_json(item: SalesItem) -> dict[str, Any]:
    return {
        "item": item.item,
        "target": str(item.target),
        "actual": str(item.actual),
        "points": item.points,
        "completion": item.completion,
    }


def line_json(line: LineView) -> dict[str, Any]:
    """A line as kept in a closed result's provenance."""
    out: dict[str, Any] = {
        "part": line.part.value,
        "rule": line.rule,
        "points": line.points,
        "weighted_points": line.weighted_points,
        "event_ids": [str(e) for e in line.event_ids],
        "note": line.note,
    }
    if line.sales is not None:
        out["sales"] = _sales_json(line.sales)
    return out


def stored_lines(detail: Mapping[str, Any]) -> tuple[LineView, ...]:
    """The lines kept with a closed month (older results have no sales figures)."""
    out = []
    for d in detail.get("lines", []):
        sales = d.get("sales")
        out.append(
            LineView(
                scoring.Part(d["part"]),
                d["rule"],
                float(d["points"]),
                float(d["weighted_points"]),
                d["note"],
                _ids(d["event_ids"]),
                None
                if sales is None
                else SalesItem(
                    sales["item"],
                    Decimal(sales["target"]),
                    Decimal(sales["actual"]),
                    float(sales["points"]),
                    float(sales["completion"]),
                ),
            )
        )
    return tuple(out)


def lines_from_score(
    score: scoring.MonthlyScore, settlements: Mapping[str, scoring.SalesSettlement]
) -> tuple[LineView, ...]:
    """A computed month's lines, with each business line's sales figures.

    ``settlements`` maps a settlement's event id to the event (stored or derived).
    """
    out = []
    for line in score.lines:
        sale = next((settlements[e] for e in line.event_ids if e in settlements), None)
        out.append(
            LineView(
                line.part,
                line.rule,
                line.points,
                line.weighted_points,
                line.note,
                _ids(line.event_ids),
                None
                if sale is None
                else SalesItem(
                    sale.item,
                    _exact(sale.target, sale.item),
                    _exact(sale.actual, sale.item),
                    sale.points,
                    sale.completion,
                ),
            )
        )
    return tuple(out)


def _exact(value: float, item: str) -> Decimal:
    """A settled figure as the exact decimal it came from: whole cartons, or yuan to the fen.

    The shortest repr of a float sum of fen-exact amounts is that amount (below 10^13 yuan).
    """
    step = Decimal("0.01") if item.endswith("yuan") else Decimal(1)
    return Decimal(repr(value)).quantize(step)


_PART_WEIGHT = {
    "business": "business",
    "discipline": "quality",
    "basic_work": "quality",
    "training": "quality",
}


def amendment_lines(
    result: EvaluationResultInfo, policy: scoring.ScoringPolicy
) -> tuple[LineView, ...]:
    """One line per part an amendment changed, and one for any rest of the total's change.

    So the lines of a month always add up to its current total, and each point the amendment
    moved names the amendment (author, reason and time are in the history).
    """
    values: dict[str, Any] = dict(result.values)
    out: list[LineView] = []
    for a in result.amendments:
        before = dict(values)
        values.update(a.changes)
        covered = 0.0
        for part, weight_of in _PART_WEIGHT.items():
            if part not in a.changes:
                continue
            delta = scoring.as_number(values.get(part)) - scoring.as_number(before.get(part))
            weight = getattr(policy.weights, weight_of)
            if values.get("no_target") is True and policy.business.no_target == "quality_only":
                weight = 0.0 if part == "business" else 1.0
            if values.get("void_by_veto") is True:
                weight = 0.0
            covered += delta * weight
            out.append(
                LineView(
                    scoring.Part(part),
                    "amendment",
                    delta,
                    delta * weight,
                    a.reason,
                    (),
                    None,
                    a.seq,
                )
            )
        rest = (
            scoring.as_number(values.get("total"))
            - scoring.as_number(before.get("total"))
            - covered
        )
        if abs(rest) > 1e-9:
            part = scoring.Part.VETO if "void_by_veto" in a.changes else scoring.Part.BUSINESS
            line = LineView(part, "amendment", 0.0, rest, a.reason)
            out.append(replace(line, amendment_version=a.seq))
    return tuple(out)


def explain_month(
    lines: Sequence[LineView],
    dismissals: Sequence[scoring.Dismissal],
    values: Mapping[str, Any],
    review_deadline: date | None,
) -> Explanation:
    """A month's lines and flags (dismissals as stored, the rest from the current values)."""
    flags: list[FlagView] = []
    if values.get("void_by_veto"):
        cited = tuple(e for line in lines if line.rule == "compliance_veto" for e in line.event_ids)
        flags.append(
            FlagView(
                FlagKind.VOID_BY_VETO,
                "compliance_veto",
                "a proven compliance violation voids the month (一票否决)",
                cited,
            )
        )
    if values.get("dismissal_flag"):
        flags.extend(
            FlagView(
                FlagKind.DISMISSAL, d.reason.value, _DISMISSAL_NOTES[d.reason], _ids(d.event_ids)
            )
            for d in dismissals
        )
        if not dismissals:
            flags.append(FlagView(FlagKind.DISMISSAL, "amendment", "set by amendment"))
    if values.get("honours_lost"):
        reason = "compliance_veto" if values.get("void_by_veto") else "amendment"
        flags.append(FlagView(FlagKind.HONOURS_LOST, reason, "no year-end honour this year"))
    if values.get("target_missed"):
        missed = tuple(
            e
            for line in lines
            if line.sales is not None and line.sales.completion < 1.0
            for e in line.event_ids
        )
        flags.append(
            FlagView(
                FlagKind.TARGET_MISSED,
                "sales_below_target",
                "a sales item completed below its target (counts towards 连续两个月完不成)",
                missed,
            )
        )
    if values.get("no_target"):
        flags.append(
            FlagView(FlagKind.NO_TARGET, "no_target", "no sales target was set for the month")
        )
    return Explanation(
        PeriodKind.MONTH, tuple(lines), tuple(flags), review_deadline=review_deadline
    )


_DISMISSAL_NOTES = {
    scoring.DismissalReason.BREACH_LIMIT: "three verified breaches (累计被查处达3次)",
    scoring.DismissalReason.GRAVE_BREACH: "a grave breach (吃拿卡要, 以烟谋私, 私事私活, 擅离职守)",
    scoring.DismissalReason.LONG_LEAVE: "a leave of more than 15 days at once",
    scoring.DismissalReason.FREQUENT_LEAVE: "three leaves in one month",
    scoring.DismissalReason.COMPLAINT_LIMIT: "three complaints with a subjective cause",
    scoring.DismissalReason.COMPLIANCE_VETO: "a compliance violation with bad effect",
}


def explain_result(
    result: EvaluationResultInfo, current: Mapping[str, Any], policy: scoring.ScoringPolicy
) -> Explanation:
    """The explanation of a closed result, from its stored detail and current values."""
    detail = result.detail
    deadline = detail.get("review_deadline")
    review_deadline = date.fromisoformat(deadline) if deadline else None
    if result.kind is PeriodKind.MONTH:
        dismissals = tuple(
            scoring.Dismissal(scoring.DismissalReason(d["reason"]), tuple(d["event_ids"]))
            for d in detail.get("dismissals", [])
        )
        lines = (*stored_lines(detail), *amendment_lines(result, policy))
        return explain_month(lines, dismissals, current, review_deadline)
    totals = tuple((str(m), float(t)) for m, t in detail.get("monthly_totals", []))
    flags: list[FlagView] = []
    if result.kind is PeriodKind.QUARTER:
        if current.get("eliminated"):
            flags.extend(
                FlagView(
                    FlagKind.ELIMINATION,
                    e["reason"],
                    _ELIMINATION_NOTES.get(e["reason"], e["reason"])
                    + (
                        " (tied at the cut: the review meeting decides)" if e["tied_at_cut"] else ""
                    ),
                    months=tuple(e["months"]),
                )
                for e in detail.get("eliminations", [])
            )
            if not detail.get("eliminations"):
                flags.append(FlagView(FlagKind.ELIMINATION, "amendment", "set by amendment"))
        if current.get("provisional"):
            flags.append(
                FlagView(
                    FlagKind.PROVISIONAL,
                    "few_months",
                    f"served fewer than {policy.ranking.min_months_for_elimination} months of "
                    "the quarter: ranked, not cut",
                )
            )
    else:
        if not current.get("eligible"):
            reasons = detail.get("ineligible", [])
            flags.extend(
                FlagView(
                    FlagKind.NOT_ELIGIBLE,
                    i["reason"],
                    _INELIGIBLE_NOTES.get(i["reason"], i["reason"]),
                    months=tuple(i["months"]),
                )
                for i in reasons
            )
            if not reasons:
                flags.append(FlagView(FlagKind.NOT_ELIGIBLE, "amendment", "set by amendment"))
        honour = current.get("honour")
        if honour:
            rank = detail.get("honour_rank")
            flags.append(
                FlagView(
                    FlagKind.HONOUR,
                    str(honour),
                    f"rank {rank} among the eligible" if rank else "set by amendment",
                )
            )
    return Explanation(
        result.kind,
        (),
        tuple(flags),
        totals,
        review_deadline,
        result.scope,
        detail.get("honour_rank"),
    )


_ELIMINATION_NOTES = {
    "lowest_quarterly_total": "one of the two lowest quarterly totals (季度考评总分最低的两名)",
    "target_missed_running": "sales target missed two months running (连续两个月完不成)",
}
_INELIGIBLE_NOTES = {
    "few_months": "served fewer months of the year than honours require",
    "void_month": "a month void by compliance veto",
    "dismissal_flag": "a month with a dismissal flag",
    "honours_lost": "a month whose year-end honours were taken",
}
