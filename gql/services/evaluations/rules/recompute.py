"""What an amendment may change, and the values it derives (R7.5, 第九条).

An amendment changes inputs or parts, never the totals: a month's total is always
``business × 0.6 + quality × 0.4`` of its current parts (0 when void, quality alone when no
target was set and the policy says so), so a file can never contradict itself. Each amendable
field has a range (a part within 0 and its full points, flags true or false, an honour only for
an eligible manager); ``policy_version`` and every derived field (totals, ranks, months served)
are not amendable. Every problem of one amendment is reported at once.
"""

from __future__ import annotations

import enum
import math
from typing import TYPE_CHECKING

from gql.services.evaluations.rules.annual import Honour
from gql.services.evaluations.rules.errors import AmendmentError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gql.services.evaluations.rules.amendments import FieldValue
    from gql.services.evaluations.rules.policy import ScoringPolicy

__all__ = ["AMENDABLE", "DERIVED", "ResultKind", "amended_values", "as_number", "month_total"]


class ResultKind(enum.StrEnum):
    """The kinds of closed result (a month, a quarter, a year)."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


_PARTS = ("business", "discipline", "basic_work", "training")
_MONTH_FLAGS = ("void_by_veto", "dismissal_flag", "honours_lost", "target_missed")

AMENDABLE: dict[ResultKind, tuple[str, ...]] = {
    ResultKind.MONTH: (*_PARTS, *_MONTH_FLAGS),
    ResultKind.QUARTER: ("eliminated",),
    ResultKind.YEAR: ("eligible", "honour"),
}
"""The fields an amendment may set, per kind of result."""

DERIVED: dict[ResultKind, tuple[str, ...]] = {
    ResultKind.MONTH: ("total", "no_target"),
    ResultKind.QUARTER: ("total", "rank", "months_served", "provisional"),
    ResultKind.YEAR: ("total", "rank", "months_served"),
}
"""Fields computed by the policy from others: refused in an amendment, re-derived after it."""


def _full_points(part: str, policy: ScoringPolicy) -> float:
    return {
        "business": policy.business.full_points,
        "discipline": policy.discipline.full_points,
        "basic_work": policy.basic_work.full_points,
        "training": policy.training.full_points,
    }[part]


def as_number(value: object) -> float:
    """A stored numeric value as a float; anything else (None, a flag, text) is 0.

    Examples
    --------
    >>> as_number(92), as_number(None), as_number(True)
    (92.0, 0.0, 0.0)
    """
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def month_total(values: Mapping[str, FieldValue], policy: ScoringPolicy) -> float:
    """A month's total from its parts and flags, as :func:`score_month` derives it.

    Examples
    --------
    >>> from gql.services.evaluations.rules.policy import default_policy
    >>> parts = {"business": 90.0, "discipline": 35.0, "basic_work": 40.0, "training": 20.0}
    >>> round(month_total(parts, default_policy()), 6)
    92.0
    >>> month_total({**parts, "void_by_veto": True}, default_policy())
    0.0
    """
    if values.get("void_by_veto") is True:
        return 0.0
    quality = sum(as_number(values.get(p)) for p in _PARTS[1:])
    if values.get("no_target") is True and policy.business.no_target == "quality_only":
        return quality
    return as_number(values.get("business")) * policy.weights.business + (
        quality * policy.weights.quality
    )


def _check(
    kind: ResultKind, field: str, value: FieldValue, policy: ScoringPolicy
) -> tuple[str, str] | None:
    """The problem with setting ``field`` to ``value``, or ``None``."""
    if field == "policy_version":
        return field, "is not amendable: a result keeps the policy it was scored by"
    if field in DERIVED[kind]:
        hint = "amend a part" if kind is ResultKind.MONTH else "amend its months, or reopen"
        return field, f"is derived by the policy, not amendable ({hint})"
    if field not in AMENDABLE[kind]:
        return field, f"is not a field of a {kind.value} (amendable: {', '.join(AMENDABLE[kind])})"
    if field in _PARTS:
        full = _full_points(field, policy)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return field, f"must be a number, got {value!r}"
        if not math.isfinite(value) or not 0 <= value <= full:
            return field, f"must be within 0..{full:g}, got {value!r}"
        return None
    if field == "honour":
        allowed = {h.value for h in Honour}
        if value is not None and value not in allowed:
            return field, f"must be one of {sorted(allowed)} or none, got {value!r}"
        return None
    if not isinstance(value, bool):
        return field, f"must be true or false, got {value!r}"
    return None


def amended_values(
    kind: ResultKind,
    current: Mapping[str, FieldValue],
    changes: Mapping[str, FieldValue],
    policy: ScoringPolicy,
) -> dict[str, FieldValue]:
    """The fields an amendment changes: the given ones, checked, plus what they derive.

    Parameters
    ----------
    kind : ResultKind
        Month, quarter or year.
    current : Mapping[str, FieldValue]
        The result's values after every earlier amendment.
    changes : Mapping[str, FieldValue]
        New values of amendable fields.
    policy : ScoringPolicy
        Ranges (full points) and the total's weights.

    Returns
    -------
    dict[str, FieldValue]
        Every field whose value changes, derived ones (``total``, ``no_target``) included.

    Raises
    ------
    AmendmentError
        Listing every problem (``field``: the first one's field).

    Examples
    --------
    >>> from gql.services.evaluations.rules.policy import default_policy
    >>> now = {"business": 90.0, "discipline": 35.0, "basic_work": 40.0, "training": 20.0,
    ...        "total": 92.0, "void_by_veto": False}
    >>> amended_values(ResultKind.MONTH, now, {"discipline": 40.0}, default_policy())
    {'discipline': 40.0, 'total': 94.0}
    """
    if not changes:
        raise AmendmentError("an amendment must change at least one field")
    problems = [p for f, v in changes.items() if (p := _check(kind, f, v, policy))]
    values = {**current, **changes}
    if kind is ResultKind.YEAR and values.get("honour") is not None and not values.get("eligible"):
        problems.append(("honour", "an honour needs an eligible manager (set eligible too)"))
    if problems:
        raise AmendmentError("; ".join(f"{f}: {m}" for f, m in problems), field=problems[0][0])
    if kind is ResultKind.MONTH:
        if "business" in changes and current.get("no_target") is True:
            values["no_target"] = False  # the amendment supplies the missing settlement
        values["total"] = month_total(values, policy)
    out = {f: v for f, v in values.items() if f in changes or _differs(current.get(f), v)}
    return {f: v for f, v in out.items() if f in changes or f in DERIVED[kind]}


def _differs(old: FieldValue, new: FieldValue) -> bool:
    if isinstance(old, float | int) and isinstance(new, float | int):
        return not math.isclose(float(old), float(new), rel_tol=0, abs_tol=1e-9)
    return old != new
