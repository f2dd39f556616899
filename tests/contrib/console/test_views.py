"""Every console view in a real headless Chromium against a real ``visitgis serve`` with the
demo city and its history: features in the map's layer are counted against what the API
returns (not pixels), no console error, no request leaves the service's origin (conftest)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.contrib.console.conftest import Served, Watched

FIRST_RENDER_BUDGET_MS = 1500.0
DENSE_CELLS = 6_400
"""A 40 × 40 km city at the basemap's 500 m cells: the most a 50,000-retailer district can draw."""


def _company_day(offset_days: int = 0) -> str:
    return (datetime.now(UTC) + timedelta(hours=8, days=offset_days)).date().isoformat()


def _manager_id(served: Served, role: str) -> str:
    return str(served.gql(role, "{ viewer { manager { id } } }")["viewer"]["manager"]["id"])


def test_day_plan_numbers_every_stop_draws_every_leg_and_publishes(
    served: Served, watched: Watched
) -> None:
    manager = _manager_id(served, "manager")
    day = _company_day(2)
    made = served.gql(
        "manager",
        "mutation($i: VisitPlanCreateInput!) { visitPlanCreate(input: $i) { plan { id } } }",
        {"i": {"managerId": manager, "date": day}},
    )["visitPlanCreate"]["plan"]["id"]
    plan = served.gql(
        "manager",
        "query($id: ID!) { node(id: $id) { ... on VisitPlan { status stops { seq } "
        "map { legs { features { type } } } } } }",
        {"id": made},
    )["node"]
    watched.sign_in(served.url, served.tokens["manager"], f"day/{manager}/{day}/{made}")
    watched.rendered("day")
    render_ms = watched.page.evaluate(
        "performance.getEntriesByName('visitgis-day-render')[0].duration"
    )
    print(f"\nday view: {len(plan['stops'])} stops, first render {render_ms:.0f} ms")
    assert watched.count("Marker") == len(plan["stops"]) > 0  # numbered stops
    assert watched.count("Polyline") == len(plan["map"]["legs"]["features"])
    assert watched.page.locator("#panel table tbody tr").count() == len(plan["stops"])
    assert render_ms <= FIRST_RENDER_BUDGET_MS
    watched.screenshot("day-plan")
    assert plan["status"] == "DRAFT"
    watched.page.click("#day-publish")
    watched.page.wait_for_function("location.hash.split('/').length === 4")
    watched.page.wait_for_selector("#day-totals:has-text('已发布')", timeout=30_000)
    watched.page.click("#lang")
    assert watched.page.locator("#signin").inner_text() == "Sign in"


def test_verification_draws_circles_fixes_and_the_carriers_answer_on_demand(
    served: Served, watched: Watched
) -> None:
    visits = served.gql(
        "marketing",
        "{ visits(first: 20, filter: { verdicts: [NOT_IN_PLACE, INCONCLUSIVE] }) { nodes { id "
        "verdictMap { points { features { type } } circles { features { type } } } "
        "checkIn { nearerRetailers { retailerId } } } } }",
    )["visits"]["nodes"]
    visit = max(visits, key=lambda v: len(v["verdictMap"]["points"]["features"]))
    watched.sign_in(served.url, served.tokens["marketing"], f"visit/{visit['id']}")
    watched.rendered("visit")
    nearer = len(visit["checkIn"]["nearerRetailers"]) if visit["checkIn"] else 0
    assert watched.count("Polygon") == len(visit["verdictMap"]["circles"]["features"]) > 0
    assert watched.count("CircleMarker") == len(visit["verdictMap"]["points"]["features"]) + nearer
    assert watched.page.locator("#visit-verdict.bad").count() == 1
    watched.screenshot("verification")
    watched.page.click("#visit-raw")
    watched.page.wait_for_selector("pre.raw, #visit-raw-none", timeout=30_000)


def test_live_board_shows_a_check_in_made_through_the_api(served: Served, watched: Watched) -> None:
    shop = served.first_shop()
    watched.sign_in(served.url, served.tokens["head"], "live")
    watched.rendered("live")
    before = watched.page.locator("#live-list li").count()
    for attempt in range(3):  # a subscription may still be registering when the first arrives
        served.check_in(shop)
        try:
            watched.page.wait_for_selector("#live-count[data-events]", timeout=10_000)
            break
        except Exception:
            if attempt == 2:
                raise
    assert watched.page.locator("#live-list li").count() > before
    assert any(url.endswith("/graphql") for url in watched.sockets)
    watched.screenshot("live-board")


def test_licence_site_check_flags_a_spot_next_to_a_shop(served: Served, watched: Watched) -> None:
    shop = served.gql("marketing", "{ retailers(first: 1) { nodes { position { lat lon } } } }")[
        "retailers"
    ]["nodes"][0]["position"]
    lat, lon = shop["lat"] + 15 / 111_195, shop["lon"]
    expected = served.gql(
        "marketing",
        "query($i: LicenceSiteInput!) { licenceSiteCheck(input: $i) { nearest { distanceM } } }",
        {"i": {"lat": lat, "lon": lon}},
    )["licenceSiteCheck"]["nearest"]
    watched.sign_in(served.url, served.tokens["marketing"], f"licence/{lat:.6f}/{lon:.6f}")
    watched.page.wait_for_selector("#licence-verdict.bad", timeout=60_000)
    # the neighbours, the site and its spacing circle (an L.Circle is a CircleMarker)
    assert watched.count("CircleMarker") == len(expected) + 2
    watched.screenshot("licence-site")
    watched.page.evaluate("document.body.removeAttribute('data-rendered')")
    box = watched.page.locator("#map").bounding_box()
    watched.page.mouse.click(box["x"] + 20, box["y"] + box["height"] - 20)  # open country
    watched.rendered("licence")
    watched.page.wait_for_selector("#licence-verdict", timeout=60_000)


def test_audit_plan_route_records_and_discrepancies(served: Served, watched: Watched) -> None:
    plans = served.gql(
        "marketing", "{ auditPlans(first: 50) { nodes { id stops { seq } records { id } } } }"
    )["auditPlans"]["nodes"]
    plan = max(plans, key=lambda p: len(p["records"]))
    found = served.gql(
        "marketing",
        "query($id: ID!) { auditDiscrepancies(planId: $id) { discrepancies { retailerId } } }",
        {"id": plan["id"]},
    )["auditDiscrepancies"]["discrepancies"]
    watched.sign_in(served.url, served.tokens["marketing"], "audits")
    watched.rendered("audits")
    assert watched.page.locator("#audit-list li").count() == len(plans)
    watched.page.evaluate("document.body.removeAttribute('data-rendered')")
    watched.page.evaluate(f"location.hash = '#/audits/{plan['id']}'")
    watched.rendered("audits")
    assert watched.count("Marker") == len(plan["stops"])
    assert watched.page.locator("span.discrepancy").count() == len({d["retailerId"] for d in found})
    watched.screenshot("audits")


def test_territory_proposal_beside_today_with_moves_and_discard(
    served: Served, watched: Watched
) -> None:
    department = served.gql("head", "{ viewer { department { id } } }")["viewer"]["department"][
        "id"
    ]
    proposal = served.gql(
        "marketing",
        "mutation($i: TerritoryProposalCreateInput!) { territoryProposalCreate(input: $i) "
        "{ proposal { id map { features { type } } assignments(movedOnly: true) { moved } } "
        "userErrors { message } } }",
        {"i": {"departmentId": department, "warmStart": False}},
    )["territoryProposalCreate"]["proposal"]
    current = served.gql(
        "marketing",
        "query($d: ID) { territories(departmentId: $d) { map { features { type } } } }",
        {"d": department},
    )["territories"]["map"]["features"]
    moved = sum(a["moved"] for a in proposal["assignments"])
    watched.sign_in(served.url, served.tokens["marketing"], f"territories/{proposal['id']}")
    watched.rendered("territories")
    assert watched.count("Polygon") == len(proposal["map"]["features"]) + len(current)
    assert watched.count("CircleMarker") == moved
    watched.screenshot("territories")
    watched.page.evaluate("document.body.removeAttribute('data-rendered')")
    watched.page.click("#proposal-discard")
    watched.rendered("territories")
    assert watched.page.locator("#proposal-discard").count() == 0  # no longer PROPOSED


def test_reports_tables_match_the_api_and_export(served: Served, watched: Watched) -> None:
    first, last = _company_day(-28), _company_day(-1)
    totals = served.gql(
        "marketing",
        "query($f: ReportFilter!) { disciplineReport(filter: $f) { totals { group { name } } } }",
        {"f": {"firstDay": first, "lastDay": last, "groupBy": "DEPARTMENT", "grain": "MONTH"}},
    )["disciplineReport"]["totals"]
    watched.sign_in(served.url, served.tokens["marketing"], f"reports/{first}/{last}/DEPARTMENT/")
    watched.rendered("reports")
    sections = watched.page.locator("section.report")
    assert sections.count() == 4
    assert sections.nth(0).locator("tbody tr").count() == len(totals) > 0
    assert watched.page.locator("a.export").count() == 4
    watched.screenshot("reports")


def test_the_basemap_of_a_50000_retailer_city_draws_fast(served: Served, watched: Watched) -> None:
    """The basemap aggregates on the server (``retailerDensity``); a 40 × 40 km city at 500 m
    is at most 6,400 cells, drawn by the console's own basemap code on the canvas renderer."""
    watched.sign_in(served.url, served.tokens["marketing"], "licence")
    watched.rendered("licence")
    drawn_ms = watched.page.evaluate(
        """(n) => { const cells = []; const side = Math.round(Math.sqrt(n));
          for (let i = 0; i < n; i++) cells.push({ lat: 28 + (i % side) * 0.0045,
            lon: 120.5 + Math.floor(i / side) * 0.0051, retailers: 1 + (i % 37) });
          const t0 = performance.now(); visitgis.drawDensity(cells);
          return performance.now() - t0; }""",
        DENSE_CELLS,
    )
    print(f"\nbasemap: {DENSE_CELLS} cells drawn in {drawn_ms:.0f} ms")
    assert watched.page.evaluate("visitgis.basemap.getLayers().length") >= DENSE_CELLS
    assert drawn_ms <= FIRST_RENDER_BUDGET_MS
