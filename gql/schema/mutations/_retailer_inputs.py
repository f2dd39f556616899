"""Inputs shared by ``retailerCreate`` and ``retailerUpdate``."""

from __future__ import annotations

import strawberry

from gql.schema.types.enums import CoordinateSystemEnum
from gql.services.directory.retailer_admin import WindowSpec

__all__ = ["CoordinateSystemEnum", "OpeningWindowInput", "windows_from"]


@strawberry.input(description="One opening interval.")
class OpeningWindowInput:
    """Opening interval in seconds since local midnight."""

    open_s: int = strawberry.field(description="Opens, seconds since midnight (0..86399).")
    close_s: int = strawberry.field(description="Closes, seconds since midnight (1..86400).")
    weekday: int | None = strawberry.field(
        default=None, description="0 = Monday .. 6 = Sunday; null for every day."
    )


def windows_from(inputs: list[OpeningWindowInput]) -> tuple[WindowSpec, ...]:
    """The windows as sent; the service checks each one (and names it by its index)."""
    return tuple(WindowSpec(i.open_s, i.close_s, i.weekday) for i in inputs)
