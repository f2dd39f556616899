"""The access log is written although queries run on the read-only engine (as in production)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from gql.store.db import ReadOnlyViolation
from tests.gql.conftest import DemoPeople, backend_of, own_city, people_in

MY_SHOP = "{ viewer { manager { id retailers(first: 1) { nodes { id position { lat lon } } } } } }"


def test_a_query_on_the_read_only_engine_still_logs_the_evidence_it_returned(
    demo_engine: sa.Engine, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Committing state as the app builds it: the head's query is read-only, its log entry is
    committed in a transaction of its own, and the query itself still cannot write."""
    with own_city(backend_of(demo_engine), tmp_path_factory) as city:
        people: DemoPeople = people_in(city.state.engine)
        manager = city.data(MY_SHOP, as_=people.manager)["viewer"]["manager"]
        shop = manager["retailers"]["nodes"][0]
        fix = {
            "lat": shop["position"]["lat"],
            "lon": shop["position"]["lon"],
            "accuracyM": 6.0,
            "capturedAt": datetime.now(UTC).isoformat(),
        }
        visit = city.data(
            "mutation($i: VisitStartInput!) { visitStart(input: $i) { visit { id } } }",
            {
                "i": {
                    "retailerId": shop["id"],
                    "idempotencyKey": str(uuid.uuid4()),
                    "deviceFix": fix,
                }
            },
            as_=people.manager,
        )["visitStart"]["visit"]["id"]
        read = city.data(
            "query($id: ID!) { node(id: $id) { ... on Visit { fixes { position { lat } } } } }",
            {"id": visit},
            as_=people.head,
        )
        assert read["node"]["fixes"][0]["position"] is not None
        log = city.data(
            "query($s: ID) { evidenceAccessLog(subjectId: $s) { totalCount nodes { visitIds } } }",
            {"s": manager["id"]},
            as_=people.marketing,
        )["evidenceAccessLog"]
        assert log == {"totalCount": 1, "nodes": [{"visitIds": [visit]}]}
        with city.state.reader.connect() as connection, pytest.raises(ReadOnlyViolation):
            connection.execute(sa.text("DELETE FROM evidence_reads"))
