"""Personal data: who read whose location evidence (PIPL treats precise location as sensitive)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

__all__ = ["EvidencePart", "EvidenceRead"]


class EvidencePart(enum.StrEnum):
    """Which location evidence of a visit was returned."""

    FIXES = "FIXES"
    """The fixes: positions, the verdict map, the carrier's masked exchange."""
    EVIDENCE = "EVIDENCE"
    """The recorded verdict details with the position estimate and carrier text."""


@dataclass(frozen=True, slots=True)
class EvidenceRead:
    """One reader reading one person's visits' evidence in one request."""

    id: int
    read_at: datetime
    reader_id: int
    subject_id: int
    visit_ids: tuple[int, ...]
    parts: frozenset[EvidencePart]
