"""Index position_fixes by datum, latitude and longitude: the reused-coordinates check of each
check-in and check-out looks the new fix's position up among the manager's fixes of 30 days,
and without it read every fix of every such visit (a month's history per check-in).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic import op

if TYPE_CHECKING:
    from collections.abc import Sequence

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_position_fixes_datum_lat_lon",
        "position_fixes",
        ["coordinate_system", "lat", "lon"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_position_fixes_datum_lat_lon", table_name="position_fixes")
