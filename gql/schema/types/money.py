"""Money as an exact decimal with its currency, never a binary float."""

from __future__ import annotations

import enum
import math
from decimal import Decimal

import strawberry

from gql.schema.types.enums import described_enum

__all__ = ["Currency", "Money", "money_from_fen", "money_from_yuan"]


class Currency(enum.StrEnum):
    """ISO 4217 currency codes the company deals in."""

    CNY = "CNY"


described_enum(
    Currency,
    name="Currency",
    description="An ISO 4217 currency code.",
    value_descriptions={Currency.CNY: "Chinese yuan renminbi (元); two decimals (fen, 分)."},
)

_FEN = Decimal("0.01")


@strawberry.type(
    description="An amount of money: an exact decimal string and its currency, e.g. "
    '{amount: "9199795.64", currency: CNY}.'
)
class Money:
    """Amount and currency; the amount has the currency's decimals (2 for CNY)."""

    amount: Decimal = strawberry.field(
        description="Exact amount in plain decimal notation, with the currency's decimals."
    )
    currency: Currency = strawberry.field(description="ISO 4217 code.")


def money_from_fen(fen: int) -> Money:
    """Whole fen (分), as stored, to yuan."""
    return Money(amount=Decimal(fen).scaleb(-2).quantize(_FEN), currency=Currency.CNY)


def money_from_yuan(yuan: float | Decimal) -> Money:
    """Yuan to the fen, from an exact decimal or from a float sum of fen-exact amounts.

    A float sum of amounts with at most two decimals (9199795.640000002) is off by far less
    than half a fen below 10^12 yuan, so rounding to the fen restores the exact amount.
    """
    if isinstance(yuan, float) and not math.isfinite(yuan):
        raise ValueError(f"amount {yuan} is not finite")
    value = yuan if isinstance(yuan, Decimal) else Decimal(repr(yuan))
    return Money(amount=value.quantize(_FEN), currency=Currency.CNY)
