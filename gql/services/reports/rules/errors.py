"""The one error the report rules raise: a request that cannot be measured as asked."""

from __future__ import annotations

__all__ = ["ReportRuleError"]


class ReportRuleError(ValueError):
    """A bad period or grain; ``field`` names the argument to fix."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field
