"""After `demo seed`, a marketing user sees something to analyse without entering anything."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gql.domain import Role
from gql.store.db import session_factory
from gql.store.repositories import StaffRepository

if TYPE_CHECKING:
    from tests.gql.api import Api
    from tests.gql.services.demo.conftest import SeededHistory


def _marketing(city: SeededHistory) -> str:
    with session_factory(city.engine)() as session:
        staff = [s for _, s in StaffRepository(session).page(first=500).items]
    return min(s.staff_no for s in staff if s.role is Role.MARKETING)


def test_marketing_sees_visits_of_every_verdict(api: Api, history_city: SeededHistory) -> None:
    """Visits are there, mostly in place, with the inconclusive and rejected ones to look at."""
    who = _marketing(history_city)
    counts = {}
    for verdict in ("IN_PLACE", "INCONCLUSIVE", "NOT_IN_PLACE"):
        data = api.data(
            "query($v: [Verdict!]) { visits(filter: {verdicts: $v}, first: 1) { totalCount } }",
            {"v": [verdict]},
            as_=who,
        )
        counts[verdict] = data["visits"]["totalCount"]
    assert all(counts.values()), counts
    assert counts["IN_PLACE"] > counts["INCONCLUSIVE"] + counts["NOT_IN_PLACE"]
    late = api.data("{ visits(first: 100) { nodes { lateUpload fixes { source } } } }", as_=who)
    assert any(v["fixes"] for v in late["visits"]["nodes"])


def test_marketing_sees_audit_plans_with_discrepancies(
    api: Api, history_city: SeededHistory
) -> None:
    """Audit plans with records, and the planted disagreements in their cross-checks."""
    who = _marketing(history_city)
    plans = api.data("{ auditPlans(first: 50) { totalCount nodes { id status } } }", as_=who)
    assert plans["auditPlans"]["totalCount"] >= 3
    kinds: set[str] = set()
    for plan in plans["auditPlans"]["nodes"]:
        check = api.data(
            "query($p: ID!) { auditDiscrepancies(planId: $p) { checks { retailerId } "
            "discrepancies { kind auditId } } }",
            {"p": plan["id"]},
            as_=who,
        )["auditDiscrepancies"]
        assert check["checks"]
        kinds |= {d["kind"] for d in check["discrepancies"]}
    assert kinds, "no discrepancy in any seeded audit plan"
    assert {p["status"] for p in plans["auditPlans"]["nodes"]} >= {"COMPLETED", "OPEN"}


def test_marketing_sees_closed_months_and_leaderboards(
    api: Api, history_city: SeededHistory
) -> None:
    """The two finished months are closed with results; the leaderboard counts verified visits."""
    who = _marketing(history_city)
    assert history_city.summary.closed_months == ["2026-10", "2026-11"]
    for month in history_city.summary.closed_months:
        board = api.data(
            "query($p: String!) { scoreboard(kind: MONTH, period: $p) "
            "{ closed rows { managerId total resultId } } }",
            {"p": month},
            as_=who,
        )["scoreboard"]
        assert board["closed"] is True
        assert len(board["rows"]) == 15
        assert all(r["resultId"] for r in board["rows"])
    manager_id = board["rows"][0]["managerId"]
    file = api.data(
        "query($m: ID!) { managerFile(managerId: $m, kind: MONTH) { id } }",
        {"m": manager_id},
        as_=who,
    )["managerFile"]
    assert len(file) == 2
    leaders = api.data(
        '{ leaderboard(firstDay: "2026-11-01", lastDay: "2026-11-30") '
        "{ rank managerId visitsPlanned visitsVerified } }",
        as_=who,
    )["leaderboard"]
    assert len(leaders) == 15
    assert sum(e["visitsVerified"] for e in leaders) > 0
    assert sum(e["visitsPlanned"] for e in leaders) >= sum(e["visitsVerified"] for e in leaders)
