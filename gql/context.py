"""Application state (one per process) and the request context (one per operation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from gql.auth import AuthError, decode_token
from gql.loaders import Loaders
from gql.services.access import Principal
from gql.services.directory import DirectoryService
from gql.services.retailer_admin import RetailerAdminService
from gql.services.spatial import SpatialIndex
from gql.store.repositories import StaffRepository

if TYPE_CHECKING:
    import strawberry
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from gql.settings import Settings

__all__ = ["AppState", "Context", "build_context"]


@dataclass
class AppState:
    """Everything with a process lifetime, made in the lifespan and closed there."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    schema: strawberry.Schema
    spatial: SpatialIndex = field(default_factory=SpatialIndex)

    @classmethod
    def build(cls, settings: Settings, engine: Engine, sessions: sessionmaker[Session]) -> AppState:
        """Assemble the state; the schema depends on the mode (introspection, suggestions)."""
        from gql.schema import build_schema

        return cls(
            settings=settings, engine=engine, sessions=sessions, schema=build_schema(settings)
        )

    async def aclose(self) -> None:
        """Release what the lifespan opened."""


@dataclass
class Context:
    """Per-operation context: the caller, one database session, the services.

    The session is committed or rolled back exactly once, by the unit-of-work extension, when
    the operation ends; services never commit.
    """

    state: AppState
    token: str | None
    auth_error: str | None = None
    _session: Session | None = field(default=None, repr=False)

    @property
    def session(self) -> Session:
        """The operation's session, opened on first use."""
        if self._session is None:
            self._session = self.state.sessions()
        return self._session

    def close(self, *, commit: bool) -> None:
        """End the unit of work."""
        if self._session is None:
            return
        try:
            if commit:
                self._session.commit()
            else:
                self._session.rollback()
        finally:
            self._session.close()
            self._session = None

    @cached_property
    def principal(self) -> Principal | None:
        """The authenticated caller, or ``None`` (an anonymous caller sees nothing)."""
        if self.token is None:
            return None
        try:
            claims = decode_token(
                self.token,
                secret=self.state.settings.jwt_secret,
                issuer=self.state.settings.jwt_issuer,
            )
        except AuthError as exc:
            self.auth_error = str(exc)
            return None
        staff = StaffRepository(self.session).get_by_staff_no(claims.staff_no)
        if staff is None or not staff.active:
            self.auth_error = "unknown or inactive staff member"
            return None
        return Principal.from_staff(staff)

    @cached_property
    def directory(self) -> DirectoryService:
        """Retailers, managers and departments as the caller may see them."""
        return DirectoryService(self.session, self.principal, self.state.spatial)

    @cached_property
    def retailer_admin(self) -> RetailerAdminService:
        """Reference-data edits (administrators, marketing)."""
        return RetailerAdminService(self.session, self.principal, self.state.spatial)

    @cached_property
    def loaders(self) -> Loaders:
        """The operation's DataLoaders (scoped like the services behind them)."""
        return Loaders.for_directory(self.directory)


def _bearer(headers: Any) -> str | None:
    value = headers.get("authorization") or ""
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def build_context(state: AppState, request: Any) -> Context:
    """Context for one HTTP request (the token is verified lazily, on first need)."""
    return Context(state=state, token=_bearer(request.headers))
