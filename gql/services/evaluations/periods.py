"""Evaluation periods as text (``2026-10``, ``2026-Q4``, ``2026``) and their calendar days."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gql.domain.evaluations import PeriodKind
from gql.services.errors import InvalidInput
from gql.services.evaluations import rules as scoring

if TYPE_CHECKING:
    from datetime import date

__all__ = ["Period", "any_period", "parse_period"]

_PATTERNS = {
    PeriodKind.MONTH: re.compile(r"^(\d{4})-(\d{2})$"),
    PeriodKind.QUARTER: re.compile(r"^(\d{4})-Q([1-4])$"),
    PeriodKind.YEAR: re.compile(r"^(\d{4})$"),
}
_EXAMPLES = {PeriodKind.MONTH: "2026-10", PeriodKind.QUARTER: "2026-Q4", PeriodKind.YEAR: "2026"}


@dataclass(frozen=True, slots=True)
class Period:
    """A month, quarter or year, with its months and first/last days."""

    kind: PeriodKind
    text: str
    months: tuple[scoring.Month, ...]

    @property
    def first_day(self) -> date:
        """First calendar day."""
        return self.months[0].first_day

    @property
    def last_day(self) -> date:
        """Last calendar day."""
        return self.months[-1].last_day

    @property
    def quarter(self) -> scoring.Quarter:
        """The quarter (only for a QUARTER period)."""
        month = self.months[0]
        return scoring.Quarter(month.year, (month.month - 1) // 3 + 1)


def parse_period(kind: PeriodKind, text: str) -> Period:
    """Parse ``text`` as a period of ``kind``.

    Raises
    ------
    InvalidInput
        Naming the expected format.

    Examples
    --------
    >>> [str(m) for m in parse_period(PeriodKind.QUARTER, "2026-Q4").months]
    ['2026-10', '2026-11', '2026-12']
    """
    match = _PATTERNS[kind].match(text.strip())
    if match is None:
        raise InvalidInput(
            f"{text!r} is not a {kind.value.lower()} like {_EXAMPLES[kind]}", field=("period",)
        )
    year = int(match.group(1))
    try:
        if kind is PeriodKind.MONTH:
            months: tuple[scoring.Month, ...] = (scoring.Month(year, int(match.group(2))),)
        elif kind is PeriodKind.QUARTER:
            months = scoring.Quarter(year, int(match.group(2))).months
        else:
            months = tuple(scoring.Month(year, m) for m in range(1, 13))
    except scoring.PeriodError as exc:
        raise InvalidInput(str(exc), field=("period",)) from exc
    return Period(kind, text.strip(), months)


def any_period(text: str) -> Period:
    """A month, quarter or year, whichever ``text`` is.

    Examples
    --------
    >>> any_period("2026-Q4").kind
    <PeriodKind.QUARTER: 'QUARTER'>
    """
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
        try:
            return parse_period(kind, text)
        except InvalidInput:
            continue
    raise InvalidInput(
        f"{text!r} is not a month, quarter or year (2026-10, 2026-Q4, 2026)", field=("period",)
    )
