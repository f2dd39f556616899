"""One file per person (一人一档, R7.5): a closed result never changes; amendments are appended.

Essay 7, 第九条: 严禁任何人私自修改考评结果. The model is a closed result plus an ordered list of
amendments, each with author, reason, time and the fields it changes. The current view and the
view at any time are derived; the full history (closing + every amendment, with old and new
values) is always available. Who may close or amend is enforced by the API layer; this module
makes an unrecorded change impossible to express.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from gql.services.evaluations.rules.errors import AmendmentError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gql.services.evaluations.rules.result import MonthlyScore

__all__ = [
    "Amendment",
    "ClosedResult",
    "FieldChange",
    "FieldValue",
    "ResultFile",
    "Version",
    "close_monthly",
]

FieldValue = int | float | str | bool | None
"""A value stored in a closed result: scalars only, so a result is a flat, comparable record."""


def _aware(name: str, value: datetime) -> None:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise AmendmentError(f"{name} must be a timezone-aware datetime, got {value!r}")


def _text(name: str, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise AmendmentError(f"{name} must be a non-empty string, got {value!r}")


def _scalar(field: str, value: object) -> None:
    if value is not None and not isinstance(value, int | float | str | bool):
        raise AmendmentError(f"field {field!r}: {type(value).__name__} is not a scalar value")
    if isinstance(value, float) and not math.isfinite(value):
        raise AmendmentError(f"field {field!r}: value must be finite, got {value!r}")


def _kind(value: FieldValue) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return "text"


def _pairs(values: Mapping[str, FieldValue]) -> tuple[tuple[str, FieldValue], ...]:
    for key, value in values.items():
        _text("field name", key)
        _scalar(key, value)
    return tuple(sorted(values.items()))


@dataclass(frozen=True, slots=True)
class ClosedResult:
    """A result as closed by the marketing department (version 0 of the file)."""

    subject_id: str
    period: str
    values: tuple[tuple[str, FieldValue], ...]
    closed_by: str
    closed_at: datetime

    def __post_init__(self) -> None:
        _text("subject_id", self.subject_id)
        _text("period", self.period)
        _text("closed_by", self.closed_by)
        _aware("closed_at", self.closed_at)
        if not self.values:
            raise AmendmentError("a closed result needs at least one field")

    @classmethod
    def of(
        cls,
        subject_id: str,
        period: str,
        values: Mapping[str, FieldValue],
        *,
        closed_by: str,
        closed_at: datetime,
    ) -> ClosedResult:
        """Build from a mapping of field values."""
        return cls(subject_id, period, _pairs(values), closed_by, closed_at)


@dataclass(frozen=True, slots=True)
class Amendment:
    """A recorded change: who, why, when and the new values of the fields it changes."""

    amendment_id: str
    author: str
    reason: str
    at: datetime
    changes: tuple[tuple[str, FieldValue], ...]

    def __post_init__(self) -> None:
        _text("amendment_id", self.amendment_id)
        _text("author", self.author)
        _text("reason", self.reason)
        _aware("at", self.at)
        if not self.changes:
            raise AmendmentError(f"amendment {self.amendment_id} changes no field")

    @classmethod
    def of(
        cls,
        amendment_id: str,
        *,
        author: str,
        reason: str,
        at: datetime,
        changes: Mapping[str, FieldValue],
    ) -> Amendment:
        """Build from a mapping of new field values."""
        return cls(amendment_id, author, reason, at, _pairs(changes))


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field's old and new value in one version."""

    field: str
    old: FieldValue
    new: FieldValue


@dataclass(frozen=True, slots=True)
class Version:
    """One entry of the history: version 0 is the closing, then one per amendment."""

    number: int
    at: datetime
    author: str
    reason: str
    changes: tuple[FieldChange, ...]
    values: tuple[tuple[str, FieldValue], ...]


@dataclass(frozen=True, slots=True)
class ResultFile:
    """A closed result and its amendments, validated as a whole on construction.

    Raises
    ------
    AmendmentError
        If an amendment predates the closing or the previous amendment, reuses an id, names a
        field the result does not have, or sets a field to the value it already has.
    """

    closed: ClosedResult
    amendments: tuple[Amendment, ...] = ()

    def __post_init__(self) -> None:
        self._replay()

    def _replay(self) -> tuple[Version, ...]:
        values = dict(self.closed.values)
        versions = [
            Version(
                0,
                self.closed.closed_at,
                self.closed.closed_by,
                "closed",
                tuple(FieldChange(k, None, v) for k, v in self.closed.values),
                self.closed.values,
            )
        ]
        last = self.closed.closed_at
        ids: set[str] = set()
        for number, a in enumerate(self.amendments, start=1):
            if a.amendment_id in ids:
                raise AmendmentError(f"duplicate amendment id {a.amendment_id!r}")
            ids.add(a.amendment_id)
            if a.at <= last:
                raise AmendmentError(
                    f"amendment {a.amendment_id} at {a.at.isoformat()} is not after "
                    f"{last.isoformat()}"
                )
            last = a.at
            changes = []
            for field, new in a.changes:
                if field not in values:
                    raise AmendmentError(
                        f"amendment {a.amendment_id}: unknown field {field!r} "
                        f"(known: {sorted(values)})"
                    )
                old = values[field]
                if "none" not in (_kind(old), _kind(new)) and _kind(old) != _kind(new):
                    raise AmendmentError(
                        f"amendment {a.amendment_id}: {field!r} is a {_kind(old)}, "
                        f"cannot become a {_kind(new)} ({new!r})"
                    )
                if old == new and type(old) is type(new):
                    raise AmendmentError(
                        f"amendment {a.amendment_id}: {field!r} already is {new!r}"
                    )
                changes.append(FieldChange(field, old, new))
                values[field] = new
            versions.append(
                Version(
                    number, a.at, a.author, a.reason, tuple(changes), tuple(sorted(values.items()))
                )
            )
        return tuple(versions)

    def amend(self, amendment: Amendment) -> ResultFile:
        """Return a new file with ``amendment`` appended (the original is unchanged)."""
        return ResultFile(self.closed, (*self.amendments, amendment))

    def history(self) -> tuple[Version, ...]:
        """Every version, oldest first, with the changes and the full values after each."""
        return self._replay()

    def current(self) -> dict[str, FieldValue]:
        """Return the values after every amendment."""
        return dict(self._replay()[-1].values)

    def as_of(self, at: datetime) -> dict[str, FieldValue]:
        """Return the values as they stood at ``at``.

        Raises
        ------
        AmendmentError
            If ``at`` is naive or before the result was closed.
        """
        _aware("at", at)
        if at < self.closed.closed_at:
            raise AmendmentError(f"the result was not closed yet at {at.isoformat()}")
        versions = [v for v in self._replay() if v.at <= at]
        return dict(versions[-1].values)


def close_monthly(score: MonthlyScore, *, closed_by: str, closed_at: datetime) -> ClosedResult:
    """Close a monthly score: the fields that go into the person's file."""
    return ClosedResult.of(
        score.manager_id,
        str(score.month),
        {
            "policy_version": score.policy_version,
            "business": score.business,
            "discipline": score.discipline,
            "basic_work": score.basic_work,
            "training": score.training,
            "total": score.total,
            "void_by_veto": score.void_by_veto,
            "dismissal_flag": score.dismissal_flag,
            "honours_lost": score.honours_lost,
            "target_missed": score.target_missed,
            "no_target": score.no_target,
        },
        closed_by=closed_by,
        closed_at=closed_at,
    )
