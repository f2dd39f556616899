"""``csvImport``: an uploaded CSV (GraphQL multipart request), imported as ``visitgis import``.

The same checks, all or nothing, idempotent on natural keys.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.file_uploads import Upload

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.types.enums import described_enum
from gql.schema.types.imports import ImportReportType
from gql.services.directory.importing import CsvFile
from gql.services.directory.uploads import ImportKind

__all__ = [
    "CsvImportInput",
    "CsvImportPayload",
    "ImportReportType",
    "csv_import",
]

described_enum(
    ImportKind,
    name="ImportKind",
    description="Which CSV a file is; columns in docs/csv-import.md.",
    value_descriptions={
        ImportKind.RETAILERS: "Retailers by licence number (administrators, marketing).",
        ImportKind.SALES: "Orders by licence number and day (administrators, marketing).",
        ImportKind.TARGETS: "Monthly targets by manager and month (marketing).",
        ImportKind.DEPARTMENTS: "Departments by code (administrators).",
        ImportKind.STAFF: "Staff other than account managers by staff number (administrators).",
        ImportKind.MANAGERS: "Account managers by staff number (administrators, marketing).",
    },
)


@strawberry.input(description="A CSV file to import (multipart request: the file in `file`).")
class CsvImportInput:
    """The kind of file and the file."""

    kind: ImportKind = strawberry.field(description="Which CSV this is.")
    file: Upload = strawberry.field(
        description="The CSV (UTF-8 or GB18030), sent as a multipart file part mapped here."
    )


@strawberry.type(description="Result of `csvImport`.")
class CsvImportPayload:
    """The report, or every problem of the file (nothing written)."""

    report: ImportReportType | None = strawberry.field(
        default=None, description="What was written."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description='Every problem at once; a row\'s at `["input", "file", "<line>"]`, its '
        "column first in the message; nothing was written.",
    )


async def csv_import(
    info: strawberry.Info[Context, None], input: CsvImportInput
) -> CsvImportPayload:
    """Import an uploaded CSV (roles per kind)."""
    upload: Any = input.file  # starlette's UploadFile, put in place by the multipart parser
    data = await upload.read()
    name = str(getattr(upload, "filename", None) or f"{input.kind.value.lower()}.csv")
    report = info.context.uploads.run(input.kind, CsvFile(name=name, data=bytes(data)))
    return CsvImportPayload(report=ImportReportType.from_domain(report))
