"""The organisation's change log (issue 16): who changed departments, staff and managers.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import op

if TYPE_CHECKING:
    from collections.abc import Sequence

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "org_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["staff.id"],
            name=op.f("fk_org_changes_actor_id_staff"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_changes")),
    )
    with op.batch_alter_table("org_changes", schema=None) as batch_op:
        batch_op.create_index("ix_org_changes_actor_id", ["actor_id"], unique=False)
        batch_op.create_index("ix_org_changes_subject", ["subject", "subject_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("org_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_org_changes_subject")
        batch_op.drop_index("ix_org_changes_actor_id")
    op.drop_table("org_changes")
