"""Where a day plan's retailers come from (issue 16 item 4)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["PlanSource", "PlanSourceEntry"]


class PlanSource(enum.StrEnum):
    """Why a retailer is on a plan; REMOVED ones were on the day's list and taken off."""

    SCHEDULED = "SCHEDULED"  # the applied 4-week schedule's day
    KEY_CUSTOMER = "KEY_CUSTOMER"  # a key customer whose order day it is, not on the schedule
    ORDER_DAY = "ORDER_DAY"  # no schedule applies: the retailers whose order day it is
    REQUESTED = "REQUESTED"  # the caller named exactly the day's retailers
    ADDED = "ADDED"  # the caller added it to the day's list
    REMOVED = "REMOVED"  # the caller took it off the day's list


@dataclass(frozen=True, slots=True)
class PlanSourceEntry:
    """One retailer of a plan's composition."""

    retailer_id: int
    source: PlanSource
