"""Every role against every root field: allowed where due, denied (indistinguishably) elsewhere.

The table ``MATRIX`` holds, per root Query/Mutation/Subscription field, one or more
representative operations aimed at *the* demo manager's objects, and the expected outcome per
caller. A root field without an entry fails the run, so a new field cannot ship unchecked.

The module runs on a demo city of its own. The targets (a plan and an open visit) and the
objects several cases read are made once there and committed; every case runs in its own
transaction, rolled back after it, so no case sees another's writes.
"""

from __future__ import annotations

import asyncio
import functools
import io
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from graphql import GraphQLObjectType
from starlette.datastructures import UploadFile

from gql.context import Context
from gql.schema.relay import decode_global_id, encode_global_id
from gql.services.visits.events import VisitEvent, VisitEventKind
from tests.fixtures_db import _backends
from tests.gql.api import Api, rolled_back
from tests.gql.conftest import DemoPeople, own_city, people_in
from tests.gql.schema.matrix_reports import REPORT_MATRIX
from tests.gql.schema.matrix_scores import SCORE_MATRIX
from tests.gql.schema.matrix_support import (
    ALLOW,
    CALLERS,
    DENIAL_CODES,
    DENY,
    PLAN_DAY,
    Case,
    Targets,
    expect,
    fix_at,
    new_key,
    run_payload,
    run_query,
    shared,
)

# -- the operations ------------------------------------------------------------------------------


def _viewer(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api, who, "{ viewer { role staff { id } } }", None, lambda d: d["viewer"] is not None
    )


def _node(type_attr: str) -> Callable[[Api, Targets, str | None], str]:
    def run(api: Api, t: Targets, who: str | None) -> str:
        wanted = getattr(t, type_attr)
        if isinstance(wanted, tuple):
            wanted = wanted[0]
        return run_query(
            api,
            who,
            "query($id: ID!) { node(id: $id) { id } }",
            {"id": wanted},
            lambda d: d["node"] is not None and d["node"]["id"] == wanted,
        )

    return run


def _nodes(type_attr: str) -> Callable[[Api, Targets, str | None], str]:
    """`nodes(ids:)` obeys exactly the scope of `node(id:)`."""

    def run(api: Api, t: Targets, who: str | None) -> str:
        wanted = getattr(t, type_attr)
        if isinstance(wanted, tuple):
            wanted = wanted[0]
        return run_query(
            api,
            who,
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            {"ids": [wanted]},
            lambda d: d["nodes"] is not None and d["nodes"] == [{"id": wanted}],
        )

    return run


def _retailer(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        "query($id: ID!) { retailer(id: $id) { id name } }",
        {"id": t.retailer_ids[0]},
        lambda d: d["retailer"] is not None,
    )


def _retailers(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        "query($m: [ID!]) { retailers(filter: {managerIds: $m}, first: 5) "
        "{ totalCount nodes { id } } }",
        {"m": [t.manager_id]},
        lambda d: d["retailers"]["totalCount"] > 0 and bool(d["retailers"]["nodes"]),
    )


def _manager(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        "query($id: ID!) { manager(id: $id) { id msisdnMasked } }",
        {"id": t.manager_id},
        lambda d: d["manager"] is not None,
    )


def _managers(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        "query($d: ID) { managers(departmentId: $d, first: 100) { nodes { id } } }",
        {"d": t.department_id},
        lambda d: {"id": t.manager_id} in d["managers"]["nodes"],
    )


def _departments(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        "{ departments { id } }",
        None,
        lambda d: {"id": t.department_id} in d["departments"],
    )


def _staff(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        "query($d: ID) { staff(role: ACCOUNT_MANAGER, departmentId: $d, first: 100) "
        "{ nodes { id } } }",
        {"d": t.department_id},
        lambda d: {"id": t.staff_id} in d["staff"]["nodes"],
    )


def _sales(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        "query($m: [ID!]) { sales(filter: {managerIds: $m}, first: 5) { totalCount } }",
        {"m": [t.manager_id]},
        lambda d: d["sales"]["totalCount"] > 0,
    )


def _sales_summary(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        "query($m: [ID!]) { salesSummary(filter: {managerIds: $m}) { orders } }",
        {"m": [t.manager_id]},
        lambda d: d["salesSummary"]["orders"] > 0,
    )


def _org_changes(api: Api, t: Targets, who: str | None) -> str:
    return run_query(api, who, "{ orgChanges(first: 5) { totalCount } }", None, lambda d: True)


def _evidence_access_log(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        "query($s: ID) { evidenceAccessLog(subjectId: $s, first: 5) { totalCount } }",
        {"s": t.manager_id},
        lambda d: d["evidenceAccessLog"]["totalCount"] >= 0,
    )


def _licence_site_check(api: Api, t: Targets, who: str | None) -> str:
    lat, lon = t.retailer_position
    return run_query(
        api,
        who,
        "query($i: LicenceSiteInput!) { licenceSiteCheck(input: $i) { respectsSpacing } }",
        {"i": {"lat": lat, "lon": lon}},
        lambda d: d["licenceSiteCheck"]["respectsSpacing"] is False,  # on a shop: a conflict
    )


def _licence_vacancies(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        "query($d: ID) { licenceVacancies(departmentId: $d, first: 3) { totalCells "
        "cells { nearestLicenceM } } }",
        {"d": t.department_id},
        lambda d: d["licenceVacancies"]["totalCells"] > 0,
    )


def _retailer_density(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        "query($m: ID) { retailerDensity(managerId: $m, cellSizeM: 1000) { retailers } }",
        {"m": t.manager_id},
        lambda d: sum(c["retailers"] for c in d["retailerDensity"]) > 0,
    )


def _my_personal_data(api: Api, t: Targets, who: str | None) -> str:
    day = datetime.now(UTC).date()
    return run_query(
        api,
        who,
        "query($a: Date!, $b: Date!) { myPersonalData(dayFrom: $a, dayTo: $b) }",
        {"a": (day - timedelta(days=1)).isoformat(), "b": (day + timedelta(days=1)).isoformat()},
        # only ever the caller's own file
        lambda d: d["myPersonalData"]["staff"]["staffNo"] == who,
    )


def _audit_team_id(api: Api, t: Targets) -> str:
    departments = api.data("{ departments { id kind } }", as_=t.who["admin"])["departments"]
    return next(d["id"] for d in departments if d["kind"] == "AUDIT_TEAM")


def _department_create(api: Api, t: Targets, who: str | None) -> str:
    parent = _audit_team_id(api, t)
    return run_payload(
        api,
        who,
        "mutation($i: DepartmentCreateInput!) { departmentCreate(input: $i) "
        "{ department { id } userErrors { field message code } } }",
        {
            "i": {
                "code": f"Q{uuid.uuid4().hex[:8]}",
                "name": "稽查二组",
                "kind": "AUDIT_TEAM",
                "parentId": parent,
            }
        },
        "departmentCreate",
    )


def _department_update(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($i: DepartmentUpdateInput!) { departmentUpdate(input: $i) "
        "{ department { id } userErrors { field message code } } }",
        {"i": {"id": t.department_id, "name": "授权矩阵部"}},
        "departmentUpdate",
    )


def _staff_create(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($i: StaffCreateInput!) { staffCreate(input: $i) "
        "{ staff { id } userErrors { field message code } } }",
        {
            "i": {
                "staffNo": f"Z{uuid.uuid4().hex[:8]}",
                "name": "新稽查员",
                "role": "AUDITOR",
                "departmentId": _audit_team_id(api, t),
                "joinedOn": "2026-12-01",
            }
        },
        "staffCreate",
    )


def _staff_update(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($i: StaffUpdateInput!) { staffUpdate(input: $i) "
        "{ staff { id } userErrors { field message code } } }",
        {"i": {"id": t.staff_id, "departmentId": t.department_id, "reason": "matrix"}},
        "staffUpdate",
    )


def _manager_create(api: Api, t: Targets, who: str | None) -> str:
    lat, lon = t.retailer_position
    return run_payload(
        api,
        who,
        "mutation($i: ManagerCreateInput!) { managerCreate(input: $i) "
        "{ manager { id } userErrors { field message code } } }",
        {
            "i": {
                "staffNo": f"M{uuid.uuid4().hex[:8]}",
                "name": "新经理",
                "departmentId": t.department_id,
                "joinedOn": "2026-12-01",
                "msisdn": f"139{uuid.uuid4().int % 10**8:08d}",
                "carrier": "MOBILE",
                "start": {"lat": lat, "lon": lon, "label": "办公室"},
            }
        },
        "managerCreate",
    )


def _manager_carrier_change(api: Api, t: Targets, who: str | None) -> str:
    current = api.data(
        "query($id: ID!) { manager(id: $id) { carrier } }",
        {"id": t.manager_id},
        as_=t.who["admin"],
    )["manager"]["carrier"]
    return run_payload(
        api,
        who,
        "mutation($i: ManagerCarrierChangeInput!) { managerCarrierChange(input: $i) "
        "{ manager { id } userErrors { field message code } } }",
        {"i": {"id": t.manager_id, "carrier": "MOBILE" if current == "TELECOM" else "TELECOM"}},
        "managerCarrierChange",
    )


def _visit_plan_publish(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($i: VisitPlanPublishInput!) { visitPlanPublish(input: $i) "
        "{ plan { id } userErrors { field message code } } }",
        {"i": {"id": t.plan_id}},
        "visitPlanPublish",
    )


def _visit_plans_publish(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($i: VisitPlansPublishInput!) { visitPlansPublish(input: $i) "
        "{ plans { version } userErrors { field message code } } }",
        {
            "i": {
                "departmentId": t.department_id,
                "date": (PLAN_DAY + timedelta(days=2)).isoformat(),
            }
        },
        "visitPlansPublish",
    )


def _visit_plan_stop_skip(api: Api, t: Targets, who: str | None) -> str:
    published = api.data(
        "mutation($i: VisitPlanPublishInput!) { visitPlanPublish(input: $i) "
        "{ plan { stops { planStopId } } userErrors { message } } }",
        {"i": {"id": t.plan_id}},
        as_=t.who["marketing"],
    )["visitPlanPublish"]
    assert published["userErrors"] == [], published
    stop = published["plan"]["stops"][-1]["planStopId"]
    return run_payload(
        api,
        who,
        "mutation($i: VisitPlanStopSkipInput!) { visitPlanStopSkip(input: $i) "
        "{ stop { state } userErrors { field message code } } }",
        {"i": {"planStopId": stop, "reason": "授权矩阵"}},
        "visitPlanStopSkip",
    )


def _manager_start_move(api: Api, t: Targets, who: str | None) -> str:
    lat, lon = t.retailer_position
    return run_payload(
        api,
        who,
        "mutation($i: ManagerStartMoveInput!) { managerStartMove(input: $i) "
        "{ manager { id } userErrors { field message code } } }",
        {"i": {"id": t.manager_id, "start": {"lat": lat, "lon": lon, "label": "授权矩阵"}}},
        "managerStartMove",
    )


def _visit_plan(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        "query($m: ID!, $d: Date!) { visitPlan(managerId: $m, date: $d) { id } }",
        {"m": t.manager_id, "d": PLAN_DAY.isoformat()},
        lambda d: d["visitPlan"] is not None,
    )


def _visits(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        "query($m: [ID!]) { visits(filter: {managerIds: $m}, first: 5) "
        "{ totalCount nodes { id } } }",
        {"m": [t.manager_id]},
        lambda d: d["visits"]["totalCount"] > 0 and bool(d["visits"]["nodes"]),
    )


def _retailer_create(api: Api, t: Targets, who: str | None) -> str:
    lat, lon = t.retailer_position
    payload = {
        "licenceNo": f"AUTHZ{uuid.uuid4().hex[:12]}",
        "name": "授权矩阵测试店",
        "address": "测试路 1 号",
        "lat": lat + 0.02,
        "lon": lon + 0.02,
        "businessType": "ORDINARY",
        "grade": 3,
        "orderWeekday": 2,
        "openingWindows": [{"openS": 28_800, "closeS": 72_000}],
    }
    return run_payload(
        api,
        who,
        "mutation($i: RetailerCreateInput!) { retailerCreate(input: $i) "
        "{ retailer { id } userErrors { field message code } } }",
        {"i": payload},
        "retailerCreate",
    )


def _retailer_update(api: Api, t: Targets, who: str | None) -> str:
    target = t.retailer_ids[1]
    current = api.data(
        "query($id: ID!) { retailer(id: $id) { version name } }",
        {"id": target},
        as_=t.who["marketing"],
    )["retailer"]
    return run_payload(
        api,
        who,
        "mutation($i: RetailerUpdateInput!) { retailerUpdate(input: $i) "
        "{ retailer { id } userErrors { field message code } } }",
        {"i": {"id": target, "expectedVersion": current["version"], "name": current["name"]}},
        "retailerUpdate",
    )


_STATUS_CHANGE = (
    "mutation($i: RetailerStatusChangeInput!) {{ {name}(input: $i) "
    "{{ change {{ status }} userErrors {{ field message code }} }} }}"
)


def _status_change(name: str) -> Callable[[Api, Targets, str | None], str]:
    """Suspend or close the target's third retailer from a later day; reopen one suspended."""

    def run(api: Api, t: Targets, who: str | None) -> str:
        shop = t.retailer_ids[2]
        day = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
        if name == "retailerReopen":
            setup = api.data(
                _STATUS_CHANGE.format(name="retailerSuspend"),
                {"i": {"id": shop, "effectiveOn": day, "reason": "授权矩阵"}},
                as_=t.who["marketing"],
            )["retailerSuspend"]
            assert setup["userErrors"] == [], setup
        return run_payload(
            api,
            who,
            _STATUS_CHANGE.format(name=name),
            {"i": {"id": shop, "effectiveOn": day, "reason": "授权矩阵"}},
            name,
        )

    return run


def _csv_import(api: Api, t: Targets, who: str | None, *, as_job: bool = False) -> str:
    """A one-row sales file for the target's first retailer (administrators, marketing)."""
    licence = api.data(
        "query($id: ID!) { retailer(id: $id) { licenceNo } }",
        {"id": t.retailer_ids[0]},
        as_=t.who["marketing"],
    )["retailer"]["licenceNo"]
    text = f"licence_no,order_date,volume_cartons,amount_yuan\n{licence},2026-11-30,2,300.00\n"
    upload = UploadFile(io.BytesIO(text.encode()), filename="sales.csv")
    if as_job:
        return run_payload(
            api,
            who,
            "mutation($i: CsvImportInput!) { csvImportRequest(input: $i) "
            "{ job { id kind } userErrors { field message code } } }",
            {"i": {"kind": "SALES", "file": upload}},
            "csvImportRequest",
        )
    return run_payload(
        api,
        who,
        "mutation($i: CsvImportInput!) { csvImport(input: $i) "
        "{ report { rows } userErrors { field message code } } }",
        {"i": {"kind": "SALES", "file": upload}},
        "csvImport",
    )


def _visit_plan_create(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($i: VisitPlanCreateInput!) { visitPlanCreate(input: $i) "
        "{ plan { id } userErrors { field message code } } }",
        {
            "i": {
                "managerId": t.manager_id,
                "date": (PLAN_DAY + timedelta(days=1)).isoformat(),
                "retailerIds": list(t.retailer_ids[:3]),
            }
        },
        "visitPlanCreate",
    )


def _visit_start(api: Api, t: Targets, who: str | None) -> str:
    lat, lon = t.retailer_position
    return run_payload(
        api,
        who,
        "mutation($i: VisitStartInput!) { visitStart(input: $i) "
        "{ visit { id } userErrors { field message code } } }",
        {
            "i": {
                "retailerId": t.retailer_ids[0],
                "idempotencyKey": new_key(),
                "deviceFix": fix_at(lat, lon),
            }
        },
        "visitStart",
    )


def _visit_end(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($i: VisitEndInput!) { visitEnd(input: $i) "
        "{ visit { id endedAt } userErrors { field message code } } }",
        {"i": {"visitId": t.visit_id}},
        "visitEnd",
    )


def _visits_sync(api: Api, t: Targets, who: str | None) -> str:
    at = datetime.now(UTC) - timedelta(hours=2)
    item = {
        "retailerId": t.retailer_ids[2],
        "idempotencyKey": new_key(),
        "startedAt": at.isoformat(),
    }
    return run_payload(
        api,
        who,
        "mutation($i: VisitsSyncInput!) { visitsSync(input: $i) { userErrors { field message code }"
        " results { created visit { id } error { field message code } } } }",
        {"i": {"visits": [item]}},
        "visitsSync",
    )


async def _first_event(api: Api, t: Targets, who: str | None) -> Any:
    """Open the subscription; publish the target's event until it arrives or access fails."""
    context = Context(state=api.state, token=None if who is None else api.token(who))
    stream = await api.state.schema.subscribe(
        "subscription($d: ID) { visitEvents(departmentId: $d) { kind visitId } }",
        variable_values={"d": t.department_id},
        context_value=context,
    )
    if not hasattr(stream, "__anext__"):
        return stream  # refused before the stream opened
    _, department_pk = decode_global_id(t.department_id)
    _, manager_pk = decode_global_id(t.manager_id)
    _, visit_pk = decode_global_id(t.visit_id)
    _, retailer_pk = decode_global_id(t.retailer_ids[0])
    event = VisitEvent(
        kind=VisitEventKind.STARTED,
        visit_id=visit_pk,
        manager_id=manager_pk,
        department_id=department_pk,
        retailer_id=retailer_pk,
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
        raise AssertionError("the subscription neither delivered nor refused")
    finally:
        task.cancel()
        await stream.aclose()


def _visit_events(api: Api, t: Targets, who: str | None) -> str:
    result = asyncio.run(_first_event(api, t, who))
    if result.errors:
        codes = {(e.extensions or {}).get("code") for e in result.errors}
        assert codes <= DENIAL_CODES, f"unexpected errors: {result.errors}"
        return DENY
    assert result.data["visitEvents"]["visitId"] == t.visit_id
    return ALLOW


def _territory_proposal(api: Api, t: Targets, kind: str = "territory", purpose: str = "") -> str:
    """A PROPOSED proposal for the target's department, made once by marketing in set-up
    (planning is slow); a case that decides it does so in its own transaction."""
    return shared(api, f"proposal:{kind}:{purpose}", lambda maker: _new_proposal(maker, t, kind))


def _new_proposal(api: Api, t: Targets, kind: str) -> str:
    if kind == "territory":
        document = (
            "mutation($i: TerritoryProposalCreateInput!) { territoryProposalCreate(input: $i) "
            "{ proposal { id } userErrors { message } } }"
        )
        field = "territoryProposalCreate"
    else:
        document = (
            "mutation($i: ScheduleProposalCreateInput!) { scheduleProposalCreate(input: $i) "
            "{ proposal { id } userErrors { message } } }"
        )
        field = "scheduleProposalCreate"
    data = api.data(document, {"i": {"departmentId": t.department_id}}, as_=t.who["marketing"])
    assert data[field]["proposal"] is not None, data[field]["userErrors"]
    return str(data[field]["proposal"]["id"])


def _node_territory_proposal(api: Api, t: Targets, who: str | None) -> str:
    wanted = _territory_proposal(api, t)
    return run_query(
        api,
        who,
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": wanted},
        lambda d: d["node"] is not None and d["node"]["id"] == wanted,
    )


def _territories(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        "query($d: ID) { territories(departmentId: $d) { territories { managerId } } }",
        {"d": t.department_id},
        lambda d: (
            d["territories"] is not None
            and {"managerId": t.manager_id} in d["territories"]["territories"]
        ),
    )


def _territory_proposals(api: Api, t: Targets, who: str | None) -> str:
    _territory_proposal(api, t)
    return run_query(
        api,
        who,
        "query($d: ID) { territoryProposals(departmentId: $d, first: 5) { nodes { id } } }",
        {"d": t.department_id},
        lambda d: bool(d["territoryProposals"]["nodes"]),
    )


def _territory_proposal_read(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        "query($id: ID!) { territoryProposal(id: $id) { id } }",
        {"id": _territory_proposal(api, t)},
        lambda d: d["territoryProposal"] is not None,
    )


def _applied_schedule(api: Api, t: Targets) -> str:
    proposal = _new_proposal(api, t, "schedule")
    applied = api.data(
        "mutation($id: ID!) { territoryProposalApply(input: {id: $id}) { proposal { id } } }",
        {"id": proposal},
        as_=t.who["marketing"],
    )
    assert applied["territoryProposalApply"]["proposal"] is not None
    return proposal


def _schedule(api: Api, t: Targets, who: str | None) -> str:
    shared(api, "schedule:applied", lambda maker: _applied_schedule(maker, t))
    return run_query(
        api,
        who,
        "query($m: ID!) { schedule(managerId: $m, week: 0) { days { weekday } } }",
        {"m": t.manager_id},
        lambda d: d["schedule"] is not None and len(d["schedule"]["days"]) == 5,
    )


def _district_zones(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        "query($p: ID!) { districtZones(proposalId: $p) { orders } }",
        {"p": _territory_proposal(api, t, "schedule")},
        lambda d: d["districtZones"] is not None and len(d["districtZones"]["orders"]) == 5,
    )


def _territory_proposal_create(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($i: TerritoryProposalCreateInput!) { territoryProposalCreate(input: $i) "
        "{ proposal { id } userErrors { field message code } } }",
        {"i": {"departmentId": t.department_id}},
        "territoryProposalCreate",
    )


_RIVER = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"role": "barrier", "kind": "river", "name": "river"},
            "geometry": {"type": "LineString", "coordinates": [[120.6, 27.9], [120.7, 28.1]]},
        }
    ],
}


def _district_barriers_set(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($i: DistrictBarriersSetInput!) { districtBarriersSet(input: $i) "
        "{ geojson userErrors { field message code } } }",
        {"i": {"departmentId": t.department_id, "geojson": _RIVER}},
        "districtBarriersSet",
    )


def _district_barriers(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        "query($d: ID) { districtBarriers(departmentId: $d) }",
        {"d": t.department_id},
        lambda d: "districtBarriers" in d,  # null (none set) is an answer; denial is an error
    )


def _territory_proposal_comparison(api: Api, t: Targets, who: str | None) -> str:
    proposal = _territory_proposal(api, t)
    return run_query(
        api,
        who,
        "query($a: ID!, $b: ID!) { territoryProposalComparison(a: $a, b: $b) "
        "{ comparedRetailers disagreements { retailerId } } }",
        {"a": proposal, "b": proposal},
        lambda d: (
            d["territoryProposalComparison"]["comparedRetailers"] > 0
            and d["territoryProposalComparison"]["disagreements"] == []
        ),
    )


def _territory_proposal_request(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($i: TerritoryProposalCreateInput!) { territoryProposalRequest(input: $i) "
        "{ job { id } userErrors { field message code } } }",
        {"i": {"departmentId": t.department_id}},
        "territoryProposalRequest",
    )


def _schedule_proposal_request(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($i: ScheduleProposalCreateInput!) { scheduleProposalRequest(input: $i) "
        "{ job { id } userErrors { field message code } } }",
        {"i": {"departmentId": t.department_id}},
        "scheduleProposalRequest",
    )


def _marketing_job(api: Api, t: Targets) -> str:
    """A territory job queued once by marketing in set-up (no worker runs it here)."""

    def make(maker: Api) -> str:
        data = maker.data(
            "mutation($i: TerritoryProposalCreateInput!) { territoryProposalRequest(input: $i) "
            "{ job { id } } }",
            {"i": {"departmentId": t.department_id}},
            as_=t.who["marketing"],
        )
        return str(data["territoryProposalRequest"]["job"]["id"])

    return shared(api, "job:territory", make)


def _job(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        "query($id: ID!) { job(id: $id) { id status } }",
        {"id": _marketing_job(api, t)},
        lambda d: d["job"] is not None,
    )


async def _first_job_update(api: Api, who: str | None, job_id: str) -> Any:
    context = Context(state=api.state, token=None if who is None else api.token(who))
    stream = await api.state.schema.subscribe(
        "subscription($id: ID!) { jobUpdates(id: $id) { id status } }",
        variable_values={"id": job_id},
        context_value=context,
    )
    if not hasattr(stream, "__anext__"):
        return stream  # refused before the stream opened
    try:
        return await asyncio.wait_for(stream.__anext__(), 30)  # the job's state now
    finally:
        await stream.aclose()


def _job_updates(api: Api, t: Targets, who: str | None) -> str:
    job_id = _marketing_job(api, t)
    result = asyncio.run(_first_job_update(api, who, job_id))
    if result.errors:
        codes = {(e.extensions or {}).get("code") for e in result.errors}
        assert codes <= DENIAL_CODES, f"unexpected errors: {result.errors}"
        return DENY
    assert result.data["jobUpdates"] == {"id": job_id, "status": "QUEUED"}
    return ALLOW


def _report_refresh_request(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation { reportRefreshRequest(input: {}) "
        "{ job { id kind } userErrors { field message code } } }",
        {},
        "reportRefreshRequest",
    )


def _job_cancel(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($id: ID!) { jobCancel(input: {id: $id}) "
        "{ job { id status } userErrors { field message code } } }",
        {"id": _marketing_job(api, t)},
        "jobCancel",
    )


def _schedule_proposal_create(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($i: ScheduleProposalCreateInput!) { scheduleProposalCreate(input: $i) "
        "{ proposal { id } userErrors { field message code } } }",
        {"i": {"departmentId": t.department_id}},
        "scheduleProposalCreate",
    )


def _territory_proposal_apply(api: Api, t: Targets, who: str | None) -> str:
    # a schedule proposal: applying one moves no retailer, so the shared city stays as seeded
    return run_payload(
        api,
        who,
        "mutation($id: ID!) { territoryProposalApply(input: {id: $id}) "
        "{ proposal { id } userErrors { field message code } } }",
        {"id": _territory_proposal(api, t, "schedule", "apply")},
        "territoryProposalApply",
    )


def _territory_proposal_discard(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($id: ID!) { territoryProposalDiscard(input: {id: $id}) "
        "{ proposal { id } userErrors { field message code } } }",
        {"id": _territory_proposal(api, t, "territory", "discard")},
        "territoryProposalDiscard",
    )


# -- the table ------------------------------------------------------------------------------------

_SCOPED_READ = expect("manager", "head", "deputy", "marketing", "admin")
"""Reference data of the target manager: own, department, marketing and admin (everything)."""

MATRIX: dict[str, list[Case]] = {
    "viewer": [Case("viewer", _viewer, expect(*CALLERS[:-1]))],
    "nodes": [
        Case("nodes(Retailer)", _nodes("retailer_ids"), _SCOPED_READ),
        Case("nodes(Manager)", _nodes("manager_id"), _SCOPED_READ),
    ],
    "node": [
        Case("node(Retailer)", _node("retailer_ids"), _SCOPED_READ),
        Case("node(Manager)", _node("manager_id"), _SCOPED_READ),
        Case("node(Department)", _node("department_id"), expect(*CALLERS[:-1])),
        Case(
            "node(Staff)",
            _node("staff_id"),
            expect("manager", "head", "deputy", "marketing", "admin"),  # as `staff` lists them
        ),
        Case("node(VisitPlan)", _node("plan_id"), _SCOPED_READ),
        Case(
            "node(TerritoryProposal)",
            _node_territory_proposal,
            expect("head", "deputy", "marketing"),
        ),
        Case(
            "node(Visit)",
            _node("visit_id"),
            expect("manager", "head", "deputy", "marketing"),  # admins manage data, not people
        ),
    ],
    "retailer": [Case("retailer", _retailer, _SCOPED_READ)],
    "retailers": [Case("retailers", _retailers, _SCOPED_READ)],
    "manager": [Case("manager", _manager, _SCOPED_READ)],
    "managers": [Case("managers", _managers, _SCOPED_READ)],
    "departments": [Case("departments", _departments, expect(*CALLERS[:-1]))],
    "visitPlan": [Case("visitPlan", _visit_plan, _SCOPED_READ)],
    "visits": [Case("visits", _visits, expect("manager", "head", "deputy", "marketing"))],
    "staff": [Case("staff", _staff, expect("manager", "head", "deputy", "marketing", "admin"))],
    "sales": [Case("sales", _sales, _SCOPED_READ)],
    "salesSummary": [Case("salesSummary", _sales_summary, _SCOPED_READ)],
    "orgChanges": [Case("orgChanges", _org_changes, expect("marketing", "admin"))],
    "evidenceAccessLog": [
        Case("evidenceAccessLog", _evidence_access_log, expect("marketing", "admin"))
    ],
    "retailerDensity": [Case("retailerDensity", _retailer_density, _SCOPED_READ)],
    "licenceSiteCheck": [
        Case("licenceSiteCheck", _licence_site_check, expect("marketing", "admin"))
    ],
    "licenceVacancies": [
        Case("licenceVacancies", _licence_vacancies, expect("marketing", "admin"))
    ],
    "myPersonalData": [Case("myPersonalData", _my_personal_data, expect(*CALLERS[:-1]))],
    "departmentCreate": [Case("departmentCreate", _department_create, expect("admin"))],
    "departmentUpdate": [Case("departmentUpdate", _department_update, expect("admin"))],
    "staffCreate": [Case("staffCreate", _staff_create, expect("admin"))],
    "staffUpdate": [Case("staffUpdate", _staff_update, expect("marketing", "admin"))],
    "managerCreate": [Case("managerCreate", _manager_create, expect("marketing", "admin"))],
    "managerCarrierChange": [
        Case("managerCarrierChange", _manager_carrier_change, expect("marketing", "admin"))
    ],
    "visitPlanPublish": [
        Case(
            "visitPlanPublish",
            _visit_plan_publish,
            expect("manager", "head", "deputy", "marketing"),
        )
    ],
    "visitPlansPublish": [
        Case("visitPlansPublish", _visit_plans_publish, expect("head", "deputy", "marketing"))
    ],
    "visitPlanStopSkip": [
        Case("visitPlanStopSkip", _visit_plan_stop_skip, expect("manager", "head", "deputy"))
    ],
    "managerStartMove": [
        Case("managerStartMove", _manager_start_move, expect("marketing", "admin"))
    ],
    "retailerCreate": [Case("retailerCreate", _retailer_create, expect("marketing", "admin"))],
    "retailerUpdate": [Case("retailerUpdate", _retailer_update, expect("marketing", "admin"))],
    "retailerSuspend": [
        Case("retailerSuspend", _status_change("retailerSuspend"), expect("marketing", "admin"))
    ],
    "retailerClose": [
        Case("retailerClose", _status_change("retailerClose"), expect("marketing", "admin"))
    ],
    "retailerReopen": [
        Case("retailerReopen", _status_change("retailerReopen"), expect("marketing", "admin"))
    ],
    "csvImport": [Case("csvImport(SALES)", _csv_import, expect("marketing", "admin"))],
    "csvImportRequest": [
        Case(
            "csvImportRequest(SALES)",
            functools.partial(_csv_import, as_job=True),
            expect("marketing", "admin"),
        )
    ],
    "visitPlanCreate": [
        Case(
            "visitPlanCreate", _visit_plan_create, expect("manager", "head", "deputy", "marketing")
        )
    ],
    "visitStart": [Case("visitStart", _visit_start, expect("manager"))],
    "visitEnd": [Case("visitEnd", _visit_end, expect("manager"))],
    "visitsSync": [Case("visitsSync", _visits_sync, expect("manager"))],
    "visitEvents": [Case("visitEvents", _visit_events, expect("head", "deputy", "marketing"))],
    "territories": [Case("territories", _territories, expect("head", "deputy", "marketing"))],
    "territoryProposals": [
        Case("territoryProposals", _territory_proposals, expect("head", "deputy", "marketing"))
    ],
    "territoryProposal": [
        Case("territoryProposal", _territory_proposal_read, expect("head", "deputy", "marketing"))
    ],
    "schedule": [Case("schedule", _schedule, expect("manager", "head", "deputy", "marketing"))],
    "districtZones": [
        Case("districtZones", _district_zones, expect("head", "deputy", "marketing"))
    ],
    "territoryProposalCreate": [
        Case("territoryProposalCreate", _territory_proposal_create, expect("marketing"))
    ],
    "scheduleProposalCreate": [
        Case("scheduleProposalCreate", _schedule_proposal_create, expect("marketing"))
    ],
    "territoryProposalApply": [
        Case("territoryProposalApply", _territory_proposal_apply, expect("marketing"))
    ],
    "territoryProposalRequest": [
        Case("territoryProposalRequest", _territory_proposal_request, expect("marketing"))
    ],
    "scheduleProposalRequest": [
        Case("scheduleProposalRequest", _schedule_proposal_request, expect("marketing"))
    ],
    "job": [Case("job", _job, expect("marketing"))],
    "jobUpdates": [Case("jobUpdates", _job_updates, expect("marketing"))],
    "districtBarriersSet": [
        Case("districtBarriersSet", _district_barriers_set, expect("marketing"))
    ],
    "districtBarriers": [
        Case("districtBarriers", _district_barriers, expect("head", "deputy", "marketing"))
    ],
    "territoryProposalComparison": [
        Case(
            "territoryProposalComparison",
            _territory_proposal_comparison,
            expect("head", "deputy", "marketing"),
        )
    ],
    "jobCancel": [Case("jobCancel", _job_cancel, expect("marketing"))],
    "reportRefreshRequest": [
        Case("reportRefreshRequest", _report_refresh_request, expect("marketing"))
    ],
    "territoryProposalDiscard": [
        Case("territoryProposalDiscard", _territory_proposal_discard, expect("marketing"))
    ],
}

MATRIX.update(SCORE_MATRIX)
MATRIX.update(REPORT_MATRIX)

ALL_CASES = [
    pytest.param(case, caller, id=f"{case.name}-{caller}")
    for cases in MATRIX.values()
    for case in cases
    for caller in CALLERS
]


def _root_fields(api: Api) -> set[str]:
    schema = api.state.schema._schema
    roots = (schema.query_type, schema.mutation_type, schema.subscription_type)
    return {name for root in roots if isinstance(root, GraphQLObjectType) for name in root.fields}


@pytest.fixture(scope="module", params=_backends())
def city(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """This module's own demo city, as the committing Api of its set-up."""
    with own_city(request.param, tmp_path_factory) as committed:
        yield committed


@pytest.fixture(scope="module")
def people(city: Api) -> DemoPeople:
    """Who is who in this module's city."""
    return people_in(city.state.engine)


@pytest.fixture
def api(city: Api) -> Iterator[Api]:
    """Each case in a transaction of its own over this module's city."""
    with rolled_back(city.state, setup=city) as scoped:
        yield scoped


@pytest.fixture(scope="module")
def targets(city: Api, people: DemoPeople) -> Targets:
    """The target manager's objects, with one plan and one open visit made through the API
    (committed set-up: every case starts from the same open visit)."""
    api = city
    viewer = api.data(
        "{ viewer { staff { id } department { id } manager { id "
        "retailers(first: 10) { nodes { id position { lat lon } } } } } }",
        as_=people.manager,
    )["viewer"]
    shops = viewer["manager"]["retailers"]["nodes"]
    plan = api.data(
        "mutation($i: VisitPlanCreateInput!) { visitPlanCreate(input: $i) "
        "{ plan { id } userErrors { message } } }",
        {
            "i": {
                "managerId": viewer["manager"]["id"],
                "date": PLAN_DAY.isoformat(),
                "retailerIds": [s["id"] for s in shops[:3]],
            }
        },
        as_=people.manager,
    )["visitPlanCreate"]
    assert plan["plan"] is not None, plan["userErrors"]
    position = (shops[0]["position"]["lat"], shops[0]["position"]["lon"])
    visit = api.data(
        "mutation($i: VisitStartInput!) { visitStart(input: $i) { visit { id } } }",
        {
            "i": {
                "retailerId": shops[0]["id"],
                "idempotencyKey": new_key(),
                "deviceFix": fix_at(*position),
            }
        },
        as_=people.manager,
    )["visitStart"]["visit"]
    return Targets(
        manager_id=viewer["manager"]["id"],
        staff_id=viewer["staff"]["id"],
        department_id=viewer["department"]["id"],
        retailer_ids=tuple(s["id"] for s in shops),
        retailer_position=position,
        plan_id=plan["plan"]["id"],
        visit_id=visit["id"],
        who={
            "manager": people.manager,
            "other_manager": people.other_manager_same_department,
            "head": people.head,
            "deputy": people.deputy,
            "head_elsewhere": people.head_elsewhere,
            "marketing": people.marketing,
            "auditor": people.auditor,
            "admin": people.admin,
            "anonymous": None,
        },
    )


def test_every_root_field_has_an_entry_in_the_matrix(api: Api) -> None:
    """A root Query/Mutation/Subscription field without a table entry fails the run."""
    missing = _root_fields(api) - set(MATRIX)
    assert not missing, f"add authorization cases for: {sorted(missing)}"


def test_the_matrix_names_only_real_fields(api: Api) -> None:
    """Entries for fields that no longer exist are stale and must go."""
    assert set(MATRIX) <= _root_fields(api)


def test_every_case_allows_someone_and_denies_someone() -> None:
    """Each row discriminates (a row that allows all or nobody tests nothing)."""
    for cases in MATRIX.values():
        for case in cases:
            assert set(case.expected.values()) == {ALLOW, DENY}, case.name
            assert case.expected["anonymous"] == DENY, case.name


@pytest.mark.parametrize(("case", "caller"), ALL_CASES)
def test_each_role_is_allowed_exactly_where_due(
    case: Case, caller: str, api: Api, targets: Targets
) -> None:
    """The caller gets the object or its effect only where the access rules say so."""
    assert case.run(api, targets, targets.who[caller]) == case.expected[caller]


def test_ids_of_other_people_are_as_missing_as_ids_that_never_existed(
    api: Api, targets: Targets
) -> None:
    """A denied node and a nonexistent one give the very same answer (no existence oracle)."""
    query = "query($id: ID!) { node(id: $id) { id } }"
    colleague = targets.who["other_manager"]
    for real in (targets.visit_id, targets.plan_id, targets.retailer_ids[0], targets.manager_id):
        type_name, _ = decode_global_id(real)
        missing = encode_global_id(type_name, 987_654_321)
        denied = api.execute(query, {"id": real}, as_=colleague)
        absent = api.execute(query, {"id": missing}, as_=colleague)
        assert (
            (denied.data, denied.errors) == (absent.data, absent.errors) == ({"node": None}, None)
        )
