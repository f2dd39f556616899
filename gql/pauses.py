"""Pauses that stop a process's loops: full garbage collections and stalled event loops.

A worker's median check-in can be 30 ms while its p99 is 200 ms: the tail is set by moments
when nothing on a loop runs. Timing every loop callback of a loaded two-worker server found
them (issue 19, docs/benchmarks.md "A timeline of the two-worker tail"): oldest-generation
collections of 17–96 ms every 7–15 s, a page of a hundred visits built in 90 ms, a spatial
index rebuilt on the loop. Operators get the two kinds that any release can bring back as
histograms, so a p99 that moves can be told from a pause that came:

* ``visitgis_gc_pause_seconds`` — how long each collection of the two older generations
  stopped the process (every thread waits: the collector holds the GIL). The youngest
  generation's collections are left out: they are frequent and bounded by its 700 objects.
* ``visitgis_event_loop_lag_seconds`` — how late a timer fired on the server's loop and on
  each operation loop (:mod:`gql.operation_loops`): how long nothing else there could run.
  A lag of :data:`STALL_LOG_S` or more is also one warning line.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from typing import Any

from prometheus_client import Histogram

__all__ = ["LAG_PROBE_S", "STALL_LOG_S", "watch_gc_pauses", "watch_loop_lag"]

log = logging.getLogger(__name__)

LAG_PROBE_S = 0.5
"""How often a loop's lag is sampled: one timer a loop every half second costs nothing."""

STALL_LOG_S = 0.5
"""A loop stalled this long is logged as well as counted: every request on it waited."""

GC_PAUSE_SECONDS = Histogram(
    "visitgis_gc_pause_seconds",
    "Time a cyclic garbage collection stopped the process, by generation (1 and 2).",
    ["generation"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1),
)
LOOP_LAG_SECONDS = Histogram(
    "visitgis_event_loop_lag_seconds",
    "How late a timer fired on an event loop: time nothing else on it could run, by loop.",
    ["loop"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)

_started_s: list[float] = [0.0]
"""When the running collection began (the collector never runs two at once)."""


def _on_collection(phase: str, info: dict[str, Any]) -> None:
    if info["generation"] == 0:
        return
    if phase == "start":
        _started_s[0] = time.perf_counter()
    else:
        GC_PAUSE_SECONDS.labels(str(info["generation"])).observe(
            time.perf_counter() - _started_s[0]
        )


def watch_gc_pauses() -> None:
    """Time the process's collections from now on (idempotent)."""
    if _on_collection not in gc.callbacks:
        gc.callbacks.append(_on_collection)


async def watch_loop_lag(
    loop_name: str, *, every_s: float = LAG_PROBE_S, stall_log_s: float = STALL_LOG_S
) -> None:
    """Sample the running loop's lag every ``every_s`` until cancelled.

    ``loop_name`` is a bounded label ("server", "operation"), never a thread's own name.
    """
    loop = asyncio.get_running_loop()
    lag = LOOP_LAG_SECONDS.labels(loop_name)
    while True:
        due_s = loop.time() + every_s
        await asyncio.sleep(every_s)
        late_s = max(0.0, loop.time() - due_s)
        lag.observe(late_s)
        if late_s >= stall_log_s:
            log.warning(
                "event loop stalled",
                extra={"loop": loop_name, "stalled_ms": round(late_s * 1000)},
            )
