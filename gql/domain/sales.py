"""Sales facts from the ordering system and monthly targets (R1.5, R7.1)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date, datetime


__all__ = [
    "MAX_BRAND_LEN",
    "MonthlyTarget",
    "SalesOrder",
    "SalesOrderDraft",
    "brand_problem",
    "fen_from_yuan",
    "yuan_from_fen",
]

MAX_BRAND_LEN = 64
"""Longer brand names are refused (a column mix-up, not a brand)."""


def brand_problem(brand: str) -> str | None:
    """Why ``brand`` cannot be stored as an order's brand, or ``None`` when it can.

    A brand is trimmed text of 1..64 characters without control characters (a stray tab or
    line break would split the report's tables and spreadsheets).

    >>> brand_problem("利群"), brand_problem("a" + chr(9) + "b")
    (None, 'contains a control character (U+0009)')
    """
    if not brand or brand != brand.strip():
        return "must be trimmed, non-empty text"
    if len(brand) > MAX_BRAND_LEN:
        return f"is {len(brand)} characters long; at most {MAX_BRAND_LEN}"
    for ch in brand:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            return f"contains a control character (U+{ord(ch):04X})"
    return None


def fen_from_yuan(amount_yuan: Decimal) -> int:
    """Convert yuan to whole fen (分), refusing sub-fen amounts instead of rounding them.

    Examples
    --------
    >>> fen_from_yuan(Decimal("12.30"))
    1230
    """
    fen = amount_yuan * 100
    if not fen.is_finite() or fen != fen.to_integral_value():
        raise ValueError(f"amount {amount_yuan} yuan is not a whole number of fen")
    return int(fen)


def yuan_from_fen(amount_fen: int) -> Decimal:
    """Convert whole fen to yuan with two decimals.

    Examples
    --------
    >>> yuan_from_fen(1230)
    Decimal('12.30')
    """
    return Decimal(amount_fen).scaleb(-2)


@dataclass(frozen=True, slots=True)
class SalesOrder:
    """One retailer's order on one day; (retailer, date) is its natural key.

    Volume is in cartons (条); money is in yuan as :class:`~decimal.Decimal` so sums are exact.
    """

    id: int
    retailer_id: int
    order_date: date
    volume_cartons: int
    amount_yuan: Decimal
    brand: str | None = None

    def __post_init__(self) -> None:
        if self.volume_cartons < 0 or self.amount_yuan < 0:
            raise ValueError("an order's volume and amount cannot be negative")


@dataclass(frozen=True, slots=True)
class SalesOrderDraft:
    """An order to write; (retailer, date) decides whether it is new or an update.

    ``brand`` ``None`` is an unknown brand.
    """

    retailer_id: int
    order_date: date
    volume_cartons: int
    amount_yuan: Decimal
    brand: str | None = None

    def __post_init__(self) -> None:
        if self.volume_cartons < 0 or self.amount_yuan < 0:
            raise ValueError("an order's volume and amount cannot be negative")
        fen_from_yuan(self.amount_yuan)
        if self.brand is not None and (problem := brand_problem(self.brand)):
            raise ValueError(f"brand {self.brand!r} {problem}")


@dataclass(frozen=True, slots=True)
class MonthlyTarget:
    """A manager's sales target for one month; ``month`` is the month's first day."""

    id: int
    manager_id: int
    month: date
    volume_cartons: int
    amount_yuan: Decimal
    set_by: int | None = None
    set_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.month.day != 1:
            raise ValueError(f"target month {self.month} must be the first day of the month")
        if self.volume_cartons < 0 or self.amount_yuan < 0:
            raise ValueError("a target's volume and amount cannot be negative")
