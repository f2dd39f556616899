"""Typed errors of the scoring rules: every bad input is named for what is wrong with it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "AmendmentError",
    "EventError",
    "GoalError",
    "PeriodError",
    "PolicyError",
    "ScoringError",
]


class ScoringError(ValueError):
    """Base of every error raised by the scoring rules (a ``ValueError``: the input is wrong).

    ``field`` names the input at fault (a Python name such as ``"exam_score"``) when there is
    one, so the API can point at it.
    """

    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        if field is not None:
            self.field = field


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
        self.problems: tuple[PolicyError, ...] = (self,)

    @classmethod
    def of(cls, problems: Sequence[PolicyError]) -> PolicyError:
        """One error for several problems: the first names ``key``; the message lists all."""
        first = problems[0]
        error = cls(first.key, first.problem)
        error.problems = tuple(problems)
        if len(problems) > 1:
            error.args = ("\n".join(str(p) for p in problems),)
        return error

    def lines(self) -> list[str]:
        """One line per problem, for an operator."""
        return [str(p.args[0]) for p in self.problems]


class EventError(ScoringError):
    """An event is malformed or does not belong to the period or person being scored."""


class PeriodError(ScoringError):
    """A month, quarter or year is out of range, or results of different periods were mixed."""


class GoalError(ScoringError):
    """A goal is not measurable, or a manager has more goals in a period than the policy allows."""


class AmendmentError(ScoringError):
    """An amendment is out of order, changes nothing, names an unknown field or lacks a reason."""
