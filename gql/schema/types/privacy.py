"""The evidence access log as the API shows it."""

from __future__ import annotations

import datetime as dt
from typing import TypeAlias

import strawberry

from gql.domain.privacy import EvidencePart, EvidenceRead
from gql.schema.relay import encode_global_id
from gql.schema.types.enums import described_enum

__all__ = ["EvidenceReadType"]

described_enum(
    EvidencePart,
    name="EvidencePart",
    description="Which location evidence of a visit was returned.",
    value_descriptions={
        EvidencePart.FIXES: "The fixes: positions, the verdict map, the carrier's masked text.",
        EvidencePart.EVIDENCE: "The recorded verdict details with the position estimates.",
    },
)
EvidencePartEnum: TypeAlias = EvidencePart


@strawberry.type(
    name="EvidenceRead",
    description="Someone read another person's location evidence (one request, one person).",
)
class EvidenceReadType:
    """Who read whose visits' positions, when and what."""

    read_at: dt.datetime = strawberry.field(description="When the evidence was returned.")
    reader_id: strawberry.ID = strawberry.field(description="Staff ID of who read it.")
    subject_id: strawberry.ID = strawberry.field(description="Manager ID of whose it was.")
    visit_ids: list[strawberry.ID] = strawberry.field(description="The visits read.")
    parts: list[EvidencePartEnum] = strawberry.field(description="What of them was read.")

    @classmethod
    def from_domain(cls, read: EvidenceRead) -> EvidenceReadType:
        """Map a log entry."""
        return cls(
            read_at=read.read_at,
            reader_id=strawberry.ID(encode_global_id("Staff", read.reader_id)),
            subject_id=strawberry.ID(encode_global_id("Manager", read.subject_id)),
            visit_ids=[strawberry.ID(encode_global_id("Visit", i)) for i in read.visit_ids],
            parts=sorted(read.parts),
        )
