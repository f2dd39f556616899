"""Per-request DataLoaders: one SQL statement per batch, whatever the page size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gql.domain import AccountManager, Department, Retailer
    from gql.services.directory import DirectoryService

__all__ = ["Loaders"]


@dataclass(frozen=True, slots=True)
class Loaders:
    """The loaders of one operation; they apply the caller's scope through the service."""

    retailers: DataLoader[int, Retailer | None]
    managers: DataLoader[int, AccountManager | None]
    departments: DataLoader[int, Department | None]

    @classmethod
    def for_directory(cls, directory: DirectoryService) -> Loaders:
        """Wire loaders to a request's directory service."""

        async def load_retailers(ids: Sequence[int]) -> list[Retailer | None]:
            return directory.retailers_by_ids(ids)

        async def load_managers(ids: Sequence[int]) -> list[AccountManager | None]:
            return directory.managers_by_ids(ids)

        async def load_departments(ids: Sequence[int]) -> list[Department | None]:
            return directory.departments_by_ids(ids)

        return cls(
            retailers=DataLoader(load_fn=load_retailers),
            managers=DataLoader(load_fn=load_managers),
            departments=DataLoader(load_fn=load_departments),
        )
