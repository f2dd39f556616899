"""Benchmark: the audit and score use cases through GraphQL on the demo city (issue 7 wiring).

Run: ``.venv/bin/python contrib/bench/bench_audit_service.py`` (a throw-away SQLite demo city).

1. ``auditPlanCreate`` (draw from a department's ~600 retailers + route 20 stops with opening
   hours) vs. the peer ``visitPlanCreate`` routing 20 stops for one manager (same routing model,
   no draw) — the draw and the audit bookkeeping are the difference.
2. ``evaluationClose`` of one month for a department (settle sales, score, store 5 results) vs.
   the peer: the pure ``score_month`` on the same events, in the same process — the difference
   is the wiring (reads, settlement, writes, provenance).
3. ``scoreboard`` preview of an open month (5 managers scored on the fly).

Times are medians of wall-clock server time per operation (``schema.execute``, no HTTP).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from contrib.bench._common import seeded_demo, timings_ms
from gql.app import build_state
from gql.auth import mint_token
from gql.context import AppState, Context
from gql.domain import Role
from gql.services.evaluations import rules as scoring
from gql.settings import Settings
from gql.store.db import create_engine_for, session_factory
from gql.store.repositories import StaffRepository


def _run(state: AppState, staff_no: str, query: str, variables: dict[str, Any]) -> Any:
    token = mint_token(
        secret=state.settings.jwt_secret,
        issuer=state.settings.jwt_issuer,
        staff_no=staff_no,
        ttl_s=600,
    )
    context = Context(state=state, token=token)
    result = asyncio.run(
        state.schema.execute(query, variable_values=variables, context_value=context)
    )
    if result.errors:
        raise RuntimeError(result.errors)
    return result.data


def main() -> None:
    """Seed a demo city and print the three comparisons."""
    with seeded_demo(None) as url:
        engine = create_engine_for(url)
        with session_factory(engine)() as session:
            staff = [s for _, s in StaffRepository(session).page(first=500).items]
        state = build_state(Settings(warm_kernels=False), engine, session_factory(engine))
        marketing = next(s.staff_no for s in staff if s.role is Role.MARKETING)
        auditor = next(s.staff_no for s in staff if s.role is Role.AUDITOR)
        managers = [s for s in staff if s.role is Role.ACCOUNT_MANAGER]
        departments = sorted({m.department_id for m in managers})
        viewer = _run(
            state,
            managers[0].staff_no,
            "{ viewer { department { id } manager { id retailers(first: 20) { nodes { id } } } } }",
            {},
        )["viewer"]
        department = viewer["department"]["id"]
        manager = viewer["manager"]["id"]
        shops = [n["id"] for n in viewer["manager"]["retailers"]["nodes"]]

        create = """mutation($i: AuditPlanCreateInput!) { auditPlanCreate(input: $i) {
          userErrors { message } plan { id lengthM method } } }"""
        audit_ms = timings_ms(
            lambda i: _run(
                state,
                auditor,
                create,
                {
                    "i": {
                        "date": "2026-12-08",
                        "departmentId": department,
                        "design": {"size": 20},
                        "start": {"lat": 28.0, "lon": 120.65},
                        "seed": str(1000 + i),
                    }
                },
            ),
            7,
        )
        plan = """mutation($i: VisitPlanCreateInput!) { visitPlanCreate(input: $i) {
          userErrors { message } plan { id lengthM } } }"""
        peer_ms = timings_ms(
            lambda i: _run(
                state,
                marketing,
                plan,
                {"i": {"managerId": manager, "date": f"2026-12-{8 + i:02d}", "retailerIds": shops}},
            ),
            7,
        )
        print(
            f"1. auditPlanCreate, 20 of ~600 retailers: median {statistics.median(audit_ms):.0f} ms"
        )
        print(
            f"   peer visitPlanCreate, 20 stops:         median {statistics.median(peer_ms):.0f} ms"
        )

        close = """mutation($i: EvaluationCloseInput!) { evaluationClose(input: $i) {
          userErrors { message } results { id total } } }"""
        from gql.schema.relay import encode_global_id

        close_ms = []
        for index, month in enumerate(("2026-09", "2026-10", "2026-11")):
            department_id = encode_global_id("Department", departments[index])
            start = time.perf_counter()
            data = _run(
                state,
                marketing,
                close,
                {"i": {"departmentId": department_id, "kind": "MONTH", "period": month}},
            )
            close_ms.append((time.perf_counter() - start) * 1000)
            assert data["evaluationClose"]["userErrors"] == [], data
        policy = scoring.default_policy()
        from datetime import UTC, datetime

        events = [
            scoring.SalesSettlement(
                event_id=f"s{i}",
                manager_id="m",
                occurred_on=scoring.Month(2026, 10).last_day,
                recorded_by="x",
                recorded_at=datetime.now(UTC),
                item=f"item{i}",
                target=100.0,
                actual=90.0,
                points=50.0,
            )
            for i in range(2)
        ]
        pure_ms = timings_ms(
            lambda i: [
                scoring.score_month("m", scoring.Month(2026, 10), events, policy) for _ in range(5)
            ],
            7,
        )
        print(
            f"2. evaluationClose, 1 month, 5 managers: median {statistics.median(close_ms):.0f} ms"
        )
        print(
            f"   peer pure score_month x5:              median {statistics.median(pure_ms):.2f} ms"
        )

        board = """query($d: ID!) { scoreboard(departmentId: $d, kind: MONTH, period: "2026-11") {
          closed rows { total } } }"""
        open_department = encode_global_id("Department", departments[-1])
        board_ms = timings_ms(lambda i: _run(state, marketing, board, {"d": open_department}), 7)
        print(f"3. scoreboard preview, 5 managers:   median {statistics.median(board_ms):.0f} ms")
        engine.dispose()


if __name__ == "__main__":
    main()
