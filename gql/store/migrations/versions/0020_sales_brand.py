"""Issue 17 item 5: an order's brand (``sales_orders.brand``), for the brand mix by area.

Nullable: orders imported before, or from a file without the column, have no known brand. No
index: the brand-mix report selects orders by retailer and date (indexed) and groups by brand.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import op

if TYPE_CHECKING:
    from collections.abc import Sequence

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("sales_orders", sa.Column("brand", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sales_orders") as batch:
        batch.drop_column("brand")
