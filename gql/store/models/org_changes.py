"""The organisation's change log: who changed which department, person or manager, and how."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from gql.store.models.base import Base, UtcDateTime

__all__ = ["OrgChangeRow"]


class OrgChangeRow(Base):
    """``org_changes``: one appended row per change of departments, staff or managers.

    Never updated or deleted: deactivating a person keeps their rows and this log keeps why.
    """

    __tablename__ = "org_changes"
    __table_args__ = (sa.Index("ix_org_changes_subject", "subject", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff.id", ondelete="RESTRICT"), index=True
    )
    """``None`` for the command line (an import run by an operator, named in ``detail``)."""
    subject: Mapped[str] = mapped_column(sa.String(16))
    subject_id: Mapped[int] = mapped_column(sa.Integer)
    action: Mapped[str] = mapped_column(sa.String(32))
    effective_on: Mapped[date] = mapped_column(sa.Date)
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
