"""Reading the numbers in a carrier answer: ASCII, bounded, never a Python exception.

``float()`` and ``int()`` are too generous for hostile text: they take ``nan``, ``inf``,
``1e308``, ``1_000`` and Unicode digits (``'²'.isdigit()`` is true and ``int('²')`` raises),
and ``int()`` refuses more than 4,300 digits with a ``ValueError`` the mappers did not expect.
Every number of an answer goes through here and comes out finite and in range, or as a
:class:`MalformedAnswer` naming the field.
"""

from __future__ import annotations

import math
import re

from .errors import MalformedAnswer

__all__ = ["read_code", "read_decimal", "read_percent"]

_DECIMAL = re.compile(r"[+-]?(?:\d{1,20}(?:\.\d{0,20})?|\.\d{1,20})(?:[eE][+-]?\d{1,3})?", re.ASCII)
_CODE = re.compile(r"\d{1,9}", re.ASCII)


def read_decimal(text: str | None, name: str, *, low: float, high: float) -> float:
    """Parse a plain decimal number within ``[low, high]``.

    Examples
    --------
    >>> read_decimal(" 150 ", "radius", low=0, high=200_000)
    150.0
    >>> read_decimal("1e308", "radius", low=0, high=200_000)
    Traceback (most recent call last):
    ...
    adapters.errors.MalformedAnswer: malformed_answer: radius '1e308' is outside [0, 200000]
    """
    raw = (text or "").strip()
    if not _DECIMAL.fullmatch(raw):
        raise MalformedAnswer(f"{name} {_shown(raw)} is not a number")
    value = float(raw)
    if not (math.isfinite(value) and low <= value <= high):
        raise MalformedAnswer(f"{name} {_shown(raw)} is outside [{low:g}, {high:g}]")
    return value


def read_code(text: str | None, name: str) -> int:
    """Parse a result code: one to nine ASCII digits.

    Examples
    --------
    >>> read_code("3001", "ResultCode")
    3001
    """
    raw = (text or "").strip()
    if not _CODE.fullmatch(raw):
        raise MalformedAnswer(f"{name} {_shown(raw)} is not a number")
    return int(raw)


def read_percent(text: str | None, name: str) -> int | None:
    """Parse an optional whole percentage (0-100); absent or empty is None."""
    raw = (text or "").strip()
    if not raw:
        return None
    value = read_code(raw, name)
    if value > 100:
        raise MalformedAnswer(f"{name} {value} is not a percentage")
    return value


def _shown(raw: str, limit: int = 40) -> str:
    """The offending text, short: a 5,000-digit number does not belong in evidence twice."""
    return repr(raw if len(raw) <= limit else raw[:limit] + "...")
