"""Departments: the small company tree, read whole or by id/code."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from gql.domain import Department, DepartmentKind
from gql.store.models import DepartmentRow

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session

__all__ = ["DepartmentRepository"]


class DepartmentRepository:
    """Reads and adds departments; returns :class:`~gql.domain.Department`."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get_many(self, ids: Sequence[int]) -> list[Department | None]:
        """Return departments in the order of ``ids`` (``None`` where absent), one statement."""
        if not ids:
            return []
        rows = self._session.scalars(sa.select(DepartmentRow).where(DepartmentRow.id.in_(ids)))
        found = {row.id: _to_domain(row) for row in rows}
        return [found.get(i) for i in ids]

    def by_code(self, code: str) -> Department | None:
        """Return the department with ``code``, or ``None``."""
        row = self._session.scalar(sa.select(DepartmentRow).where(DepartmentRow.code == code))
        return None if row is None else _to_domain(row)

    def all(self, *, kind: DepartmentKind | None = None) -> list[Department]:
        """Return every department (optionally of one kind), ordered by code."""
        statement = sa.select(DepartmentRow).order_by(DepartmentRow.code)
        if kind is not None:
            statement = statement.where(DepartmentRow.kind == kind)
        return [_to_domain(row) for row in self._session.scalars(statement)]

    def add(
        self, *, code: str, name: str, kind: DepartmentKind, parent_id: int | None
    ) -> Department:
        """Insert a department and return it with its id."""
        row = DepartmentRow(code=code, name=name, kind=kind, parent_id=parent_id)
        self._session.add(row)
        self._session.flush()
        return _to_domain(row)

    def update(self, department_id: int, *, name: str | None, parent_id: int | None) -> Department:
        """Rename and/or move a department (``None`` keeps a field) and return it."""
        row = self._session.get(DepartmentRow, department_id)
        if row is None:
            raise LookupError(f"department {department_id} does not exist")
        if name is not None:
            row.name = name
        if parent_id is not None:
            row.parent_id = parent_id
        self._session.flush()
        return _to_domain(row)


def _to_domain(row: DepartmentRow) -> Department:
    return Department(
        id=row.id, code=row.code, name=row.name, kind=row.kind, parent_id=row.parent_id
    )
