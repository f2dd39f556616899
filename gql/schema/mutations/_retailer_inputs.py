"""Inputs shared by ``retailerCreate`` and ``retailerUpdate``."""

from __future__ import annotations

import enum

import strawberry

from gql.domain import OpeningWindow
from gql.services.retailer_admin import FieldProblem, RetailerEditRejected

__all__ = ["CoordinateSystemEnum", "OpeningWindowInput", "windows_from"]


@strawberry.enum(name="CoordinateSystem", description="The datum of a pair of coordinates.")
class CoordinateSystemEnum(enum.Enum):
    """Coordinate systems accepted on input; everything is stored in WGS-84."""

    WGS84 = strawberry.enum_value("WGS84", description="GPS / international maps.")
    GCJ02 = strawberry.enum_value("GCJ02", description="国测局 GCJ-02: AMap, Tencent maps.")
    BD09 = strawberry.enum_value("BD09", description="百度 BD-09: Baidu maps.")


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
