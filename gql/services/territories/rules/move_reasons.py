"""Why the partition gives a retailer to another manager: recorded as each stage moves it.

Marketing decides on a proposal retailer by retailer; "moved" alone does not say whether a
shop changes hands because its territory was too heavy, because staying would cut it off from
the rest of its territory, or because the district was re-planned whole. Each stage of
:func:`~.territories.partition_territories` marks the retailers it reassigns; the last stage
to move a retailer names its reason.
"""

from __future__ import annotations

import enum

import numpy as np
import numpy.typing as npt

__all__ = ["MoveReason", "MoveTrace", "move_reasons"]

IntArray = npt.NDArray[np.int64]


class MoveReason(enum.IntEnum):
    """Why a retailer has the manager the proposal gives it (codes stored as small ints)."""

    KEPT = 0
    """Same manager as now."""
    UNASSIGNED = 1
    """It had no manager among those planned (new licence, or its manager left the plan)."""
    REPLAN = 2
    """The district was re-planned whole (cold start, or the current plan too far off
    balance to repair), and this is where the new plan puts it."""
    CONTIGUITY = 3
    """Staying would leave it in a piece cut off from the rest of its territory."""
    BALANCE = 4
    """Its territory was outside its workload, count or volume band (boundary trade)."""


class MoveTrace:
    """The stage that last changed each retailer's territory, filled as the partition runs."""

    def __init__(self, n: int) -> None:
        self.codes = np.full(n, MoveReason.KEPT, dtype=np.int64)

    def mark(self, before: IntArray, after: IntArray, reason: MoveReason) -> None:
        """Record ``reason`` for every retailer whose territory differs in ``after``."""
        self.codes[np.asarray(before) != np.asarray(after)] = reason


def move_reasons(
    current: IntArray, territory: IntArray, k: int, trace: MoveTrace | None
) -> IntArray:
    """Each retailer's :class:`MoveReason` for the final ``territory``.

    Retailers whose ``current`` manager is not one of the ``k`` planned are UNASSIGNED; the
    rest are KEPT or carry the reason of the last stage that moved them (REPLAN without a
    trace, as when measuring a partition made elsewhere).
    """
    current = np.asarray(current, dtype=np.int64)
    territory = np.asarray(territory, dtype=np.int64)
    traced = (
        np.full(current.shape, MoveReason.REPLAN, dtype=np.int64) if trace is None else trace.codes
    )
    # a stage can move a retailer and a later one move it back: then it is KEPT, and a moved
    # retailer never reads as KEPT
    moved_reason = np.where(traced == MoveReason.KEPT, MoveReason.REPLAN, traced)
    reasons = np.where(territory == current, MoveReason.KEPT, moved_reason)
    reasons[(current < 0) | (current >= k)] = MoveReason.UNASSIGNED
    return reasons.astype(np.int64)
