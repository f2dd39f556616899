"""Sales orders and monthly targets: bulk writes, idempotent upserts, simple reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from gql.domain import (
    MonthlyTarget,
    SalesOrder,
    SalesOrderDraft,
    fen_from_yuan,
    yuan_from_fen,
)
from gql.store.models import Base, MonthlyTargetRow, SalesOrderRow
from gql.store.repositories.retailers import UpsertCounts
from gql.store.repositories.sales_rollup import SalesRollupRepository

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence
    from datetime import date, datetime
    from decimal import Decimal

    from sqlalchemy.orm import Session

__all__ = ["BrandVolume", "SalesRepository"]


@dataclass(frozen=True, slots=True)
class BrandVolume:
    """One retailer's orders of one brand over a period (``brand`` ``None``: unknown)."""

    brand: str | None
    orders: int
    volume_cartons: int


_ORDERS = Base.metadata.tables["sales_orders"]  # Core inserts skip the ORM's bookkeeping


class SalesRepository:
    """Reads and writes sales facts; money crosses this boundary as Decimal yuan."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add_orders(self, drafts: Sequence[SalesOrderDraft], *, roll_up: bool = True) -> None:
        """Insert new orders in bulk (the caller guarantees they are new).

        ``roll_up=False`` leaves the report roll-ups to the caller, who rebuilds them once
        after a bulk load (:meth:`rebuild_roll_ups`): refreshing them per batch re-reads every
        month a batch touches.
        """
        self._insert(drafts)
        if roll_up:
            self._roll_up(drafts)

    def rebuild_roll_ups(self) -> None:
        """Recompute the report roll-ups from every order (after a bulk load)."""
        self._session.flush()
        SalesRollupRepository(self._session).rebuild()

    def _insert(self, drafts: Sequence[SalesOrderDraft]) -> None:
        if drafts:
            rows = [_order_values(d) for d in drafts]
            # RETURNING makes SQLAlchemy batch rows into multi-VALUES statements
            # ("insertmanyvalues") instead of one statement per row on psycopg.
            self._session.execute(sa.insert(_ORDERS).returning(_ORDERS.c.id), rows)

    def _roll_up(self, drafts: Sequence[SalesOrderDraft]) -> None:
        """Recompute the monthly totals the orders fall in (reports read those)."""
        if drafts:
            self._session.flush()
            SalesRollupRepository(self._session).refresh(
                (d.retailer_id for d in drafts),
                min(d.order_date for d in drafts),
                max(d.order_date for d in drafts),
            )

    def upsert_orders(
        self, drafts: Sequence[SalesOrderDraft], *, with_brands: bool = True
    ) -> UpsertCounts:
        """Insert or update orders by (retailer, date); identical ones count as unchanged.

        ``with_brands`` false (a file without a brand column): stored brands are left as they
        are, and new orders have none.
        """
        if not drafts:
            return UpsertCounts()
        keys = {(d.retailer_id, d.order_date) for d in drafts}
        retailer_ids = sorted({rid for rid, _ in keys})
        first_day = min(day for _, day in keys)
        last_day = max(day for _, day in keys)
        existing: dict[tuple[int, date], SalesOrderRow] = {}
        for start in range(0, len(retailer_ids), 500):
            statement = sa.select(SalesOrderRow).where(
                SalesOrderRow.retailer_id.in_(retailer_ids[start : start + 500]),
                SalesOrderRow.order_date.between(first_day, last_day),
            )
            for row in self._session.scalars(statement):
                existing[(row.retailer_id, row.order_date)] = row
        new = [d for d in drafts if (d.retailer_id, d.order_date) not in existing]
        updated = 0
        for draft in drafts:
            current = existing.get((draft.retailer_id, draft.order_date))
            if current is None:
                continue
            amount_fen = fen_from_yuan(draft.amount_yuan)
            brand = draft.brand if with_brands else current.brand
            if (current.volume_cartons, current.amount_fen, current.brand) != (
                draft.volume_cartons,
                amount_fen,
                brand,
            ):
                current.volume_cartons = draft.volume_cartons
                current.amount_fen = amount_fen
                current.brand = brand
                updated += 1
        self._insert(new)
        self._session.flush()
        if new or updated:
            self._roll_up(drafts)
        return UpsertCounts(
            inserted=len(new), updated=updated, unchanged=len(drafts) - len(new) - updated
        )

    def orders_for(self, retailer_id: int, first_day: date, last_day: date) -> list[SalesOrder]:
        """Return a retailer's orders between two dates inclusive, oldest first."""
        statement = (
            sa.select(SalesOrderRow)
            .where(
                SalesOrderRow.retailer_id == retailer_id,
                SalesOrderRow.order_date.between(first_day, last_day),
            )
            .order_by(SalesOrderRow.order_date)
        )
        return [
            SalesOrder(
                id=row.id,
                retailer_id=row.retailer_id,
                order_date=row.order_date,
                volume_cartons=row.volume_cartons,
                amount_yuan=yuan_from_fen(row.amount_fen),
                brand=row.brand,
            )
            for row in self._session.scalars(statement)
        ]

    def brand_volumes(
        self, retailer_ids: Sequence[int], first_day: date, last_day: date
    ) -> dict[int, list[BrandVolume]]:
        """Per retailer, its orders between two dates inclusive summed by brand.

        Brands in name order, the unknown (``None``) last.
        """
        s = SalesOrderRow
        found: dict[int, list[BrandVolume]] = {}
        ids = sorted(set(retailer_ids))
        for start in range(0, len(ids), 500):
            statement = (
                sa.select(s.retailer_id, s.brand, sa.func.count(), sa.func.sum(s.volume_cartons))
                .where(
                    s.retailer_id.in_(ids[start : start + 500]),
                    s.order_date.between(first_day, last_day),
                )
                .group_by(s.retailer_id, s.brand)
                .order_by(s.retailer_id, s.brand.is_(None), s.brand)
            )
            for retailer_id, brand, orders, volume in self._session.execute(statement):
                found.setdefault(int(retailer_id), []).append(
                    BrandVolume(brand, int(orders), int(volume or 0))
                )
        return found

    def add_target(
        self, *, manager_id: int, month: date, volume_cartons: int, amount_yuan: Decimal
    ) -> MonthlyTarget:
        """Insert a manager's monthly target and return it."""
        target = MonthlyTarget(
            id=0,
            manager_id=manager_id,
            month=month,
            volume_cartons=volume_cartons,
            amount_yuan=amount_yuan,
        )  # validates before writing
        row = MonthlyTargetRow(
            manager_id=manager_id,
            month=month,
            volume_cartons=volume_cartons,
            amount_fen=fen_from_yuan(amount_yuan),
        )
        self._session.add(row)
        self._session.flush()
        return MonthlyTarget(
            id=row.id,
            manager_id=target.manager_id,
            month=target.month,
            volume_cartons=target.volume_cartons,
            amount_yuan=target.amount_yuan,
        )

    def upsert_targets(
        self, targets: Sequence[MonthlyTarget], *, set_by: int | None, at: datetime
    ) -> UpsertCounts:
        """Insert or update targets by (manager, month); identical ones count as unchanged.

        ``id`` of the given targets is ignored. A changed target records who set it and when.
        """
        if not targets:
            return UpsertCounts()
        existing = {
            (row.manager_id, row.month): row
            for row in self._session.scalars(
                sa.select(MonthlyTargetRow).where(
                    MonthlyTargetRow.manager_id.in_(sorted({t.manager_id for t in targets})),
                    MonthlyTargetRow.month.in_(sorted({t.month for t in targets})),
                )
            )
        }
        inserted = updated = 0
        for t in targets:
            fen = fen_from_yuan(t.amount_yuan)
            row = existing.get((t.manager_id, t.month))
            if row is None:
                row = MonthlyTargetRow(
                    manager_id=t.manager_id,
                    month=t.month,
                    volume_cartons=t.volume_cartons,
                    amount_fen=fen,
                    set_by=set_by,
                    set_at=at,
                )
                self._session.add(row)
                existing[(t.manager_id, t.month)] = row
                inserted += 1
            elif (row.volume_cartons, row.amount_fen) != (t.volume_cartons, fen):
                row.volume_cartons, row.amount_fen = t.volume_cartons, fen
                row.set_by, row.set_at = set_by, at
                updated += 1
        self._session.flush()
        return UpsertCounts(
            inserted=inserted, updated=updated, unchanged=len(targets) - inserted - updated
        )

    def targets(
        self, manager_ids: Collection[int] | None, first_month: date, last_month: date
    ) -> list[MonthlyTarget]:
        """Targets of these managers (``None``: everyone) for months in a range, by month."""
        statement = (
            sa.select(MonthlyTargetRow)
            .where(MonthlyTargetRow.month.between(first_month, last_month))
            .order_by(MonthlyTargetRow.month, MonthlyTargetRow.manager_id)
        )
        if manager_ids is not None:
            statement = statement.where(MonthlyTargetRow.manager_id.in_(list(manager_ids)))
        return [_target(row) for row in self._session.scalars(statement)]

    def targets_for(self, manager_id: int) -> list[MonthlyTarget]:
        """Return a manager's targets, earliest month first."""
        statement = (
            sa.select(MonthlyTargetRow)
            .where(MonthlyTargetRow.manager_id == manager_id)
            .order_by(MonthlyTargetRow.month)
        )
        return [_target(row) for row in self._session.scalars(statement)]


def _target(row: MonthlyTargetRow) -> MonthlyTarget:
    return MonthlyTarget(
        id=row.id,
        manager_id=row.manager_id,
        month=row.month,
        volume_cartons=row.volume_cartons,
        amount_yuan=yuan_from_fen(row.amount_fen),
        set_by=row.set_by,
        set_at=row.set_at,
    )


def _order_values(draft: SalesOrderDraft) -> dict[str, object]:
    return {
        "retailer_id": draft.retailer_id,
        "order_date": draft.order_date,
        "volume_cartons": draft.volume_cartons,
        "amount_fen": fen_from_yuan(draft.amount_yuan),
        "brand": draft.brand,
    }
