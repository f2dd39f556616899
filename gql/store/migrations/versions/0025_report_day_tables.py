"""Issue 17 item 8: what a company-year reads stays narrow.

The 31 day columns that 0024 put on ``report_retailer_months`` made a whole-year sales sum read
a table several times wider than its totals; they move to ``report_retailer_days`` (the same
rows, only read for the partial months at a period's two ends). ``report_manager_months`` keeps
each day's effect unit as packed float64 bytes in ``units`` (14 a day: the day of the month,
then the unit's 13 values, NaN for a missing length) instead of inside its JSON facts, which
become layout version 2 (the version-1 array without its last element, the units), and
``report_manager_days`` keeps each day's unit (13 float64) in ``unit``: the effect report
decodes no JSON at all, and the other reports decode less.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06
"""

from __future__ import annotations

import math
import struct
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from alembic import op

if TYPE_CHECKING:
    from collections.abc import Sequence

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DAYS = [f"d{k:02d}" for k in range(1, 32)]
_UNIT_WIDTH = 14
"""Values per stored day unit: the day of the month, then 13 effect facts."""
_BATCH = 500


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:  # a data migration, not a request: the service's statement limit is not for it
        op.execute("SET LOCAL statement_timeout = 0")
    op.create_table(
        "report_retailer_days",
        sa.Column("retailer_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False, server_default="0") for name in _DAYS),
        sa.ForeignKeyConstraint(
            ["retailer_id"],
            ["retailers.id"],
            name=op.f("fk_report_retailer_days_retailer_id_retailers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("retailer_id", "month", name=op.f("pk_report_retailer_days")),
    )
    op.create_index("ix_report_retailer_days_month", "report_retailer_days", ["month"])
    columns = ", ".join(_DAYS)
    op.execute(
        f"INSERT INTO report_retailer_days (retailer_id, month, {columns}) "
        f"SELECT retailer_id, month, {columns} FROM report_retailer_months"
    )
    with op.batch_alter_table("report_retailer_months") as batch:
        for name in _DAYS:
            batch.drop_column(name)
    if postgres:  # a dropped column keeps its bytes until the table is rewritten
        op.execute("CLUSTER report_retailer_months USING pk_report_retailer_months")
        op.execute("ANALYZE report_retailer_months")
        op.execute("ANALYZE report_retailer_days")
    with op.batch_alter_table("report_manager_months") as batch:
        batch.add_column(sa.Column("units", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("report_manager_days") as batch:
        batch.add_column(sa.Column("unit", sa.LargeBinary(), nullable=True))
    _move_units(bind, into_bytes=True)
    _fill_day_units(bind)
    with op.batch_alter_table("report_manager_months") as batch:
        batch.alter_column("units", existing_type=sa.LargeBinary(), nullable=False)
    with op.batch_alter_table("report_manager_days") as batch:
        batch.alter_column("unit", existing_type=sa.LargeBinary(), nullable=False)


def _day_unit(f: list[Any]) -> list[Any]:
    """A stored day's effect unit from its facts (``report_manager_days`` layout version 1)."""
    dwells = f[13]
    return [f[1], f[2], f[6], f[5].get("IN_PLACE", 0), sum(dwells), len(dwells), f[24], f[20],
            f[21], f[19], f[18], f[15], f[16]]  # fmt: skip


def _fill_day_units(bind: sa.Connection) -> None:
    """Every stored day's ``unit`` from its facts, a manager at a time."""
    days = sa.table(
        "report_manager_days",
        sa.column("manager_id", sa.Integer),
        sa.column("day", sa.Date),
        sa.column("facts", sa.JSON),
        sa.column("unit", sa.LargeBinary),
    )
    update = (
        days.update()
        .where(days.c.manager_id == sa.bindparam("m"), days.c.day == sa.bindparam("at"))
        .values(unit=sa.bindparam("u"))
    )
    managers = bind.execute(sa.select(days.c.manager_id).distinct()).scalars().all()
    for m in managers:
        rows = bind.execute(sa.select(days.c.day, days.c.facts).where(days.c.manager_id == m)).all()
        changed = [{"m": m, "at": at, "u": _pack([_day_unit(f)])} for at, f in rows]
        if changed:
            bind.execute(update, changed)


def _pack(rows: list[list[Any]]) -> bytes:
    values = [math.nan if v is None else float(v) for row in rows for v in row]
    return struct.pack(f"<{len(values)}d", *values)


def _unpack(data: bytes | None) -> list[list[Any]]:
    if not data:
        return []
    values = struct.unpack(f"<{len(data) // 8}d", data)
    rows = []
    for i in range(0, len(values), _UNIT_WIDTH):
        rows.append([None if math.isnan(v) else int(v) for v in values[i : i + _UNIT_WIDTH]])
    return rows


def _move_units(bind: sa.Connection, *, into_bytes: bool) -> None:
    """Rewrite every stored month: units from the JSON into bytes (version 1 → 2) or back."""
    months = sa.table(
        "report_manager_months",
        sa.column("manager_id", sa.Integer),
        sa.column("month", sa.Date),
        sa.column("facts", sa.JSON),
        sa.column("units", sa.LargeBinary),
    )
    keys = bind.execute(sa.select(months.c.manager_id, months.c.month)).all()
    update = (
        months.update()
        .where(months.c.manager_id == sa.bindparam("m"), months.c.month == sa.bindparam("at"))
        .values(
            {"facts": sa.bindparam("f"), **({"units": sa.bindparam("u")} if into_bytes else {})}
        )
    )
    for i in range(0, len(keys), _BATCH):
        chunk = keys[i : i + _BATCH]
        wanted = sa.tuple_(months.c.manager_id, months.c.month).in_([tuple(k) for k in chunk])
        rows = bind.execute(
            sa.select(months.c.manager_id, months.c.month, months.c.facts, months.c.units).where(
                wanted
            )
        ).all()
        changed = []
        for m, at, facts, units in rows:
            if into_bytes:
                if facts[0] != 1:
                    continue
                changed.append({"m": m, "at": at, "f": [2, *facts[1:-1]], "u": _pack(facts[-1])})
            else:
                if facts[0] != 2:
                    continue
                changed.append({"m": m, "at": at, "f": [1, *facts[1:], _unpack(units)]})
        if changed:
            bind.execute(update, changed)


def downgrade() -> None:
    bind = op.get_bind()
    _move_units(bind, into_bytes=False)
    with op.batch_alter_table("report_manager_days") as batch:
        batch.drop_column("unit")
    with op.batch_alter_table("report_manager_months") as batch:
        batch.drop_column("units")
    with op.batch_alter_table("report_retailer_months") as batch:
        for name in _DAYS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    copied = ", ".join(
        f"{name} = COALESCE((SELECT d.{name} FROM report_retailer_days d "
        "WHERE d.retailer_id = report_retailer_months.retailer_id "
        "AND d.month = report_retailer_months.month), 0)"
        for name in _DAYS
    )
    op.execute(f"UPDATE report_retailer_months SET {copied}")
    op.drop_index("ix_report_retailer_days_month", table_name="report_retailer_days")
    op.drop_table("report_retailer_days")
