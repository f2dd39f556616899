"""The front-end query set: what the planning screen and the handheld app send.

Every ``.graphql`` document under this folder is validated against the SDL the way a client
toolchain (codegen, Apollo, Relay compiler) would — graphql-core's ``build_schema`` + ``validate``
on the printed SDL, and on the committed ``schema.graphql`` when it exists — and then executed
against the demo city as the role that would send it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    build_schema,
    parse,
    validate,
)

import gql.schema
from gql.context import Context
from gql.schema.relay import decode_global_id
from gql.services.visits.events import VisitEvent, VisitEventKind
from gql.settings import Settings
from tests.gql.api import Api
from tests.gql.conftest import DemoPeople

HERE = Path(__file__).parent
REPO_ROOT = HERE.parents[2]
DOCUMENTS = sorted(HERE.rglob("*.graphql"))
DAY = date(2026, 12, 14)


def _id(path: Path) -> str:
    return str(path.relative_to(HERE))


@pytest.fixture(scope="module")
def sdl_schema() -> GraphQLSchema:
    """The schema as a client sees it: built from the printed SDL, not from Python objects."""
    return build_schema(gql.schema.build_schema(Settings()).as_str())


def test_the_query_set_covers_both_front_ends() -> None:
    """Both apps have documents, and every document has an execution entry below."""
    assert {p.parent.name for p in DOCUMENTS} == {"planning", "handheld"}
    assert {_id(p) for p in DOCUMENTS} == set(RUNS)


@pytest.mark.parametrize("path", DOCUMENTS, ids=_id)
def test_each_document_is_valid_against_the_sdl(path: Path, sdl_schema: GraphQLSchema) -> None:
    """graphql-core validation (the client toolchain's check) finds no error."""
    errors = validate(sdl_schema, parse(path.read_text(encoding="utf-8")))
    assert errors == [], [e.message for e in errors]


@pytest.mark.parametrize("path", DOCUMENTS, ids=_id)
def test_each_document_is_valid_against_the_committed_schema_file(path: Path) -> None:
    """When ``schema.graphql`` is committed, the documents validate against it too."""
    committed = REPO_ROOT / "schema.graphql"
    if not committed.exists():
        # nothing committed yet: the printed SDL is what clients get (checked above)
        committed_sdl = gql.schema.build_schema(Settings()).as_str()
    else:
        committed_sdl = committed.read_text(encoding="utf-8")
    errors = validate(build_schema(committed_sdl), parse(path.read_text(encoding="utf-8")))
    assert errors == [], [e.message for e in errors]


@pytest.mark.parametrize("path", DOCUMENTS, ids=_id)
def test_each_document_is_one_operation_named_after_its_file(path: Path) -> None:
    """One named operation per file, as codegen tools expect; the name matches the file."""
    document = parse(path.read_text(encoding="utf-8"))
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    assert len(operations) == 1
    assert operations[0].name is not None
    assert operations[0].name.value == path.stem


# -- execution against the demo city -----------------------------------------------------------


@dataclass(frozen=True)
class Demo:
    """What the documents' variables are made of."""

    people: DemoPeople
    manager_id: str
    department_id: str
    shops: list[dict[str, Any]]
    visit_id: str


@dataclass(frozen=True)
class Run:
    """Who sends the document, with which variables, and what the screen needs back."""

    who: Callable[[Demo], str]
    variables: Callable[[Demo], dict[str, Any]]
    check: Callable[[dict[str, Any], Demo], bool]


def _fix(lat: float, lon: float, at: datetime | None = None) -> dict[str, Any]:
    when = at or datetime.now(UTC)
    return {"lat": lat, "lon": lon, "accuracyM": 6.0, "capturedAt": when.isoformat()}


def _head(d: Demo) -> str:
    return d.people.head


def _manager(d: Demo) -> str:
    return d.people.manager


def _none(_: Demo) -> dict[str, Any]:
    return {}


def _pos(d: Demo, n: int) -> tuple[float, float]:
    return d.shops[n]["position"]["lat"], d.shops[n]["position"]["lon"]


def _bbox(d: Demo) -> dict[str, Any]:
    lat, lon = _pos(d, 0)
    return {
        "bbox": {"south": lat - 0.02, "west": lon - 0.02, "north": lat + 0.02, "east": lon + 0.02}
    }


def _sync(d: Demo) -> dict[str, Any]:
    lat, lon = _pos(d, 6)
    at = datetime.now(UTC) - timedelta(hours=4)
    return {
        "input": {
            "visits": [
                {
                    "retailerId": d.shops[6]["id"],
                    "idempotencyKey": str(uuid.uuid4()),
                    "startedAt": at.isoformat(),
                    "startFix": _fix(lat, lon, at),
                    "endedAt": (at + timedelta(minutes=12)).isoformat(),
                    "endFix": _fix(lat, lon, at + timedelta(minutes=12)),
                }
            ]
        }
    }


def _edit(api: Api, d: Demo) -> dict[str, Any]:
    current = api.data(
        "query($id: ID!) { retailer(id: $id) { version address } }",
        {"id": d.shops[7]["id"]},
        as_=d.people.marketing,
    )["retailer"]
    return {
        "input": {
            "id": d.shops[7]["id"],
            "expectedVersion": current["version"],
            "address": current["address"],
        }
    }


RUNS: dict[str, Run] = {
    "planning/Viewer.graphql": Run(
        _head, _none, lambda r, d: r["viewer"]["role"] == "DEPARTMENT_HEAD"
    ),
    "planning/Departments.graphql": Run(
        _head, _none, lambda r, d: any(x["id"] == d.department_id for x in r["departments"])
    ),
    "planning/DepartmentManagers.graphql": Run(
        _head,
        lambda d: {"departmentId": d.department_id},
        lambda r, d: any(m["id"] == d.manager_id for m in r["managers"]["nodes"]),
    ),
    "planning/RetailersInView.graphql": Run(
        _head,
        _bbox,
        lambda r, d: any(n["id"] == d.shops[0]["id"] for n in r["retailers"]["nodes"]),
    ),
    "planning/RetailersNear.graphql": Run(
        _head,
        lambda d: dict(zip(("lat", "lon"), _pos(d, 1), strict=True)) | {"radiusM": 300.0},
        lambda r, d: any(e["node"]["id"] == d.shops[1]["id"] for e in r["retailers"]["edges"]),
    ),
    "planning/RetailerSearch.graphql": Run(
        _head,
        lambda d: {"search": d.shops[2]["licenceNo"], "managerIds": [d.manager_id]},
        lambda r, d: [n["id"] for n in r["retailers"]["nodes"]] == [d.shops[2]["id"]],
    ),
    "planning/RetailerDetail.graphql": Run(
        _head,
        lambda d: {"id": d.shops[0]["id"]},
        lambda r, d: r["node"]["id"] == d.shops[0]["id"] and r["visits"]["totalCount"] >= 1,
    ),
    "planning/ManagerDayPlan.graphql": Run(
        _head,
        lambda d: {"managerId": d.manager_id, "date": DAY.isoformat()},
        lambda r, d: (
            len(r["visitPlan"]["stops"]) >= 3
            and r["visitPlan"]["map"]["legs"]["features"][0]["geometry"]["type"] == "LineString"
            and [f["geometry"]["coordinates"] for f in r["visitPlan"]["map"]["stops"]["features"]]
            == [
                [p["lon"], p["lat"]]
                for p in [r["manager"]["startPoint"]]
                + [s["retailer"]["position"] for s in r["visitPlan"]["stops"]]
            ]
        ),
    ),
    "planning/PlanDay.graphql": Run(
        _head,
        lambda d: {
            "input": {
                "managerId": d.manager_id,
                "date": (DAY + timedelta(days=1)).isoformat(),
                "retailerIds": [s["id"] for s in d.shops[:4]],
            }
        },
        lambda r, d: (
            r["visitPlanCreate"]["userErrors"] == []
            and len(r["visitPlanCreate"]["plan"]["stops"]) + len(r["visitPlanCreate"]["skipped"])
            == 4
        ),
    ),
    "planning/VisitReview.graphql": Run(
        _head,
        lambda d: {
            "managerIds": [d.manager_id],
            "from": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
        },
        lambda r, d: any(n["id"] == d.visit_id for n in r["visits"]["nodes"]),
    ),
    "planning/RetailerEdit.graphql": Run(
        lambda d: d.people.marketing,
        _none,  # filled in by _edit (needs the current version)
        lambda r, d: r["retailerUpdate"]["userErrors"] == [] and r["retailerUpdate"]["retailer"],
    ),
    "planning/LiveVisits.graphql": Run(
        _head,
        lambda d: {"departmentId": d.department_id},
        lambda r, d: r["visitEvents"]["visitId"] == d.visit_id,
    ),
    "handheld/Me.graphql": Run(
        _manager, _none, lambda r, d: r["viewer"]["manager"]["id"] == d.manager_id
    ),
    "handheld/MyDay.graphql": Run(
        _manager,
        lambda d: {"managerId": d.manager_id, "date": DAY.isoformat()},
        lambda r, d: (
            [s["seq"] for s in r["visitPlan"]["stops"]]
            == list(range(1, len(r["visitPlan"]["stops"]) + 1))
        ),
    ),
    "handheld/MyRetailers.graphql": Run(
        _manager,
        lambda d: {"first": 100},
        lambda r, d: r["viewer"]["manager"]["retailers"]["totalCount"] >= len(d.shops),
    ),
    "handheld/StartVisit.graphql": Run(
        _manager,
        lambda d: {
            "input": {
                "retailerId": d.shops[5]["id"],
                "idempotencyKey": str(uuid.uuid4()),
                "deviceFix": _fix(*_pos(d, 5)),
            }
        },
        lambda r, d: r["visitStart"]["visit"]["verdict"] == "IN_PLACE",
    ),
    "handheld/EndVisit.graphql": Run(
        _manager,
        lambda d: {"input": {"visitId": d.visit_id, "deviceFix": _fix(*_pos(d, 0))}},
        lambda r, d: r["visitEnd"]["userErrors"] == [] and r["visitEnd"]["visit"]["endedAt"],
    ),
    "handheld/SyncOffline.graphql": Run(
        _manager,
        _sync,
        lambda r, d: (
            [x["created"] for x in r["visitsSync"]["results"]] == [True]
            and r["visitsSync"]["results"][0]["visit"]["lateUpload"]
        ),
    ),
    "handheld/MyVisitsToday.graphql": Run(
        _manager,
        lambda d: {
            "managerId": d.manager_id,
            "from": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
        },
        lambda r, d: r["visits"]["totalCount"] >= 1,
    ),
}


@pytest.fixture
def demo(api: Api, people: DemoPeople) -> Demo:
    """The manager's retailers, a plan for ``DAY`` and one open visit, made through the API in
    the test's own transaction (so every document sees exactly these, and nothing stays)."""
    me = api.data(
        "{ viewer { department { id } manager { id "
        "retailers(first: 10) { nodes { id licenceNo position { lat lon } } } } } }",
        as_=people.manager,
    )["viewer"]
    shops = me["manager"]["retailers"]["nodes"]
    manager_id = me["manager"]["id"]
    planned = api.data(
        "mutation($i: VisitPlanCreateInput!) { visitPlanCreate(input: $i) "
        "{ plan { id } userErrors { message } } }",
        {
            "i": {
                "managerId": manager_id,
                "date": DAY.isoformat(),
                "retailerIds": [s["id"] for s in shops[:5]],
            }
        },
        as_=people.manager,
    )["visitPlanCreate"]
    assert planned["plan"] is not None, planned["userErrors"]
    lat, lon = shops[0]["position"]["lat"], shops[0]["position"]["lon"]
    visit = api.data(
        "mutation($i: VisitStartInput!) { visitStart(input: $i) { visit { id } } }",
        {
            "i": {
                "retailerId": shops[0]["id"],
                "idempotencyKey": str(uuid.uuid4()),
                "deviceFix": _fix(lat, lon),
            }
        },
        as_=people.manager,
    )["visitStart"]["visit"]
    return Demo(
        people=people,
        manager_id=manager_id,
        department_id=me["department"]["id"],
        shops=shops,
        visit_id=visit["id"],
    )


async def _first_event(
    api: Api, document: str, variables: dict[str, Any], d: Demo, who: str
) -> Any:
    """Subscribe, then publish the demo visit's event until the subscriber receives it."""
    context = Context(state=api.state, token=api.token(who))
    stream = await api.state.schema.subscribe(
        document, variable_values=variables, context_value=context
    )
    assert hasattr(stream, "__anext__"), stream
    event = VisitEvent(
        kind=VisitEventKind.STARTED,
        visit_id=decode_global_id(d.visit_id)[1],
        manager_id=decode_global_id(d.manager_id)[1],
        department_id=decode_global_id(d.department_id)[1],
        retailer_id=decode_global_id(d.shops[0]["id"])[1],
        verdict="IN_PLACE",
        occurred_at=datetime.now(UTC),
    )
    task = asyncio.ensure_future(stream.__anext__())
    try:
        for _ in range(250):  # bounded: at most ~5 s
            done, _ = await asyncio.wait({task}, timeout=0.02)
            if done:
                return task.result()
            api.state.bus.publish(event)
        raise AssertionError("no event reached the subscriber")
    finally:
        task.cancel()
        await stream.aclose()


@pytest.mark.parametrize("path", DOCUMENTS, ids=_id)
def test_each_document_runs_against_the_demo_city_as_its_role(
    path: Path, api: Api, demo: Demo
) -> None:
    """The real schema (with its limits) answers the document without errors, usefully."""
    run = RUNS[_id(path)]
    text = path.read_text(encoding="utf-8")
    variables = _edit(api, demo) if path.stem == "RetailerEdit" else run.variables(demo)
    operation = next(d for d in parse(text).definitions if isinstance(d, OperationDefinitionNode))
    if operation.operation is OperationType.SUBSCRIPTION:
        result = asyncio.run(_first_event(api, text, variables, demo, run.who(demo)))
    else:
        result = api.execute(text, variables, as_=run.who(demo))
    assert result.errors is None, result.errors
    assert result.data is not None
    assert run.check(result.data, demo), result.data
