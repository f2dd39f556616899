"""Who was responsible for a retailer when: the assignment history sales are attributed by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

__all__ = ["EARLIEST_DAY", "Assignment"]

EARLIEST_DAY = date(1900, 1, 1)
"""``valid_from`` of a retailer's first assignment: its first manager answers for every sale
recorded before (the retailer was new to the books, so nobody else can)."""


@dataclass(frozen=True, slots=True)
class Assignment:
    """A retailer's manager over a span of company days.

    ``valid_from`` is inclusive, ``valid_to`` exclusive (``None`` while current);
    ``manager_id`` is ``None`` while the retailer had no manager.
    """

    id: int
    retailer_id: int
    manager_id: int | None
    valid_from: date
    valid_to: date | None
    recorded_at: datetime

    def covers(self, day: date) -> bool:
        """Whether the manager was responsible on ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)
