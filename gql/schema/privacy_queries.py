"""Personal data: the evidence access log and a person's own file."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from gql.context import Context
from gql.schema.inputs import pk_of
from gql.schema.paging import AfterArg, BeforeArg, FirstArg, LastArg, page_request
from gql.schema.relay import Connection, to_connection
from gql.schema.scalars import camel_json
from gql.schema.types.privacy import EvidenceReadType
from gql.services.privacy.access_log import EvidenceReadQuery

__all__ = ["PrivacyQuery"]

Info = strawberry.Info[Context, None]


@strawberry.type
class PrivacyQuery:
    """Who read whose location, and your own file."""

    @strawberry.field(
        description="Who read whose location evidence (fixes' positions or carrier text, a "
        "verdict map, details), newest first; one entry per reader, person and request; "
        "marketing and admins. Reads of one's own visits are not logged."
    )
    def evidence_access_log(
        self,
        info: Info,
        subject_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only reads of this Manager's evidence."),
        ] = None,
        reader_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only reads by this Staff.")
        ] = None,
        read_from: Annotated[
            dt.datetime | None, strawberry.argument(description="Read at or after this instant.")
        ] = None,
        read_before: Annotated[
            dt.datetime | None, strawberry.argument(description="Read before this instant.")
        ] = None,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[EvidenceReadType]:
        """Access log."""
        query = EvidenceReadQuery(
            subject_id=None if subject_id is None else pk_of(subject_id, "Manager", "subjectId"),
            reader_id=None if reader_id is None else pk_of(reader_id, "Staff", "readerId"),
            read_from=read_from,
            read_before=read_before,
        )
        page = info.context.evidence_log.reads(query, page_request(first, after, last, before))
        return to_connection(page, EvidenceReadType.from_domain)

    @strawberry.field(
        description="Your own personal data as JSON (PIPL right of access): your staff record, "
        "manager profile (phone, carrier, start point), your visits with every fix, and your "
        "score events and closed results, for at most 366 company days at a time; "
        "camelCase keys, database ids. Only ever your own."
    )
    def my_personal_data(
        self,
        info: Info,
        day_from: Annotated[dt.date, strawberry.argument(description="First company day.")],
        day_to: Annotated[
            dt.date, strawberry.argument(description="Last company day (inclusive).")
        ],
    ) -> JSON:
        """Self-export."""
        return camel_json(info.context.personal_data.mine(day_from, day_to))
