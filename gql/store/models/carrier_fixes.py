"""The latest carrier fix per subscriber, shared by every API process (adapters' SharedFixes)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from gql.store.models.base import Base, UtcDateTime

__all__ = ["SharedFixRow"]


class SharedFixRow(Base):
    """``shared_fixes``: kept minutes, not days (a cache; the visit keeps its own evidence)."""

    __tablename__ = "shared_fixes"
    __table_args__ = (sa.Index("ix_shared_fixes_stored_at", "stored_at"),)

    subscriber_key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    """SHA-256 of the number (``adapters.resilience.shared.subscriber_key``), not the number."""
    payload: Mapped[str] = mapped_column(sa.Text)
    """The fix and its masked exchanges, as ``adapters.resilience.shared.encode_fix`` wrote it."""
    fix_time: Mapped[datetime] = mapped_column(UtcDateTime)
    stored_at: Mapped[datetime] = mapped_column(UtcDateTime)
