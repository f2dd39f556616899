"""One unit of work per operation: mutations commit once; queries read and never write.

Queries run on :func:`gql.store.db.read_only_engine` (autocommit on PostgreSQL, so no BEGIN and
COMMIT round trips); a query that tried to write would commit outside any unit of work, so the
write is refused instead. A tiny schema with the real extension and context shows both sides,
on a database of each test's own (these tests must really commit).
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
import strawberry

from gql.context import AppState, Context
from gql.domain import DepartmentKind
from gql.schema.unit_of_work import UnitOfWork
from gql.services.directory.service import RetailerQuery
from gql.services.paging import PageRequest
from gql.settings import Settings
from gql.store.db import ReadOnlyViolation, read_only_engine, session_factory
from gql.store.models import DepartmentRow

if TYPE_CHECKING:
    from tests.gql.api import Api
    from tests.gql.conftest import DemoPeople

Info = strawberry.Info[Context, None]


def _add_department(info: Info, code: str) -> str:
    info.context.session.execute(
        sa.insert(DepartmentRow).values(code=code, name="uow test", kind=DepartmentKind.MARKETING)
    )
    return code


@strawberry.type(description="Root.")
class _Query:
    """Reads, and one query that (wrongly) writes."""

    @strawberry.field(description="How many departments exist.")
    def departments(self, info: Info) -> int:
        """A read."""
        return int(info.context.session.scalar(sa.select(sa.func.count(DepartmentRow.id))) or 0)

    @strawberry.field(description="A query that writes: must be refused.")
    def sneaky(self, info: Info, code: str) -> str:
        """A write from a query."""
        return _add_department(info, code)


@strawberry.type(description="Root.")
class _Mutation:
    """The same write, where it belongs."""

    @strawberry.mutation(description="Add a department.")
    def add(self, info: Info, code: str) -> str:
        """A write from a mutation."""
        return _add_department(info, code)


SCHEMA = strawberry.Schema(query=_Query, mutation=_Mutation, extensions=[UnitOfWork])


def _run(state: AppState, query: str) -> Any:
    return asyncio.run(SCHEMA.execute(query, context_value=Context(state=state, token=None)))


@pytest.fixture
def state(private_engine: sa.Engine) -> AppState:
    """The real state, over an empty database of this test's own."""
    settings = Settings(warm_kernels=False)
    return AppState.build(settings, private_engine, session_factory(private_engine), SCHEMA)


def _exists(state: AppState, code: str) -> bool:
    with state.sessions() as session:
        found = session.scalar(sa.select(DepartmentRow.id).where(DepartmentRow.code == code))
    return found is not None


def test_a_query_that_writes_is_refused_and_writes_nothing(state: AppState) -> None:
    """The write fails with a clear error and no row appears."""
    result = _run(state, '{ sneaky(code: "UOW-Q") }')
    assert result.errors
    assert "read-only unit of work tried to write" in str(result.errors[0].original_error)
    assert not _exists(state, "UOW-Q")


def test_a_mutation_writes_and_commits_once(state: AppState) -> None:
    """The same write as a mutation is committed; queries still read."""
    before = _run(state, "{ departments }").data["departments"]
    result = _run(state, 'mutation { add(code: "UOW-M") }')
    assert result.errors is None
    assert _exists(state, "UOW-M")
    assert _run(state, "{ departments }").data["departments"] == before + 1


def test_read_only_connections_refuse_writes_and_skip_transactions(state: AppState) -> None:
    """On PostgreSQL the reader runs in autocommit; on both, DML raises before it runs."""
    _run(state, 'mutation { add(code: "UOW-R") }')
    reader = read_only_engine(state.engine)
    with session_factory(reader)() as session:
        assert session.scalar(sa.select(sa.func.count(DepartmentRow.id)))
        dbapi = session.connection().connection.dbapi_connection
        if reader.dialect.name == "postgresql":
            assert dbapi is not None
            assert dbapi.autocommit  # type: ignore[attr-defined]
        with pytest.raises(ReadOnlyViolation):
            session.execute(sa.text("DELETE FROM departments WHERE code = 'nothing'"))


def test_reading_live_leaves_the_unit_of_work_open(api: Api, people: DemoPeople) -> None:
    """Getting the live service authenticates and nothing more: the session stays open (the
    unit of work used to end here, as a side effect of reading a property)."""
    context = Context(state=api.state, token=api.token(people.head))
    session = context.session
    assert context.live is not None
    assert context._session is session
    context.end_unit_of_work(commit=False)
    assert context._session is None


def test_a_subscription_ends_its_unit_of_work_once_the_caller_is_known(
    api: Api, people: DemoPeople
) -> None:
    """The resolver ends the unit explicitly after authenticating: no pooled connection is held
    while a dashboard stays subscribed."""
    context = Context(state=api.state, token=api.token(people.head))
    bus = api.state.bus

    async def scenario() -> tuple[bool, bool]:
        before = bus.subscriber_count
        stream = await api.state.schema.subscribe(
            "subscription { visitEvents { kind } }", context_value=context
        )
        assert hasattr(stream, "__anext__"), stream
        task = asyncio.ensure_future(stream.__anext__())
        try:
            for _ in range(10_000):  # bounded by steps of the loop, not by the clock
                if bus.subscriber_count > before:
                    break
                await asyncio.sleep(0)
            subscribed = bus.subscriber_count > before
            return subscribed, context._session is None
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await stream.aclose()

    assert asyncio.run(scenario()) == (True, True)


def test_each_event_reads_its_objects_in_a_unit_of_work_that_ends_once_it_is_sent(
    api: Api, people: DemoPeople
) -> None:
    """An event's visit, manager and retailer are read for it, and that unit of work ends as soon
    as the event is delivered, not when the next one comes (a quiet board holds no connection)."""
    from gql.services.visits.events import VisitEvent, VisitEventKind

    context = Context(state=api.state, token=api.token(people.head))
    bus = api.state.bus
    query = "subscription { visitEvents { kind manager { name } retailer { name } visit { id } } }"

    async def scenario() -> tuple[dict[str, object], bool]:
        head = context.principal
        assert head is not None
        before = bus.subscriber_count
        stream = await api.state.schema.subscribe(query, context_value=context)
        assert hasattr(stream, "__anext__"), stream
        first = asyncio.ensure_future(stream.__anext__())
        for _ in range(10_000):  # bounded by steps of the loop, not by the clock
            if bus.subscriber_count > before:
                break
            await asyncio.sleep(0)
        manager = next(
            m for m in context.directory.managers(head.department_id, PageRequest(5)).items
        )[1]
        retailer_id = context.directory.retailers(
            RetailerQuery(manager_ids=frozenset({manager.staff_id})), PageRequest(1)
        ).items[0][0]
        context.end_unit_of_work(commit=False)
        bus.publish(
            VisitEvent(
                kind=VisitEventKind.STARTED,
                visit_id=10**9,  # no such visit: null, read all the same
                manager_id=manager.staff_id,
                department_id=manager.department_id,
                retailer_id=retailer_id,
                verdict="IN_PLACE",
                occurred_at=datetime.now(UTC),
            )
        )
        delivered = await first
        second = asyncio.ensure_future(stream.__anext__())  # resumes the resolver past its yield
        try:
            for _ in range(10_000):
                if context._session is None:
                    break
                await asyncio.sleep(0)
            return delivered.data["visitEvents"], context._session is None  # type: ignore[union-attr]
        finally:
            second.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await second
            await stream.aclose()

    event, released = asyncio.run(scenario())
    assert event["kind"] == "STARTED"
    assert event["visit"] is None
    assert event["manager"]["name"]  # type: ignore[index]
    assert event["retailer"]["name"]  # type: ignore[index]
    assert released
