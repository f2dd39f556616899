"""Connection permits: never more units of work on pooled connections than the pool holds.

Database calls run on an operation's event loop, and so would a wait for a pooled connection:
with every connection held by operations that are waiting on their loops themselves (a
dataloader, a carrier), the next checkout blocked the loop until the pool's timeout — thirty
handhelds downloading their retailers at once stalled a process for 30 s and failed them. So an
operation first takes a permit, asynchronously, and only then touches the database; there are
fewer permits than pooled connections, so a holder's checkout never waits. An operation that
waits on the network with its connection returned (a carrier lookup) gives its permit back
meanwhile (:meth:`Permit.idle`). The permits count the operations of every loop of the process
(:mod:`gql.operation_loops`).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from gql.store.any_loop import Semaphore

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

__all__ = ["ConnectionGate", "Permit"]


class ConnectionGate:
    """The process's permits (one gate per application)."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"a connection gate needs at least one permit, got {capacity}")
        self.capacity = capacity
        self._free = Semaphore(capacity)

    @property
    def held(self) -> int:
        """Permits held now (for metrics and tests)."""
        return self.capacity - self._free.value

    def permit(self) -> Permit:
        """A permit for one operation, not yet taken."""
        return Permit(self)


class Permit:
    """One operation's right to hold a pooled connection."""

    def __init__(self, gate: ConnectionGate) -> None:
        self._gate = gate
        self._taken = False

    async def take(self) -> None:
        """Wait (asynchronously) for a permit; a no-op if this one is taken already."""
        if self._taken:
            return
        await self._gate._free.acquire()
        self._taken = True

    def give_back(self) -> None:
        """Return the permit (idempotent)."""
        if self._taken:
            self._taken = False
            self._gate._free.release()

    @contextlib.asynccontextmanager
    async def idle(self, holding_connection: bool) -> AsyncIterator[None]:
        """Around a network wait: give the permit back unless a connection is still held."""
        if holding_connection or not self._taken:
            yield
            return
        self.give_back()
        yield  # should the wait fail or be cancelled, the operation ends without a permit
        await self.take()
