"""The root types, merged from one class per area so each area owns its own file.

To add an area: write its ``...Query`` / ``...Mutations`` / ``...Subscription`` class in its
own module and list it here.
"""

from __future__ import annotations

from strawberry.tools import merge_types

from gql.schema.directory_queries import DirectoryQuery
from gql.schema.mutations.retailers import RetailerMutations

__all__ = ["Mutation", "Query"]

Query = merge_types("Query", (DirectoryQuery,))
Mutation = merge_types("Mutation", (RetailerMutations,))
