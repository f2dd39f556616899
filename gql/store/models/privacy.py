"""Who read whose location evidence (PIPL: precise location is sensitive personal data)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from gql.store.models.base import Base, UtcDateTime

__all__ = ["EvidenceReadRow"]


class EvidenceReadRow(Base):
    """``evidence_reads``: one row per reader, subject and request, listing the visits read."""

    __tablename__ = "evidence_reads"
    __table_args__ = (
        sa.Index("ix_evidence_reads_subject_id_read_at", "subject_id", "read_at"),
        sa.Index("ix_evidence_reads_reader_id_read_at", "reader_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    read_at: Mapped[datetime] = mapped_column(UtcDateTime)
    reader_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id", ondelete="RESTRICT"))
    subject_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id", ondelete="RESTRICT"))
    visit_ids: Mapped[list[int]] = mapped_column(sa.JSON)
    parts: Mapped[list[str]] = mapped_column(sa.JSON)
    """What was read: ``FIXES`` (positions, carrier text), ``EVIDENCE`` (estimates in details)."""
