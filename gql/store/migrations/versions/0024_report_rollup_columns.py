"""Issue 17 item 8: the month roll-ups gain what workload and effect read per row, as columns.

``report_retailer_months`` gets the cartons of each day of the month (``d01`` … ``d31``), so a
sum over any dates (a period's partial first and last months, the planner's 28-day sales
window, which is never a whole month) is read from the roll-up instead of ``sales_orders``;
the table is rebuilt from the orders here. ``report_manager_months`` gets the month's work
sums (worked days, visits, dwell and travel seconds) as columns, filled from its stored facts,
so the workload report reads no JSON for whole months.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import op

if TYPE_CHECKING:
    from collections.abc import Sequence

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DAYS = [f"d{k:02d}" for k in range(1, 32)]
_WORK = ("worked_days", "visits", "dwell_s", "travel_s")
_WORK_AT = 29
"""Where the work sums start in ``report_manager_months.facts`` (version 1 of its layout)."""


def upgrade() -> None:
    with op.batch_alter_table("report_retailer_months") as batch:
        for name in _DAYS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("report_manager_months") as batch:
        for name in _WORK:
            batch.add_column(sa.Column(name, sa.BigInteger(), nullable=False, server_default="0"))
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    _rebuild_sales_months(postgres)
    months = sa.table("report_manager_months", sa.column("facts"), *map(sa.column, _WORK))
    op.execute(
        months.update().values(
            {
                name: sa.text(
                    f"(facts->>{_WORK_AT + i})::bigint"
                    if postgres
                    else f"json_extract(facts, '$[{_WORK_AT + i}]')"
                )
                for i, name in enumerate(_WORK)
            }
        )
    )


def _rebuild_sales_months(postgres: bool) -> None:
    """Every retailer-month again from the orders, with its day columns: a month a statement."""
    if postgres:  # a data migration, not a request: the service's statement limit is not for it
        op.execute("SET LOCAL statement_timeout = 0")
    orders = sa.table(
        "sales_orders",
        sa.column("retailer_id", sa.Integer),
        sa.column("order_date", sa.Date),
        sa.column("volume_cartons", sa.Integer),
    )
    months = sa.table(
        "report_retailer_months",
        *map(sa.column, ("retailer_id", "month", "volume_cartons", "orders", *_DAYS)),
    )
    op.execute(months.delete())
    bind = op.get_bind()
    first, last = bind.execute(
        sa.select(sa.func.min(orders.c.order_date), sa.func.max(orders.c.order_date))
    ).one()
    if first is None or last is None:
        return
    if isinstance(first, str):  # SQLite returns the stored text
        first, last = date.fromisoformat(first), date.fromisoformat(last)
    month = first.replace(day=1)
    while month <= last:
        end = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        days = [month + timedelta(days=k) for k in range(end.day)]
        bind.execute(
            months.insert().from_select(
                ["retailer_id", "month", "volume_cartons", "orders", *_DAYS[: len(days)]],
                sa.select(
                    orders.c.retailer_id,
                    sa.literal(month, sa.Date),
                    sa.func.sum(orders.c.volume_cartons),
                    sa.func.count(),
                    *(
                        sa.func.sum(
                            sa.case((orders.c.order_date == day, orders.c.volume_cartons), else_=0)
                        )
                        for day in days
                    ),
                )
                .where(orders.c.order_date.between(month, end))
                .group_by(orders.c.retailer_id),
            )
        )
        month = end + timedelta(days=1)


def downgrade() -> None:
    with op.batch_alter_table("report_manager_months") as batch:
        for name in _WORK:
            batch.drop_column(name)
    with op.batch_alter_table("report_retailer_months") as batch:
        for name in _DAYS:
            batch.drop_column(name)
