"""Failures a caller can act on. Each carries a stable ``code``; the API shows them unmasked."""

from __future__ import annotations

__all__ = ["Forbidden", "InvalidQuery", "NotFound", "ServiceError", "Unauthenticated"]


class ServiceError(Exception):
    """Base of expected failures; anything else is a bug and is masked by the API."""

    code = "BAD_REQUEST"

    @property
    def extensions(self) -> dict[str, str]:
        """Machine-readable detail (GraphQL error extensions)."""
        return {"code": self.code}


class Unauthenticated(ServiceError, PermissionError):
    """No valid caller; nothing is readable."""

    code = "UNAUTHENTICATED"


class NotFound(ServiceError, LookupError):
    """The object does not exist *or* the caller may not know that it does."""

    code = "NOT_FOUND"

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found")
        self.what = what


class Forbidden(ServiceError, PermissionError):
    """The caller's role may not perform this action at all."""

    code = "FORBIDDEN"

    def __init__(self, action: str) -> None:
        super().__init__(f"your role may not {action}")
        self.action = action


class InvalidQuery(ServiceError, ValueError):
    """A filter or argument value the caller must fix; the message names the field."""

    code = "BAD_USER_INPUT"
