"""Issue 16 item 6: personal data — evidence retention and the evidence access log.

* ``visits.evidence_reduced_at`` / ``audit_records.evidence_reduced_at``: when the raw
  evidence (the manager's fixes, the auditor's position) was stripped.
* ``position_fixes.lat`` / ``lon`` become nullable: a reduced fix keeps phase, source,
  accuracy, time, carrier and outcome, not where the phone was.
* ``evidence_reads``: who read whose location evidence, which visits, when and what.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import op

if TYPE_CHECKING:
    from collections.abc import Sequence

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("evidence_reduced_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("evidence_reduced_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("position_fixes", schema=None) as batch_op:
        batch_op.alter_column("lat", existing_type=sa.Double(), nullable=True)
        batch_op.alter_column("lon", existing_type=sa.Double(), nullable=True)
    op.create_table(
        "evidence_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reader_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("visit_ids", sa.JSON(), nullable=False),
        sa.Column("parts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reader_id"],
            ["staff.id"],
            name=op.f("fk_evidence_reads_reader_id_staff"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["staff.id"],
            name=op.f("fk_evidence_reads_subject_id_staff"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_reads")),
    )
    op.create_index(
        "ix_evidence_reads_subject_id_read_at", "evidence_reads", ["subject_id", "read_at"]
    )
    op.create_index(
        "ix_evidence_reads_reader_id_read_at", "evidence_reads", ["reader_id", "read_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_evidence_reads_reader_id_read_at", table_name="evidence_reads")
    op.drop_index("ix_evidence_reads_subject_id_read_at", table_name="evidence_reads")
    op.drop_table("evidence_reads")
    # reduced fixes have no position: they cannot go back under NOT NULL
    op.execute(
        "DELETE FROM position_fixes WHERE visit_id IN "
        "(SELECT id FROM visits WHERE evidence_reduced_at IS NOT NULL)"
    )
    with op.batch_alter_table("position_fixes", schema=None) as batch_op:
        batch_op.alter_column("lon", existing_type=sa.Double(), nullable=False)
        batch_op.alter_column("lat", existing_type=sa.Double(), nullable=False)
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.drop_column("evidence_reduced_at")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_column("evidence_reduced_at")
