"""Score events, closed results with their amendments, and goals.

Closed results are written once (:meth:`EvaluationRepository.close`) and never updated: the
only way to change one is :meth:`EvaluationRepository.add_amendment` (R7.5).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from gql.domain.evaluations import (
    AmendmentInfo,
    EvaluationResultInfo,
    GoalInfo,
    PeriodKind,
    RankScope,
    ReopeningInfo,
    ReviewInfo,
    ScoreEventInfo,
    ScoreEventKind,
    ScoreEventStatus,
)
from gql.store.models import (
    AmendmentRow,
    EvaluationResultRow,
    GoalRow,
    ReopeningRow,
    ReviewRow,
    ScoreEventRow,
)

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping, Sequence
    from datetime import date, datetime

    from sqlalchemy.orm import Session

__all__ = ["EvaluationRepository", "ResultDraft", "ScoreEventDraft"]


@dataclass(frozen=True, slots=True)
class ScoreEventDraft:
    """An event to record."""

    manager_id: int
    kind: ScoreEventKind
    occurred_on: date
    recorded_by: int
    recorded_at: datetime
    details: Mapping[str, Any]
    source_key: str | None = None
    status: ScoreEventStatus = ScoreEventStatus.RECORDED
    status_reason: str | None = None


@dataclass(frozen=True, slots=True)
class ResultDraft:
    """A result to close (``revision`` is assigned by :meth:`EvaluationRepository.close`)."""

    kind: PeriodKind
    period: str
    manager_id: int
    department_id: int
    policy_version: str
    values: Mapping[str, Any]
    detail: Mapping[str, Any]
    closed_by: int
    closed_at: datetime
    scope: RankScope = RankScope.DEPARTMENT


_COUNTED = (ScoreEventStatus.RECORDED,)


class EvaluationRepository:
    """Reads and writes the evaluation's persistent facts; never commits."""

    def __init__(self, session: Session) -> None:
        self._session = session

    # -- events ---------------------------------------------------------------------------

    def add_events(self, drafts: Sequence[ScoreEventDraft]) -> list[int]:
        """Insert events; return their ids in order."""
        ids = []
        for d in drafts:
            row = ScoreEventRow(
                manager_id=d.manager_id,
                kind=d.kind,
                occurred_on=d.occurred_on,
                recorded_by=d.recorded_by,
                recorded_at=d.recorded_at,
                details=dict(d.details),
                source_key=d.source_key,
                status=d.status,
                status_reason=d.status_reason,
            )
            self._session.add(row)
            self._session.flush()
            ids.append(row.id)
        return ids

    def set_event_status(
        self,
        event_id: int,
        status: ScoreEventStatus,
        *,
        decided_by: int,
        at: datetime,
        reason: str,
    ) -> None:
        """Move an event along its life (retract, accept, reject), with who, when and why."""
        self._session.execute(
            sa.update(ScoreEventRow)
            .where(ScoreEventRow.id == event_id)
            .values(status=status, decided_by=decided_by, decided_at=at, decision_reason=reason)
        )
        self._session.expire_all()

    def pending_events(self, manager_ids: Collection[int] | None = None) -> list[ScoreEventInfo]:
        """Held findings and amendment proposals waiting for marketing, oldest first."""
        statement = (
            sa.select(ScoreEventRow)
            .where(ScoreEventRow.status.in_([ScoreEventStatus.HELD, ScoreEventStatus.PROPOSED]))
            .order_by(ScoreEventRow.id)
        )
        if manager_ids is not None:
            statement = statement.where(ScoreEventRow.manager_id.in_(list(manager_ids)))
        return [_event(r) for r in self._session.scalars(statement)]

    def existing_source_keys(self, keys: Collection[str]) -> set[str]:
        """Which of these source keys are already recorded."""
        if not keys:
            return set()
        return set(
            self._session.scalars(
                sa.select(ScoreEventRow.source_key).where(ScoreEventRow.source_key.in_(list(keys)))
            )
        )

    def events(
        self,
        manager_ids: Collection[int],
        first_day: date,
        last_day: date,
        *,
        kinds: Collection[ScoreEventKind] = (),
        statuses: Collection[ScoreEventStatus] | None = _COUNTED,
    ) -> list[ScoreEventInfo]:
        """Events of these managers that occurred between two days inclusive, by id.

        Only events that count (``RECORDED``) unless ``statuses`` says otherwise (``None``:
        every status).
        """
        if not manager_ids:
            return []
        statement = (
            sa.select(ScoreEventRow)
            .where(
                ScoreEventRow.manager_id.in_(list(manager_ids)),
                ScoreEventRow.occurred_on.between(first_day, last_day),
            )
            .order_by(ScoreEventRow.id)
        )
        if statuses is not None:
            statement = statement.where(ScoreEventRow.status.in_(list(statuses)))
        if kinds:
            statement = statement.where(ScoreEventRow.kind.in_(list(kinds)))
        return [_event(r) for r in self._session.scalars(statement)]

    def get_events(self, ids: Sequence[int]) -> list[ScoreEventInfo | None]:
        """Events by id, in the order of ``ids``."""
        if not ids:
            return []
        rows = self._session.scalars(sa.select(ScoreEventRow).where(ScoreEventRow.id.in_(set(ids))))
        found = {r.id: _event(r) for r in rows}
        return [found.get(i) for i in ids]

    # -- closed results -------------------------------------------------------------------

    def close(self, drafts: Sequence[ResultDraft]) -> list[int]:
        """Insert closed results, each as the next revision of its (kind, period, manager).

        (kind, period, manager, revision) is unique, so two concurrent closings of the same
        period cannot both write.
        """
        ids = []
        for d in drafts:
            last = self._session.scalar(
                sa.select(sa.func.max(EvaluationResultRow.revision)).where(
                    EvaluationResultRow.kind == d.kind,
                    EvaluationResultRow.period == d.period,
                    EvaluationResultRow.manager_id == d.manager_id,
                )
            )
            row = EvaluationResultRow(
                kind=d.kind,
                period=d.period,
                manager_id=d.manager_id,
                department_id=d.department_id,
                policy_version=d.policy_version,
                values=dict(d.values),
                detail=dict(d.detail),
                closed_by=d.closed_by,
                closed_at=d.closed_at,
                revision=(last or 0) + 1,
                scope=d.scope,
            )
            self._session.add(row)
            self._session.flush()
            ids.append(row.id)
        return ids

    def closed_managers(
        self, kind: PeriodKind, period: str, manager_ids: Collection[int]
    ) -> set[int]:
        """Which of these managers have a current (not reopened) result for the period."""
        if not manager_ids:
            return set()
        return set(
            self._session.scalars(
                sa.select(EvaluationResultRow.manager_id).where(
                    EvaluationResultRow.kind == kind,
                    EvaluationResultRow.period == period,
                    EvaluationResultRow.manager_id.in_(list(manager_ids)),
                    EvaluationResultRow.reopening_id.is_(None),
                )
            )
        )

    def revisions(
        self, kind: PeriodKind, period: str, manager_ids: Collection[int]
    ) -> dict[int, int]:
        """The latest revision (current or reopened) of each manager's result for a period."""
        if not manager_ids:
            return {}
        return {
            manager: int(revision)
            for manager, revision in self._session.execute(
                sa.select(EvaluationResultRow.manager_id, sa.func.max(EvaluationResultRow.revision))
                .where(
                    EvaluationResultRow.kind == kind,
                    EvaluationResultRow.period == period,
                    EvaluationResultRow.manager_id.in_(list(manager_ids)),
                )
                .group_by(EvaluationResultRow.manager_id)
            )
        }

    def closed_periods(
        self, kind: PeriodKind, periods: Collection[str], manager_ids: Collection[int]
    ) -> dict[str, set[int]]:
        """Per period, the managers among ``manager_ids`` with a current result."""
        found: dict[str, set[int]] = {p: set() for p in periods}
        if not manager_ids or not periods:
            return found
        for period, manager in self._session.execute(
            sa.select(EvaluationResultRow.period, EvaluationResultRow.manager_id).where(
                EvaluationResultRow.kind == kind,
                EvaluationResultRow.period.in_(list(periods)),
                EvaluationResultRow.manager_id.in_(list(manager_ids)),
                EvaluationResultRow.reopening_id.is_(None),
            )
        ):
            found[period].add(manager)
        return found

    def reopen(
        self,
        result_ids: Collection[int],
        *,
        kind: PeriodKind,
        period: str,
        department_id: int | None,
        reason: str,
        by: int,
        at: datetime,
    ) -> ReopeningInfo:
        """Record a reopening and mark these current results as reopened (values untouched)."""
        row = ReopeningRow(
            kind=kind,
            period=period,
            department_id=department_id,
            reason=reason,
            reopened_by=by,
            reopened_at=at,
        )
        self._session.add(row)
        self._session.flush()
        self._session.execute(
            sa.update(EvaluationResultRow)
            .where(
                EvaluationResultRow.id.in_(list(result_ids)),
                EvaluationResultRow.reopening_id.is_(None),
            )
            .values(reopening_id=row.id)
        )
        self._session.expire_all()
        return _reopening(row)

    def results(
        self,
        *,
        kind: PeriodKind | None = None,
        periods: Collection[str] | None = None,
        manager_ids: Collection[int] | None = None,
        department_ids: Collection[int] | None = None,
        current_only: bool = True,
    ) -> list[EvaluationResultInfo]:
        """Closed results with their amendments, by id (four statements at most).

        Only current results unless ``current_only`` is false (a manager's whole file keeps
        the reopened revisions too).
        """
        conditions: list[sa.ColumnElement[bool]] = []
        if current_only:
            conditions.append(EvaluationResultRow.reopening_id.is_(None))
        if kind is not None:
            conditions.append(EvaluationResultRow.kind == kind)
        if periods is not None:
            conditions.append(EvaluationResultRow.period.in_(list(periods)))
        if manager_ids is not None:
            conditions.append(EvaluationResultRow.manager_id.in_(list(manager_ids)))
        if department_ids is not None:
            conditions.append(EvaluationResultRow.department_id.in_(list(department_ids)))
        rows = list(
            self._session.scalars(
                sa.select(EvaluationResultRow).where(*conditions).order_by(EvaluationResultRow.id)
            )
        )
        return self._with_amendments(rows)

    def get_results(self, ids: Sequence[int]) -> list[EvaluationResultInfo | None]:
        """Closed results by id, in the order of ``ids``."""
        if not ids:
            return []
        rows = list(
            self._session.scalars(
                sa.select(EvaluationResultRow).where(EvaluationResultRow.id.in_(set(ids)))
            )
        )
        found = {r.id: r for r in self._with_amendments(rows)}
        return [found.get(i) for i in ids]

    def _with_amendments(self, rows: list[EvaluationResultRow]) -> list[EvaluationResultInfo]:
        amendments: defaultdict[int, list[AmendmentInfo]] = defaultdict(list)
        reopenings: dict[int, ReopeningInfo] = {}
        if rows:
            for a in self._session.scalars(
                sa.select(AmendmentRow)
                .where(AmendmentRow.result_id.in_([r.id for r in rows]))
                .order_by(AmendmentRow.result_id, AmendmentRow.seq)
            ):
                amendments[a.result_id].append(
                    AmendmentInfo(
                        a.id, a.seq, a.author_id, a.reason, a.at, dict(a.changes), a.event_id
                    )
                )
            wanted = {r.reopening_id for r in rows if r.reopening_id is not None}
            if wanted:
                for o in self._session.scalars(
                    sa.select(ReopeningRow).where(ReopeningRow.id.in_(wanted))
                ):
                    reopenings[o.id] = _reopening(o)
        return [
            _result(
                r,
                amendments.get(r.id, []),
                None if r.reopening_id is None else reopenings[r.reopening_id],
            )
            for r in rows
        ]

    def add_amendment(
        self,
        result_id: int,
        *,
        author_id: int,
        reason: str,
        at: datetime,
        changes: Mapping[str, Any],
        event_id: int | None = None,
    ) -> int:
        """Append an amendment to a closed result; return its id."""
        last = self._session.scalar(
            sa.select(sa.func.max(AmendmentRow.seq)).where(AmendmentRow.result_id == result_id)
        )
        row = AmendmentRow(
            result_id=result_id,
            seq=(last or 0) + 1,
            author_id=author_id,
            reason=reason,
            at=at,
            changes=dict(changes),
            event_id=event_id,
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    # -- review meetings ------------------------------------------------------------------

    def add_review(
        self,
        *,
        kind: PeriodKind,
        period: str,
        department_id: int | None,
        held_on: date,
        recorded_by: int,
        at: datetime,
        note: str,
    ) -> ReviewInfo:
        """Record a review meeting held."""
        row = ReviewRow(
            kind=kind,
            period=period,
            department_id=department_id,
            held_on=held_on,
            recorded_by=recorded_by,
            recorded_at=at,
            note=note,
        )
        self._session.add(row)
        self._session.flush()
        return _review(row)

    def reviews(self, kind: PeriodKind, periods: Collection[str]) -> list[ReviewInfo]:
        """Review meetings held for these periods, by id."""
        if not periods:
            return []
        rows = self._session.scalars(
            sa.select(ReviewRow)
            .where(ReviewRow.kind == kind, ReviewRow.period.in_(list(periods)))
            .order_by(ReviewRow.id)
        )
        return [_review(r) for r in rows]

    # -- goals ----------------------------------------------------------------------------

    def add_goal(
        self,
        *,
        manager_id: int,
        period: str,
        title: str,
        unit: str,
        baseline: float,
        target: float,
        direction: str,
        created_by: int,
        at: datetime,
        lowest: float | None = None,
        highest: float | None = None,
    ) -> int:
        """Insert a goal; return its id."""
        row = GoalRow(
            manager_id=manager_id,
            period=period,
            title=title,
            unit=unit,
            baseline=baseline,
            target=target,
            direction=direction,
            current=None,
            lowest=lowest,
            highest=highest,
            created_by=created_by,
            created_at=at,
            updated_at=at,
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def set_goal_current(self, goal_id: int, current: float, *, at: datetime) -> None:
        """Record the latest measured value of a goal."""
        self._session.execute(
            sa.update(GoalRow).where(GoalRow.id == goal_id).values(current=current, updated_at=at)
        )

    def goals(
        self, manager_ids: Collection[int], periods: Collection[str] | None = None
    ) -> list[GoalInfo]:
        """Goals of these managers (optionally of some periods), by id."""
        if not manager_ids:
            return []
        statement = (
            sa.select(GoalRow).where(GoalRow.manager_id.in_(list(manager_ids))).order_by(GoalRow.id)
        )
        if periods is not None:
            statement = statement.where(GoalRow.period.in_(list(periods)))
        return [_goal(r) for r in self._session.scalars(statement)]

    def get_goals(self, ids: Sequence[int]) -> list[GoalInfo | None]:
        """Goals by id, in the order of ``ids``."""
        if not ids:
            return []
        rows = self._session.scalars(sa.select(GoalRow).where(GoalRow.id.in_(set(ids))))
        found = {r.id: _goal(r) for r in rows}
        return [found.get(i) for i in ids]


def _event(row: ScoreEventRow) -> ScoreEventInfo:
    return ScoreEventInfo(
        id=row.id,
        manager_id=row.manager_id,
        kind=row.kind,
        occurred_on=row.occurred_on,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
        details=dict(row.details or {}),
        source_key=row.source_key,
        status=row.status,
        status_reason=row.status_reason,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decision_reason=row.decision_reason,
    )


def _reopening(row: ReopeningRow) -> ReopeningInfo:
    return ReopeningInfo(
        id=row.id,
        kind=row.kind,
        period=row.period,
        department_id=row.department_id,
        reason=row.reason,
        reopened_by=row.reopened_by,
        reopened_at=row.reopened_at,
    )


def _review(row: ReviewRow) -> ReviewInfo:
    return ReviewInfo(
        id=row.id,
        kind=row.kind,
        period=row.period,
        department_id=row.department_id,
        held_on=row.held_on,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
        note=row.note,
    )


def _result(
    row: EvaluationResultRow,
    amendments: Sequence[AmendmentInfo],
    reopening: ReopeningInfo | None,
) -> EvaluationResultInfo:
    return EvaluationResultInfo(
        id=row.id,
        kind=row.kind,
        period=row.period,
        manager_id=row.manager_id,
        department_id=row.department_id,
        policy_version=row.policy_version,
        values=dict(row.values or {}),
        detail=dict(row.detail or {}),
        closed_by=row.closed_by,
        closed_at=row.closed_at,
        amendments=tuple(amendments),
        revision=row.revision,
        scope=row.scope,
        reopening=reopening,
    )


def _goal(row: GoalRow) -> GoalInfo:
    return GoalInfo(
        id=row.id,
        manager_id=row.manager_id,
        period=row.period,
        title=row.title,
        unit=row.unit,
        baseline=row.baseline,
        target=row.target,
        direction=row.direction,
        current=row.current,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        lowest=row.lowest,
        highest=row.highest,
    )
