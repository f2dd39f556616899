"""What the caller asks of one locate: accuracy, freshness and time budget."""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["InvalidQos", "Qos"]


class InvalidQos(ValueError):
    """A quality-of-service value is out of range."""


@dataclass(frozen=True, slots=True)
class Qos:
    """Quality of service for one locate.

    Parameters
    ----------
    accuracy_m : float
        Radius the caller would like; a cached fix wider than this is not reused.
    max_age_s : float
        Oldest fix the caller accepts as current (0 forces a fresh fix). Older answers are
        still returned, flagged ``stale``.
    deadline_s : float
        Wall-clock budget for the whole locate, fallbacks and retry included. Always finite,
        because a carrier that never answers must not hang a check-in.

    Examples
    --------
    >>> Qos(accuracy_m=200, max_age_s=300, deadline_s=20).deadline_s
    20
    """

    accuracy_m: float = 200.0
    max_age_s: float = 300.0
    deadline_s: float = 20.0

    def __post_init__(self) -> None:
        _check("accuracy_m", self.accuracy_m, lowest=1.0, highest=100_000.0)
        _check("max_age_s", self.max_age_s, lowest=0.0, highest=86_400.0)
        _check("deadline_s", self.deadline_s, lowest=0.05, highest=600.0)


def _check(name: str, value: float, *, lowest: float, highest: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidQos(f"{name} must be a number, got {type(value).__name__}")
    if not math.isfinite(value) or not lowest <= value <= highest:
        raise InvalidQos(f"{name} must be within [{lowest}, {highest}], got {value!r}")
