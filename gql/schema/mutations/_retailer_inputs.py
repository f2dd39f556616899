"""Inputs shared by ``retailerCreate`` and ``retailerUpdate``."""

from __future__ import annotations

import strawberry

from gql.domain import OpeningWindow
from gql.schema.types.enums import CoordinateSystemEnum
from gql.services.directory.retailer_admin import FieldProblem, RetailerEditRejected

__all__ = ["CoordinateSystemEnum", "OpeningWindowInput", "windows_from"]


@strawberry.input(description="One opening interval.")
class OpeningWindowInput:
    """Opening interval in seconds since local midnight."""

    open_s: int = strawberry.field(description="Opens, seconds since midnight (0..86399).")
    close_s: int = strawberry.field(description="Closes, seconds since midnight (1..86400).")
    weekday: int | None = strawberry.field(
        default=None, description="0 = Monday .. 6 = Sunday; null for every day."
    )


def windows_from(inputs: list[OpeningWindowInput]) -> tuple[OpeningWindow, ...]:
    """Domain windows, or :class:`RetailerEditRejected` naming each bad window."""
    windows: list[OpeningWindow] = []
    problems: list[FieldProblem] = []
    for index, item in enumerate(inputs):
        try:
            windows.append(
                OpeningWindow(open_s=item.open_s, close_s=item.close_s, weekday=item.weekday)
            )
        except ValueError as exc:
            problems.append(
                FieldProblem(("input", "openingWindows", str(index)), str(exc), "INVALID")
            )
    if problems:
        raise RetailerEditRejected(problems)
    return tuple(windows)
