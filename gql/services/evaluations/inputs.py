"""Input problems of the evaluation use cases, with the Python path of the field at fault.

:class:`InvalidField` is an :class:`~gql.services.errors.InvalidInput` (code
``BAD_USER_INPUT``) that also names its field, e.g. ``("exam_score",)``; the API layer turns
the path into a camelCase ``userErrors.field``. Services speak Python names only.
"""

from __future__ import annotations

from gql.services.errors import InvalidInput

__all__ = ["MAX_REASON_CHARS", "InvalidField", "checked_reason"]

MAX_REASON_CHARS = 400
"""Longest reason of a retraction, decision, amendment or reopening (kept in the history)."""


class InvalidField(InvalidInput):
    """A value the caller must fix, and the field (a Python path) it was given in."""

    def __init__(self, field: str | tuple[str, ...], message: str) -> None:
        self.path: tuple[str, ...] = (field,) if isinstance(field, str) else field
        prefix = f"{self.path[-1]}: "
        super().__init__(message.removeprefix(prefix), field=self.path)


def checked_reason(reason: str) -> str:
    """A reason stripped of blanks: required, and bounded.

    Raises
    ------
    InvalidField
        Naming ``reason``.
    """
    text = reason.strip()
    if not text:
        raise InvalidField("reason", "say why")
    if len(text) > MAX_REASON_CHARS:
        raise InvalidField("reason", f"at most {MAX_REASON_CHARS} characters")
    return text
