"""CSV files uploaded over the API, run through the very imports the CLI runs (issue 16).

The same validation (every problem by line and column), the same all-or-nothing write and the
same idempotence on natural keys as ``visitgis import``. The import runs inside a savepoint, so
a file the database refuses mid-write (a key taken by another writer meanwhile) leaves nothing
behind either. Uploads name their author: targets record who set them and the people imports
log the uploader as the change's actor.

Access: administrators upload reference data (retailers, sales, departments, staff, managers),
marketing the files of its assignments (retailers, sales, targets, managers).
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from gql.domain import Role
from gql.services.access import Principal, require_role, signed_in
from gql.services.directory import importing
from gql.services.errors import InvalidInput, Problem
from gql.services.organisation import importing as people

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

__all__ = ["MAX_UPLOAD_BYTES", "ImportKind", "UploadService"]

MAX_UPLOAD_BYTES = 20_000_000
"""Larger files are refused (each import is one transaction held in memory); split them.

Over HTTP the request is refused before this, at ``max_upload_bytes`` (the same by default).
"""


class ImportKind(enum.StrEnum):
    """Which CSV a file is (columns: ``docs/csv-import.md``)."""

    RETAILERS = "RETAILERS"
    SALES = "SALES"
    TARGETS = "TARGETS"
    DEPARTMENTS = "DEPARTMENTS"
    STAFF = "STAFF"
    MANAGERS = "MANAGERS"


_ADMIN, _MARKETING = Role.ADMIN, Role.MARKETING
_UPLOADERS: dict[ImportKind, frozenset[Role]] = {
    ImportKind.RETAILERS: frozenset({_ADMIN, _MARKETING}),
    ImportKind.SALES: frozenset({_ADMIN, _MARKETING}),
    ImportKind.TARGETS: frozenset({_MARKETING}),
    ImportKind.DEPARTMENTS: frozenset({_ADMIN}),
    ImportKind.STAFF: frozenset({_ADMIN}),
    ImportKind.MANAGERS: frozenset({_ADMIN, _MARKETING}),
}


def problems_of(rejected: importing.ImportRejected) -> list[Problem]:
    """Each row error as a problem at ``("file", line)`` (line 0: the file as a whole)."""
    return [
        Problem(
            f"line {e.line}, {e.field}: {e.reason}" if e.line else f"{e.field}: {e.reason}",
            ("file", e.line) if e.line else ("file",),
        )
        for e in rejected.errors
    ]


class UploadService:
    """Runs an uploaded CSV through its import, as the caller."""

    def __init__(
        self,
        session: Session,
        principal: Principal | None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._session = session
        self._principal = principal
        self._clock = clock

    def check(self, kind: ImportKind, source: importing.CsvFile) -> Principal:
        """The caller, if they may upload this kind of file and the file is not too large."""
        principal = signed_in(self._principal)
        require_role(principal, _UPLOADERS[kind], f"import {kind.value.lower()}")
        if len(source.data) > MAX_UPLOAD_BYTES:
            raise InvalidInput(
                f"the file is over {MAX_UPLOAD_BYTES:,} bytes; split it",
                field=("file",),
            )
        if not source.data.strip():
            raise InvalidInput("the file is empty; expected a header row", field=("file",))
        return principal

    def run(self, kind: ImportKind, source: importing.CsvFile) -> importing.ImportReport:
        """Import the file; every row problem is reported and nothing is written on any."""
        principal = self.check(kind, source)
        now, actor = self._clock(), principal.staff_id
        run: dict[ImportKind, Callable[[], importing.ImportReport]] = {
            ImportKind.RETAILERS: lambda: importing.import_retailers(
                self._session, source, now=now
            ),
            ImportKind.SALES: lambda: importing.import_sales(self._session, source),
            ImportKind.TARGETS: lambda: importing.import_targets(
                self._session, source, now=now, actor_id=actor
            ),
            ImportKind.DEPARTMENTS: lambda: people.import_departments(
                self._session, source, now=now, actor_id=actor
            ),
            ImportKind.STAFF: lambda: people.import_staff(
                self._session, source, now=now, actor_id=actor
            ),
            ImportKind.MANAGERS: lambda: people.import_managers(
                self._session, source, now=now, actor_id=actor
            ),
        }
        savepoint = self._session.begin_nested()
        try:
            report = run[kind]()
        except importing.ImportRejected as exc:
            savepoint.rollback()
            raise InvalidInput.of(problems_of(exc)) from exc
        except BaseException:
            savepoint.rollback()
            raise
        savepoint.commit()
        return report
