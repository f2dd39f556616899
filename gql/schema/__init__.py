"""The GraphQL API layer: types, queries, mutations, limits. Nothing imports it back."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import strawberry
from graphql import GraphQLError, find_breaking_changes, find_dangerous_changes
from graphql import build_schema as parse_sdl
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from gql.schema.errors import shape_errors, should_mask
from gql.schema.execution import LeanExecutor
from gql.schema.limits import QueryCostLimiter
from gql.schema.root import Mutation, Query, Subscription
from gql.schema.scalars import SCALAR_MAP
from gql.schema.types.directory import DepartmentType, ManagerType, RetailerType, StaffType
from gql.schema.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from strawberry.types import ExecutionContext

    from gql.settings import Settings

__all__ = ["build_schema", "schema_drift"]


class VisitGisSchema(strawberry.Schema):
    """Logs only unexpected errors; expected ones (client errors, validation) are answers."""

    strip_suggestions = False
    """Production: no "Did you mean …?" in any error (set by :func:`build_schema`)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Send bugs to the log with their traceback, then give every error its client shape.

        Strawberry calls this once for every result with errors, before the result is sent.
        """
        unexpected = [e for e in errors if should_mask(e)]
        if unexpected:
            super().process_errors(unexpected, execution_context)
        shape_errors(
            errors,
            None if execution_context is None else execution_context.context,
            strip_suggestions=self.strip_suggestions,
        )


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with the limits and masking that the settings ask for.

    Production mode turns introspection and "did you mean" suggestions off, so the API does
    not describe itself to strangers; the SDL is published as ``schema.graphql`` instead.
    """
    limit_rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    # factories, not instances: each operation gets fresh extension state
    extensions: list[object] = [
        UnitOfWork,
        # token limit first: it guards the parser; the caches share one LRU per process
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        ParserCache,
        # the limit rules are built once, so the validation cache sees the same rule set
        partial(AddValidationRules, limit_rules),
        ValidationCache,
        partial(
            QueryCostLimiter,
            max_cost=settings.max_query_cost,
            max_nodes=settings.max_query_nodes,
            max_id_chars=settings.max_id_chars,
            max_string_chars=settings.max_string_chars,
        ),
    ]
    if settings.is_production:
        extensions.append(DisableIntrospection)
    schema = VisitGisSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[RetailerType, ManagerType, DepartmentType, StaffType],
        extensions=extensions,  # type: ignore[arg-type]
        execution_context_class=LeanExecutor,
        config=StrawberryConfig(
            disable_field_suggestions=settings.is_production, scalar_map=SCALAR_MAP
        ),
    )
    schema.strip_suggestions = settings.is_production
    return schema


def schema_drift(previous_sdl: str, current_sdl: str) -> list[str]:
    """Human-readable breaking and dangerous changes from ``previous_sdl`` to ``current_sdl``."""
    if not previous_sdl.strip():
        return ["no previous schema to compare with"]
    old, new = parse_sdl(previous_sdl), parse_sdl(current_sdl)
    lines = [f"BREAKING {c.type.name}: {c.description}" for c in find_breaking_changes(old, new)]
    lines += [f"dangerous {c.type.name}: {c.description}" for c in find_dangerous_changes(old, new)]
    return lines or ["non-breaking additions only"]
