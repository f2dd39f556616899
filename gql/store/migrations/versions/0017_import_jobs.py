"""Issue 19 item 3: CSV imports as jobs — the file waits in ``jobs.payload``, the report in
``jobs.result``; ``IMPORT`` joins the job kinds.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import op

if TYPE_CHECKING:
    from collections.abc import Sequence

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _kinds(*kinds: str) -> str:
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payload", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("result", sa.JSON(), nullable=True))
        batch_op.drop_constraint(op.f("ck_jobs_kind"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_jobs_kind"), _kinds("TERRITORIES", "SCHEDULE", "IMPORT")
        )


def downgrade() -> None:
    op.execute("DELETE FROM jobs WHERE kind = 'IMPORT'")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_jobs_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_jobs_kind"), _kinds("TERRITORIES", "SCHEDULE"))
        batch_op.drop_column("result")
        batch_op.drop_column("payload")
