"""Bulk reads for reports: the plans and visits of many managers over a span of days.

One query per kind of fact (not one per manager-day), so a department-month is a handful of
round trips. Rows come back as plain tuples-in-dataclasses; the reports service interprets them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from gql.domain import PlanStatus, RetailerStatus, Verdict
from gql.store.models import (
    AuditRecordRow,
    PlanStopRow,
    PlanStopSkipRow,
    PositionFixRow,
    RetailerAssignmentRow,
    RetailerRow,
    VisitPlanRow,
    VisitRow,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import date, datetime

    from sqlalchemy.orm import Session

__all__ = ["PlanFact", "ReportFactRepository", "StopFact", "VisitRowFact"]

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class StopFact:
    """A plan stop: its id, planned sequence number and retailer."""

    id: int
    seq: int
    retailer_id: int


@dataclass(frozen=True, slots=True)
class PlanFact:
    """The plan a manager worked from on a day (published, else newest draft)."""

    id: int
    manager_id: int
    plan_date: date
    length_m: int
    baseline_length_m: int | None
    optimised_against: Mapping[str, Any]
    stops: tuple[StopFact, ...]


@dataclass(frozen=True, slots=True)
class VisitRowFact:
    """A visit's columns as reports read them, plus whether any of its fixes was stale.

    ``flags`` holds only the evidence parts reports read: check-in flags and estimate,
    check-out flags, record flags (missing parts are ``None``).
    """

    id: int
    manager_id: int
    retailer_id: int
    plan_stop_id: int | None
    started_at: datetime
    ended_at: datetime | None
    device_started_at: datetime | None
    device_ended_at: datetime | None
    late_upload: bool
    verdict: Verdict
    dwell_s: int | None
    flags: Mapping[str, Any]
    any_stale_fix: bool


def _chunks(values: Sequence[int]) -> list[Sequence[int]]:
    return [values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK)]


class ReportFactRepository:
    """Reads the facts reports are computed from."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def plans(self, manager_ids: Sequence[int], first: date, last: date) -> list[PlanFact]:
        """Per manager and day in ``first`` … ``last``, the plan worked from, with its stops."""
        chosen: dict[tuple[int, date], Any] = {}
        for ids in _chunks(sorted(manager_ids)):
            rows = self._session.execute(
                sa.select(
                    VisitPlanRow.id,
                    VisitPlanRow.manager_id,
                    VisitPlanRow.plan_date,
                    VisitPlanRow.status,
                    VisitPlanRow.length_m,
                    VisitPlanRow.baseline_length_m,
                    VisitPlanRow.optimised_against,
                ).where(
                    VisitPlanRow.manager_id.in_(ids),
                    VisitPlanRow.plan_date.between(first, last),
                    VisitPlanRow.status != PlanStatus.SUPERSEDED,
                )
            ).all()
            for row in rows:
                key = (row.manager_id, row.plan_date)
                held = chosen.get(key)
                rank = (row.status == PlanStatus.PUBLISHED, row.id)
                if held is None or rank > (held.status == PlanStatus.PUBLISHED, held.id):
                    chosen[key] = row
        stops: dict[int, list[StopFact]] = {}
        for ids in _chunks(sorted(r.id for r in chosen.values())):
            for stop in self._session.execute(
                sa.select(
                    PlanStopRow.plan_id, PlanStopRow.id, PlanStopRow.seq, PlanStopRow.retailer_id
                )
                .where(PlanStopRow.plan_id.in_(ids))
                .order_by(PlanStopRow.plan_id, PlanStopRow.seq)
            ):
                stops.setdefault(stop.plan_id, []).append(
                    StopFact(stop.id, stop.seq, stop.retailer_id)
                )
        return [
            PlanFact(
                id=row.id,
                manager_id=row.manager_id,
                plan_date=row.plan_date,
                length_m=row.length_m,
                baseline_length_m=row.baseline_length_m,
                optimised_against=row.optimised_against or {},
                stops=tuple(stops.get(row.id, ())),
            )
            for _, row in sorted(chosen.items())
        ]

    def visits(
        self,
        manager_ids: Sequence[int],
        since: datetime,
        until: datetime,
        happened: tuple[datetime, datetime] | None = None,
    ) -> list[VisitRowFact]:
        """Visits of ``manager_ids`` received (server time) in ``[since, until)``.

        ``happened``: only those whose device start (else server start) is in that ``[from,
        to)`` too, filtered in the database (a day's late-upload margin spans a week).
        """
        stale = (
            sa.select(sa.literal(1))
            .where(PositionFixRow.visit_id == VisitRow.id, PositionFixRow.stale.is_(True))
            .exists()
        )
        at = sa.func.coalesce(VisitRow.device_started_at, VisitRow.started_at)
        when = [] if happened is None else [at >= happened[0], at < happened[1]]
        out: list[VisitRowFact] = []
        for ids in _chunks(sorted(manager_ids)):
            rows = self._session.execute(
                sa.select(
                    VisitRow.id,
                    VisitRow.manager_id,
                    VisitRow.retailer_id,
                    VisitRow.plan_stop_id,
                    VisitRow.started_at,
                    VisitRow.ended_at,
                    VisitRow.device_started_at,
                    VisitRow.device_ended_at,
                    VisitRow.late_upload,
                    VisitRow.verdict,
                    VisitRow.dwell_s,
                    # only the parts reports read: the whole evidence is ~1 kB of JSON a visit
                    VisitRow.flags[("check_in", "flags")].label("check_in_flags"),
                    VisitRow.flags[("check_in", "estimate")].label("estimate"),
                    VisitRow.flags[("check_out", "flags")].label("check_out_flags"),
                    VisitRow.flags[("record_flags",)].label("record_flags"),
                    stale.label("any_stale_fix"),
                )
                .where(
                    VisitRow.manager_id.in_(ids),
                    VisitRow.started_at >= since,
                    VisitRow.started_at < until,
                    *when,
                )
                .order_by(VisitRow.id)
            ).all()
            out.extend(
                VisitRowFact(
                    id=r.id,
                    manager_id=r.manager_id,
                    retailer_id=r.retailer_id,
                    plan_stop_id=r.plan_stop_id,
                    started_at=r.started_at,
                    ended_at=r.ended_at,
                    device_started_at=r.device_started_at,
                    device_ended_at=r.device_ended_at,
                    late_upload=bool(r.late_upload),
                    verdict=r.verdict,
                    dwell_s=r.dwell_s,
                    flags={
                        "check_in": {"flags": r.check_in_flags, "estimate": r.estimate},
                        "check_out": {"flags": r.check_out_flags},
                        "record_flags": r.record_flags,
                    },
                    any_stale_fix=bool(r.any_stale_fix),
                )
                for r in rows
            )
        return out

    def span(self) -> tuple[datetime | None, datetime | None, date | None, date | None]:
        """The earliest and latest visit instants (device time first) and plan days."""
        happened = sa.func.coalesce(VisitRow.device_started_at, VisitRow.started_at)
        first_at, last_at = self._session.execute(
            sa.select(sa.func.min(happened), sa.func.max(happened))
        ).one()
        first_plan, last_plan = self._session.execute(
            sa.select(sa.func.min(VisitPlanRow.plan_date), sa.func.max(VisitPlanRow.plan_date))
        ).one()
        return first_at, last_at, first_plan, last_plan

    def skip_reasons(self, stop_ids: Sequence[int]) -> dict[int, str]:
        """The recorded reason of each skipped stop among ``stop_ids``."""
        found: dict[int, str] = {}
        for ids in _chunks(sorted(stop_ids)):
            found.update(
                (stop_id, reason)
                for stop_id, reason in self._session.execute(
                    sa.select(PlanStopSkipRow.stop_id, PlanStopSkipRow.reason).where(
                        PlanStopSkipRow.stop_id.in_(ids)
                    )
                )
            )
        return found

    def audit_record_ids(self, manager_ids: Sequence[int], first: date, last: date) -> list[int]:
        """Audit records about ``manager_ids`` made on days ``first`` … ``last``, by id."""
        out: list[int] = []
        for ids in _chunks(sorted(manager_ids)):
            out.extend(
                self._session.scalars(
                    sa.select(AuditRecordRow.id).where(
                        AuditRecordRow.manager_id.in_(ids),
                        AuditRecordRow.audited_on.between(first, last),
                    )
                )
            )
        return sorted(out)

    def retailer_counts(self, manager_ids: Sequence[int]) -> dict[int, int]:
        """Active retailers assigned to each of ``manager_ids`` now (absent: none)."""
        found: dict[int, int] = {}
        for ids in _chunks(sorted(manager_ids)):
            found.update(
                (int(manager_id), int(n))
                for manager_id, n in self._session.execute(
                    sa.select(RetailerRow.manager_id, sa.func.count())
                    .where(
                        RetailerRow.manager_id.in_(ids),
                        RetailerRow.status == RetailerStatus.ACTIVE,
                    )
                    .group_by(RetailerRow.manager_id)
                )
                if manager_id is not None
            )
        return found

    def managers_on(self, day: date) -> dict[int, tuple[int | None, int | None]]:
        """Per retailer with a history period covering ``day``: (its manager then, now)."""
        a, r = RetailerAssignmentRow, RetailerRow
        if self._session.autoflush:
            self._session.flush()
        rows = (
            self._session.connection()
            .execute(  # Core: 50,000 rows for a company
                sa.select(a.retailer_id, a.manager_id, r.manager_id)
                .join(r, r.id == a.retailer_id)
                .where(a.valid_from <= day, sa.or_(a.valid_to.is_(None), a.valid_to > day))
            )
            .all()
        )  # one fetch: iterating a Core result fetches row by row
        return {retailer_id: (then, now) for retailer_id, then, now in rows}
