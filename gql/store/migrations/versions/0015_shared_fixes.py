"""Issue 19 item 4: carrier fixes shared between API processes (``shared_fixes``).

Revision ID: 0015
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import op

if TYPE_CHECKING:
    from collections.abc import Sequence

revision: str = "0015"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shared_fixes",
        sa.Column("subscriber_key", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("fix_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subscriber_key", name=op.f("pk_shared_fixes")),
    )
    op.create_index("ix_shared_fixes_stored_at", "shared_fixes", ["stored_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_shared_fixes_stored_at", table_name="shared_fixes")
    op.drop_table("shared_fixes")
