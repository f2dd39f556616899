"""Issue 19 item 3: report refreshes as jobs — ``REPORT_REFRESH`` joins the job kinds.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic import op

if TYPE_CHECKING:
    from collections.abc import Sequence

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BEFORE = ("TERRITORIES", "SCHEDULE", "IMPORT")


def _kinds(*kinds: str) -> str:
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def upgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_jobs_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_jobs_kind"), _kinds(*_BEFORE, "REPORT_REFRESH"))


def downgrade() -> None:
    op.execute("DELETE FROM jobs WHERE kind = 'REPORT_REFRESH'")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_jobs_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_jobs_kind"), _kinds(*_BEFORE))
