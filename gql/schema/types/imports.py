"""What a CSV import did: answered by ``csvImport`` and by a finished import job."""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry

if TYPE_CHECKING:
    from gql.services.directory.importing import ImportReport

__all__ = ["ImportReportType"]


@strawberry.type(name="ImportReport", description="What an accepted import did.")
class ImportReportType:
    """Rows by what happened to them (natural keys decide)."""

    kind: str = strawberry.field(description="What was imported.")
    rows: int = strawberry.field(description="Data rows in the file.")
    inserted: int = strawberry.field(description="New.")
    updated: int = strawberry.field(description="Changed.")
    unchanged: int = strawberry.field(description="Already as in the file (a re-import).")

    @classmethod
    def from_domain(cls, report: ImportReport) -> ImportReportType:
        """Map an import report."""
        return cls(
            kind=report.kind,
            rows=report.rows,
            inserted=report.inserted,
            updated=report.updated,
            unchanged=report.unchanged,
        )
