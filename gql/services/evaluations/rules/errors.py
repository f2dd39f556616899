"""Typed errors of the scoring rules: every bad input is named for what is wrong with it."""

from __future__ import annotations

__all__ = [
    "AmendmentError",
    "EventError",
    "GoalError",
    "PeriodError",
    "PolicyError",
    "ScoringError",
]


class ScoringError(ValueError):
    """Base of every error raised by the scoring rules (a ``ValueError``: the input is wrong)."""


class PolicyError(ScoringError):
    """The policy file is missing a key, has a wrong type or an out-of-range value.

    Parameters
    ----------
    key : str
        Dotted path of the offending key, so the region's author can find it.
    problem : str
        What is wrong with it.
    """

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"policy key {key!r}: {problem}")
        self.key = key
        self.problem = problem


class EventError(ScoringError):
    """An event is malformed or does not belong to the period or person being scored."""


class PeriodError(ScoringError):
    """A month, quarter or year is out of range, or results of different periods were mixed."""


class GoalError(ScoringError):
    """A goal is not measurable, or a manager has more goals in a period than the policy allows."""


class AmendmentError(ScoringError):
    """An amendment is out of order, changes nothing, names an unknown field or lacks a reason."""
