"""Issue 20 item 7: why each retailer of a territory proposal has its manager
(``proposal_assignments.move_reason``: KEPT, UNASSIGNED, REPLAN, CONTIGUITY, BALANCE), and when
applying it moved the retailer (``applied_at``).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import op

if TYPE_CHECKING:
    from collections.abc import Sequence

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("proposal_assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("move_reason", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("proposal_assignments", schema=None) as batch_op:
        batch_op.drop_column("applied_at")
        batch_op.drop_column("move_reason")
