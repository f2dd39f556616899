"""Per-request DataLoaders: one SQL statement per batch, whatever the page size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from strawberry.dataloader import DataLoader

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable, Sequence

    from gql.domain import AccountManager, Department, Retailer
    from gql.domain.retailers import RetailerStatusChange
    from gql.services.directory.service import DirectoryService

__all__ = ["AnnouncedLoader", "Loaders"]

V = TypeVar("V")
T = TypeVar("T")


class AnnouncedLoader(Generic[V]):
    """A DataLoader that also answers synchronously for keys a list announced beforehand.

    strawberry's DataLoader batches by awaiting, so every field that uses it becomes an
    asyncio task: about a millisecond on a 50-row page. A list resolver knows the keys its
    rows will ask for; it announces them with :meth:`expect`, and the first row that asks
    loads them all in one statement, synchronously. Keys nobody announced take the
    awaiting path, batched as before; both paths share one cache.
    """

    def __init__(self, load_many: Callable[[Sequence[int]], list[V]]) -> None:
        async def batch(keys: Sequence[int]) -> list[V]:
            return load_many(keys)

        self._load_many = load_many
        self._loader: DataLoader[int, V] = DataLoader(load_fn=batch)
        self._expected: set[int] = set()
        self._known: dict[int, V] = {}

    def expect(self, keys: Iterable[int | None]) -> None:
        """Announce keys that rows about to be resolved will ask for (no query yet)."""
        self._expected.update(k for k in keys if k is not None and k not in self._known)

    def get(self, key: int, convert: Callable[[V], T]) -> T | Awaitable[T]:
        """``convert(value)`` now if the key is known or announced, else an awaitable."""
        if key not in self._known and key in self._expected:
            keys = sorted(self._expected)
            self._expected.clear()
            found = dict(zip(keys, self._load_many(keys), strict=True))
            self._known.update(found)
            self._loader.prime_many(found)
        if key in self._known:
            return convert(self._known[key])
        return _converted(self._loader.load(key), convert)

    def load(self, key: int) -> Awaitable[V]:
        """The value for ``key``, batched with the other loads of this tick."""
        return self._loader.load(key)

    def load_many(self, keys: Iterable[int]) -> Awaitable[list[V]]:
        """The values for ``keys``, in order, batched."""
        return self._loader.load_many(keys)


async def _converted(pending: Awaitable[V], convert: Callable[[V], T]) -> T:
    return convert(await pending)


@dataclass(frozen=True, slots=True)
class Loaders:
    """The loaders of one operation; they apply the caller's scope through the service."""

    retailers: DataLoader[int, Retailer | None]
    managers: AnnouncedLoader[AccountManager | None]
    departments: DataLoader[int, Department | None]
    status_histories: DataLoader[int, list[RetailerStatusChange]]

    @classmethod
    def for_directory(
        cls,
        directory: DirectoryService,
        status_histories: Callable[[Sequence[int]], list[list[RetailerStatusChange]]],
    ) -> Loaders:
        """Wire loaders to a request's directory service (and the retailers' status history)."""

        async def load_retailers(ids: Sequence[int]) -> list[Retailer | None]:
            return directory.retailers_by_ids(ids)

        async def load_departments(ids: Sequence[int]) -> list[Department | None]:
            return directory.departments_by_ids(ids)

        async def load_histories(ids: Sequence[int]) -> list[list[RetailerStatusChange]]:
            return status_histories(ids)

        return cls(
            retailers=DataLoader(load_fn=load_retailers),
            managers=AnnouncedLoader(directory.managers_by_ids),
            departments=DataLoader(load_fn=load_departments),
            status_histories=DataLoader(load_fn=load_histories),
        )
