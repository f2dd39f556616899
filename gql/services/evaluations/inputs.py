"""Inputs shared by the evaluation use cases: the reason kept with a change of the record.

Faults are :class:`~gql.services.errors.InvalidInput` with the Python path of the field, e.g.
``("reason",)``; the API layer turns the path into a camelCase ``userErrors.field``.
"""

from __future__ import annotations

from gql.services.errors import InvalidInput

__all__ = ["MAX_REASON_CHARS", "checked_reason"]

MAX_REASON_CHARS = 400
"""Longest reason of a retraction, decision, amendment or reopening (kept in the history)."""


def checked_reason(reason: str) -> str:
    """A reason stripped of blanks: required, and bounded.

    Raises
    ------
    InvalidInput
        Naming ``reason``.
    """
    text = reason.strip()
    if not text:
        raise InvalidInput("say why", field=("reason",))
    if len(text) > MAX_REASON_CHARS:
        raise InvalidInput(f"at most {MAX_REASON_CHARS} characters", field=("reason",))
    return text
