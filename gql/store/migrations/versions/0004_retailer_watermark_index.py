"""Index retailers.updated_at: the spatial index's freshness check reads its maximum before
every search, and must not scan the table to do it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic import op

if TYPE_CHECKING:
    from collections.abc import Sequence

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_retailers_updated_at", "retailers", ["updated_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_retailers_updated_at", table_name="retailers")
