"""The start-up heap, frozen out of the cyclic garbage collector's reach.

A serving process keeps what it built at start-up for its whole life: the imported modules,
the GraphQL schema, SQLAlchemy's mappers, the carriers' WSDL models, numba's compiled kernels.
That is most of its objects (about a million in a warm API worker), and every full (oldest
generation) collection walked all of them again with the event loop stopped: 80–150 ms on a
quiet core, several times a minute, whatever the load. Those pauses were the tail of a
check-in at 4 visits/s — p99 of ``visitStart``'s own overhead about 180 ms against a median of
20 ms, with one worker or two (issue 19). :func:`gc.freeze` moves every object alive now into
a permanent generation the collector never scans, so a full collection walks only what was made
since; garbage made by requests is still found and freed.
"""

from __future__ import annotations

import gc

__all__ = ["freeze_start_up_heap"]


def freeze_start_up_heap() -> int:
    """Free start-up garbage, then freeze what is left; how many objects are now frozen.

    Call once the process has built everything it keeps (after the kernels are warm): objects
    frozen are never collected, so a cycle frozen by mistake would stay for the process's life.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
