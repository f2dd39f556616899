"""Report aggregates: stored manager-day facts, stale marks, and whether they were built.

The marks are written in the writer's transaction; see ``gql.services.reports.aggregates``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from gql.store.models import (
    Base,
    PlanStopRow,
    ReportAggregateStateRow,
    ReportStaleDayRow,
    VisitPlanRow,
    VisitRow,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from datetime import date, datetime

    from sqlalchemy.orm import Session

__all__ = ["ReportDayRepository", "StaleMark"]

_CHUNK = 500
_DAYS = Base.metadata.tables["report_manager_days"]
_MONTHS = Base.metadata.tables["report_manager_months"]
_MARKS = Base.metadata.tables["report_stale_days"]

StaleMark = tuple[int, int, "date"]
"""(mark id, manager id, day)."""


def _chunks(values: Sequence[Any], size: int = _CHUNK) -> list[Sequence[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


class ReportDayRepository:
    """Reads and writes the report aggregates."""

    def __init__(self, session: Session) -> None:
        self._session = session

    # -- marks ----------------------------------------------------------------------------

    def mark_stale(self, days: Iterable[tuple[int, date]]) -> None:
        """Mark manager-days stale, in the caller's transaction (one insert)."""
        rows = [{"manager_id": m, "day": d} for m, d in sorted(set(days))]
        if rows:
            self._session.execute(sa.insert(_MARKS), rows)

    def mark_stop_days_stale(self, stop_ids: Iterable[int]) -> None:
        """Mark the manager-days of the plans holding ``stop_ids`` stale (one insert-select)."""
        ids = sorted(set(stop_ids))
        if not ids:
            return
        self._session.execute(
            sa.insert(_MARKS).from_select(
                ["manager_id", "day"],
                sa.select(VisitPlanRow.manager_id, VisitPlanRow.plan_date)
                .join(PlanStopRow, PlanStopRow.plan_id == VisitPlanRow.id)
                .where(PlanStopRow.id.in_(ids))
                .distinct(),
            )
        )

    def visit_instants(self, visit_ids: Sequence[int]) -> list[tuple[int, datetime]]:
        """(manager id, device start else server start) of each visit in ``visit_ids``."""
        out: list[tuple[int, datetime]] = []
        for ids in _chunks(sorted(set(visit_ids))):
            out.extend(
                (r.manager_id, r.device_started_at or r.started_at)
                for r in self._session.execute(
                    sa.select(
                        VisitRow.manager_id, VisitRow.device_started_at, VisitRow.started_at
                    ).where(VisitRow.id.in_(ids))
                )
            )
        return out

    def mark_plan_stale(self, plan_id: int) -> None:
        """Mark the manager-day of plan ``plan_id`` stale."""
        self._session.execute(
            sa.insert(_MARKS).from_select(
                ["manager_id", "day"],
                sa.select(VisitPlanRow.manager_id, VisitPlanRow.plan_date).where(
                    VisitPlanRow.id == plan_id
                ),
            )
        )

    def stale(
        self, manager_ids: Sequence[int] | None, first: date | None, last: date | None
    ) -> list[StaleMark]:
        """Marks of ``manager_ids`` (``None``: all) on days ``first`` … ``last`` (``None``: any)."""
        m = ReportStaleDayRow
        conditions: list[sa.ColumnElement[bool]] = []
        if first is not None and last is not None:
            conditions.append(m.day.between(first, last))
        statement = sa.select(m.id, m.manager_id, m.day).where(*conditions).order_by(m.id)
        if manager_ids is None:
            return [(r.id, r.manager_id, r.day) for r in self._session.execute(statement)]
        out: list[StaleMark] = []
        for ids in _chunks(sorted(manager_ids)):
            out.extend(
                (r.id, r.manager_id, r.day)
                for r in self._session.execute(statement.where(m.manager_id.in_(ids)))
            )
        return sorted(out)

    def clear_marks(self, mark_ids: Iterable[int]) -> None:
        """Delete the marks read (by id: marks added since stay for the next refresh)."""
        for ids in _chunks(sorted(set(mark_ids)), 5000):
            self._session.execute(sa.delete(_MARKS).where(_MARKS.c.id.in_(ids)))

    # -- facts ----------------------------------------------------------------------------

    def facts(
        self, manager_ids: Sequence[int], first: date, last: date
    ) -> list[tuple[int, date, list[Any]]]:
        """Stored facts of ``manager_ids`` on days ``first`` … ``last``."""
        out: list[tuple[int, date, list[Any]]] = []
        for ids in _chunks(sorted(manager_ids)):
            out.extend(
                (r.manager_id, r.day, r.facts)
                for r in self._session.execute(
                    sa.select(_DAYS.c.manager_id, _DAYS.c.day, _DAYS.c.facts).where(
                        _DAYS.c.manager_id.in_(ids), _DAYS.c.day.between(first, last)
                    )
                )
            )
        return out

    def day_units(
        self, manager_ids: Sequence[int], first: date, last: date
    ) -> list[tuple[int, date, bytes]]:
        """Stored days' packed effect units (``unit``) of ``manager_ids``, ``first`` … ``last``.

        Without their facts: the effect report reads only these.
        """
        d = _DAYS.c
        statement = sa.select(d.manager_id, d.day, d.unit).where(d.day.between(first, last))
        out: list[tuple[int, date, bytes]] = []
        for ids in _chunks(sorted(manager_ids)):
            out.extend(
                (r[0], r[1], bytes(r[2]))
                for r in self._session.execute(statement.where(d.manager_id.in_(ids))).all()
            )
        return out

    def facts_of_months(
        self,
        manager_months: Iterable[tuple[int, date]],
        *,
        last_of: Callable[[date], date],
        units: bool,
    ) -> list[tuple[int, date, Any]]:
        """Stored facts of the days of these manager-months (``last_of``: a month's last day).

        ``units``: the days' packed effect units instead (as :meth:`day_units`).
        """
        by_month: dict[date, list[int]] = {}
        for m, month in sorted(set(manager_months)):
            by_month.setdefault(month, []).append(m)
        read = self.day_units if units else self.facts
        out: list[tuple[int, date, Any]] = []
        for month, ids in by_month.items():
            out.extend(read(ids, month, last_of(month)))
        return out

    def months(
        self, manager_ids: Sequence[int], first: date, last: date
    ) -> list[tuple[int, date, list[Any]]]:
        """Stored manager-months of ``manager_ids`` whose first day is ``first`` … ``last``."""
        out: list[tuple[int, date, list[Any]]] = []
        for ids in _chunks(sorted(manager_ids)):
            out.extend(
                (r.manager_id, r.month, r.facts)
                for r in self._session.execute(
                    sa.select(_MONTHS.c.manager_id, _MONTHS.c.month, _MONTHS.c.facts).where(
                        _MONTHS.c.manager_id.in_(ids), _MONTHS.c.month.between(first, last)
                    )
                )
            )
        return out

    def month_work(
        self, manager_ids: Sequence[int], first: date, last: date
    ) -> list[tuple[int, date, int, int, int, int]]:
        """Stored months' work sums, without decoding their facts.

        Each: (manager, month, worked days, visits, dwell s, travel s), of the months whose
        first day is ``first`` … ``last``.
        """
        m = _MONTHS.c
        statement = sa.select(
            m.manager_id, m.month, m.worked_days, m.visits, m.dwell_s, m.travel_s
        ).where(m.month.between(first, last))
        out: list[tuple[int, date, int, int, int, int]] = []
        for ids in _chunks(sorted(manager_ids)):
            out.extend(
                (r[0], r[1], r[2], r[3], r[4], r[5])
                for r in self._session.execute(statement.where(m.manager_id.in_(ids))).all()
            )
        return out

    def month_units(
        self, manager_ids: Sequence[int], first: date, last: date
    ) -> list[tuple[int, date, bytes | None]]:
        """Stored months' packed effect units (``units``), without their facts.

        Each: (manager, month, units), of the months whose first day is ``first`` … ``last``.
        """
        m = _MONTHS.c
        statement = sa.select(m.manager_id, m.month, m.units).where(m.month.between(first, last))
        out: list[tuple[int, date, bytes | None]] = []
        for ids in _chunks(sorted(manager_ids)):
            out.extend(
                (r[0], r[1], None if r[2] is None else bytes(r[2]))
                for r in self._session.execute(statement.where(m.manager_id.in_(ids))).all()
            )
        return out

    def replace_months(
        self,
        manager_months: Sequence[tuple[int, date]],
        facts: Sequence[tuple[int, date, list[Any], Sequence[int], bytes]],
        *,
        now: datetime,
    ) -> None:
        """Delete the stored ``manager_months`` and insert ``facts`` (a month may have none).

        Each: (manager, month, facts, its work sums: worked days, visits, dwell s, travel s,
        its packed effect units).
        """
        by_month: dict[date, list[int]] = {}
        for m, month in sorted(set(manager_months)):
            by_month.setdefault(month, []).append(m)
        for month, ids in by_month.items():
            for chunk in _chunks(ids):
                self._session.execute(
                    sa.delete(_MONTHS).where(
                        _MONTHS.c.month == month, _MONTHS.c.manager_id.in_(chunk)
                    )
                )
        rows = [
            {
                "manager_id": m,
                "month": month,
                "facts": f,
                "computed_at": now,
                "worked_days": work[0],
                "visits": work[1],
                "dwell_s": work[2],
                "travel_s": work[3],
                "units": units,
            }
            for m, month, f, work, units in facts
        ]
        for chunk in _chunks(rows, 500):
            self._session.execute(sa.insert(_MONTHS), list(chunk))

    def replace(
        self,
        days: Sequence[tuple[int, date]],
        facts: Sequence[tuple[int, date, list[Any], bytes]],
        *,
        now: datetime,
    ) -> None:
        """Delete the stored facts of ``days`` and insert ``facts`` (a day may have none now).

        Each: (manager, day, facts, its packed effect unit).
        """
        by_manager: dict[int, list[date]] = {}
        for m, d in sorted(set(days)):
            by_manager.setdefault(m, []).append(d)
        for manager_id, dates in by_manager.items():
            for chunk in _chunks(dates):
                self._session.execute(
                    sa.delete(_DAYS).where(_DAYS.c.manager_id == manager_id, _DAYS.c.day.in_(chunk))
                )
        rows = [
            {"manager_id": m, "day": d, "facts": f, "computed_at": now, "unit": unit}
            for m, d, f, unit in facts
        ]
        for chunk in _chunks(rows, 2000):
            self._session.execute(sa.insert(_DAYS), list(chunk))

    def clear_all(self) -> None:
        """Delete every stored fact and month (a full rebuild starts here)."""
        self._session.execute(sa.delete(_MONTHS))
        self._session.execute(sa.delete(_DAYS))

    # -- state ----------------------------------------------------------------------------

    def built(self) -> bool:
        """Whether a full refresh has built the aggregates (else reports read raw tables)."""
        return (
            self._session.scalar(sa.select(sa.func.count()).select_from(ReportAggregateStateRow))
            == 1
        )

    def set_refreshed(self, *, now: datetime, full: bool) -> None:
        """Record a refresh; a full one marks the aggregates built."""
        row = self._session.get(ReportAggregateStateRow, 1)
        if row is None:
            if full:
                self._session.add(ReportAggregateStateRow(id=1, built_at=now, refreshed_at=now))
                self._session.flush()
            return
        if full:
            row.built_at = now
        row.refreshed_at = now
        self._session.flush()

    def refreshed_at(self) -> datetime | None:
        """When the aggregates were last refreshed (``None``: never built)."""
        row = self._session.get(ReportAggregateStateRow, 1)
        return None if row is None else row.refreshed_at
