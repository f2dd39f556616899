"""Input problems of the evaluation use cases, with the Python path of the field at fault.

:class:`InvalidField` is an :class:`~gql.services.errors.InvalidQuery` (code
``BAD_USER_INPUT``) that also names its field, e.g. ``("exam_score",)``; the API layer turns
the path into a camelCase ``userErrors.field``. Services speak Python names only.
"""

from __future__ import annotations

from gql.services.errors import InvalidQuery

__all__ = ["InvalidField"]


class InvalidField(InvalidQuery):
    """A value the caller must fix, and the field (a Python path) it was given in."""

    def __init__(self, field: str | tuple[str, ...], message: str) -> None:
        self.path: tuple[str, ...] = (field,) if isinstance(field, str) else field
        prefix = f"{self.path[-1]}: "
        super().__init__(message if message.startswith(prefix) else prefix + message)
