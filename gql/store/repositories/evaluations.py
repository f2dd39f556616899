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
    ScoreEventInfo,
    ScoreEventKind,
)
from gql.store.models import AmendmentRow, EvaluationResultRow, GoalRow, ScoreEventRow

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


@dataclass(frozen=True, slots=True)
class ResultDraft:
    """A result to close."""

    kind: PeriodKind
    period: str
    manager_id: int
    department_id: int
    policy_version: str
    values: Mapping[str, Any]
    detail: Mapping[str, Any]
    closed_by: int
    closed_at: datetime


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
            )
            self._session.add(row)
            self._session.flush()
            ids.append(row.id)
        return ids

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
    ) -> list[ScoreEventInfo]:
        """Events of these managers that occurred between two days inclusive, by id."""
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
        """Insert closed results; (kind, period, manager) is unique, so a period closes once."""
        ids = []
        for d in drafts:
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
            )
            self._session.add(row)
            self._session.flush()
            ids.append(row.id)
        return ids

    def closed_managers(
        self, kind: PeriodKind, period: str, manager_ids: Collection[int]
    ) -> set[int]:
        """Which of these managers already have a closed result for the period."""
        if not manager_ids:
            return set()
        return set(
            self._session.scalars(
                sa.select(EvaluationResultRow.manager_id).where(
                    EvaluationResultRow.kind == kind,
                    EvaluationResultRow.period == period,
                    EvaluationResultRow.manager_id.in_(list(manager_ids)),
                )
            )
        )

    def results(
        self,
        *,
        kind: PeriodKind | None = None,
        periods: Collection[str] | None = None,
        manager_ids: Collection[int] | None = None,
        department_ids: Collection[int] | None = None,
    ) -> list[EvaluationResultInfo]:
        """Closed results with their amendments, by id (three statements at most)."""
        conditions: list[sa.ColumnElement[bool]] = []
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
        if rows:
            for a in self._session.scalars(
                sa.select(AmendmentRow)
                .where(AmendmentRow.result_id.in_([r.id for r in rows]))
                .order_by(AmendmentRow.result_id, AmendmentRow.seq)
            ):
                amendments[a.result_id].append(
                    AmendmentInfo(a.id, a.seq, a.author_id, a.reason, a.at, dict(a.changes))
                )
        return [_result(r, amendments.get(r.id, [])) for r in rows]

    def add_amendment(
        self,
        result_id: int,
        *,
        author_id: int,
        reason: str,
        at: datetime,
        changes: Mapping[str, Any],
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
        )
        self._session.add(row)
        self._session.flush()
        return row.id

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
    )


def _result(row: EvaluationResultRow, amendments: Sequence[AmendmentInfo]) -> EvaluationResultInfo:
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
    )
