"""Who may watch which department's live visit events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gql.domain import Role
from gql.services.access import signed_in
from gql.services.errors import Forbidden

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from gql.services.access import Principal
    from gql.services.visits.events import EventBus, VisitEvent

__all__ = ["LiveService"]

_WATCHERS = frozenset({Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD, Role.MARKETING})


class LiveService:
    """Department dashboards: heads and deputies watch their own department, marketing any."""

    def __init__(self, bus: EventBus, principal: Principal | None) -> None:
        self._bus = bus
        self._principal = principal

    def subscribe(self, department_id: int | None) -> AsyncIterator[VisitEvent]:
        """Check access now (before the stream opens), then stream the department's events."""
        principal = signed_in(self._principal)
        if principal.role not in _WATCHERS:
            raise Forbidden("watch live visit events")
        if principal.role is Role.MARKETING:
            return self._bus.subscribe(department_id)
        if department_id not in (None, principal.department_id):
            raise Forbidden("watch another department's visits")
        return self._bus.subscribe(principal.department_id)
