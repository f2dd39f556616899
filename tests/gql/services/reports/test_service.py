"""Reports over a hand-built day, on every store: each expected number is worked out below.

Manager M1 starts at (27.00, 120.00) and plans three stops on Monday 2 November 2026:
seq 1 R1 (27.00, 120.01), seq 2 R2 (27.00, 120.02), seq 3 R3 (27.01, 120.00), all open
09:00-18:00. The plan was priced with road factor 1.0 and does not return to the start.

=====  =====  ===========  ============  =======  ====================================
visit  shop   device time  verdict       dwell    notes
=====  =====  ===========  ============  =======  ====================================
V3     R3     08:00-08:20  NOT_IN_PLACE  1200 s   unplanned, before opening, uploaded
                                                  late (received the next day)
V1     R2     09:30-09:40  IN_PLACE      600 s    stop 2; one stored fix was stale
V2     R1     10:00-10:05  INCONCLUSIVE  300 s    stop 1; check-in flagged as spoofing
=====  =====  ===========  ============  =======  ====================================

M2, in another department, has one IN_PLACE visit that day (no plan).
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from gql.domain import (
    BusinessType,
    Carrier,
    CoordinateSystem,
    DepartmentKind,
    FixPhase,
    FixSource,
    PlanStatus,
    RetailerStatus,
    Role,
    Verdict,
)
from gql.services.access import Principal
from gql.services.errors import InvalidInput, NotFound, Unauthenticated
from gql.services.reports import rules
from gql.services.reports.service import GroupBy, ReportRequest, ReportService
from gql.store.models import (
    AccountManagerRow,
    DepartmentRow,
    OpeningWindowRow,
    PlanStopRow,
    PositionFixRow,
    RetailerRow,
    StaffRow,
    VisitPlanRow,
    VisitRow,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

DAY = date(2026, 11, 2)
START = (27.00, 120.00)
R1, R2, R3 = (27.00, 120.01), (27.00, 120.02), (27.01, 120.00)


def _gc_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle metres (the haversine; geo's earth radius)."""
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def _cst(hour: int, minute: int, day: int = 2) -> datetime:
    return (
        datetime(2026, 11, day, hour - 8, minute, tzinfo=UTC)
        if hour >= 8
        else datetime(2026, 11, day - 1, hour + 16, minute, tzinfo=UTC)
    )


class World:
    def __init__(self, session: Session) -> None:
        self.session = session
        company = self._add(DepartmentRow(code="C", name="Co", kind=DepartmentKind.COMPANY))
        self.d1 = self._add(
            DepartmentRow(
                code="D1", name="One", kind=DepartmentKind.CUSTOMER_SERVICE, parent_id=company.id
            )
        )
        self.d2 = self._add(
            DepartmentRow(
                code="D2", name="Two", kind=DepartmentKind.CUSTOMER_SERVICE, parent_id=company.id
            )
        )
        self.m1 = self._staff("M1", Role.ACCOUNT_MANAGER, self.d1.id)
        self.m2 = self._staff("M2", Role.ACCOUNT_MANAGER, self.d2.id)
        self.head1 = self._staff("H1", Role.DEPARTMENT_HEAD, self.d1.id)
        self.marketing = self._staff("MK", Role.MARKETING, company.id)
        self.auditor = self._staff("AU", Role.AUDITOR, company.id)
        for n, staff in enumerate((self.m1, self.m2)):
            self._add(
                AccountManagerRow(
                    staff_id=staff.id,
                    msisdn=f"1380000000{n}",
                    carrier=Carrier.MOBILE,
                    start_lat=START[0],
                    start_lon=START[1],
                    start_label="office",
                )
            )
        self.r1, self.r2, self.r3 = (self._retailer(i, p) for i, p in enumerate((R1, R2, R3)))
        other = self._retailer(9, (27.00, 120.05), manager_id=self.m2.id)
        plan = self._add(
            VisitPlanRow(
                manager_id=self.m1.id,
                plan_date=DAY,
                status=PlanStatus.PUBLISHED,
                method="test",
                length_m=1000,
                duration_s=3600,
                baseline_length_m=1200,
                optimised_against={"road_factor": 1.0, "return_to_start": False},
            )
        )
        # an older superseded plan of the same day must not count
        self._add(
            VisitPlanRow(
                manager_id=self.m1.id,
                plan_date=DAY,
                status=PlanStatus.SUPERSEDED,
                method="test",
                length_m=5,
                duration_s=5,
                optimised_against={},
            )
        )
        stops = [
            self._add(
                PlanStopRow(
                    plan_id=plan.id,
                    seq=seq,
                    retailer_id=r.id,
                    eta_s=0,
                    etd_s=0,
                    leg_distance_m=0,
                    leg_duration_s=0,
                )
            )
            for seq, r in ((1, self.r1), (2, self.r2), (3, self.r3))
        ]
        self._visit(
            "v3",
            self.m1.id,
            self.r3.id,
            None,
            (8, 0),
            (8, 20),
            Verdict.NOT_IN_PLACE,
            1200,
            late=True,
            estimate=R3,
        )
        v1 = self._visit(
            "v1",
            self.m1.id,
            self.r2.id,
            stops[1].id,
            (9, 30),
            (9, 40),
            Verdict.IN_PLACE,
            600,
            estimate=R2,
        )
        self._visit(
            "v2",
            self.m1.id,
            self.r1.id,
            stops[0].id,
            (10, 0),
            (10, 5),
            Verdict.INCONCLUSIVE,
            300,
            estimate=R1,
            check_in_flags=["POSSIBLE_SPOOFING"],
        )
        self._visit(
            "w1",
            self.m2.id,
            other.id,
            None,
            (9, 0),
            (9, 15),
            Verdict.IN_PLACE,
            900,
            estimate=(27.00, 120.05),
        )
        for stale in (False, True):
            self._add(
                PositionFixRow(
                    visit_id=v1.id,
                    phase=FixPhase.START,
                    source=FixSource.DEVICE_GPS,
                    lat=R2[0],
                    lon=R2[1],
                    coordinate_system=CoordinateSystem.WGS84,
                    accuracy_m=8.0,
                    captured_at=_cst(9, 30),
                    stale=stale,
                )
            )

    def _add(self, row: Any) -> Any:
        self.session.add(row)
        self.session.flush()
        return row

    def _staff(self, no: str, role: Role, department_id: int) -> StaffRow:
        return self._add(
            StaffRow(
                staff_no=f"T{no}",
                name=no,
                role=role,
                department_id=department_id,
                active=True,
                joined_on=date(2020, 1, 1),
            )
        )

    def _retailer(
        self, n: int, at: tuple[float, float], manager_id: int | None = None
    ) -> RetailerRow:
        row = self._add(
            RetailerRow(
                licence_no=f"L{n}",
                name=f"R{n}",
                address="-",
                lat=at[0],
                lon=at[1],
                business_type=BusinessType.ORDINARY,
                grade=10,
                key_customer=False,
                service_time_s=600,
                order_weekday=0,
                status=RetailerStatus.ACTIVE,
                manager_id=manager_id or self.m1.id,
                area_code="A",
            )
        )
        self._add(
            OpeningWindowRow(retailer_id=row.id, weekday=None, open_s=9 * 3600, close_s=18 * 3600)
        )
        return row

    def _visit(
        self,
        key: str,
        manager_id: int,
        retailer_id: int,
        stop_id: int | None,
        start: tuple[int, int],
        end: tuple[int, int],
        verdict: Verdict,
        dwell_s: int,
        *,
        late: bool = False,
        estimate: tuple[float, float],
        check_in_flags: list[str] | None = None,
    ) -> VisitRow:
        device_start, device_end = _cst(*start), _cst(*end)
        received = _cst(10, 0, day=3) if late else device_start
        return self._add(
            VisitRow(
                manager_id=manager_id,
                retailer_id=retailer_id,
                plan_stop_id=stop_id,
                idempotency_key=key,
                started_at=received,
                ended_at=_cst(10, 20, day=3) if late else device_end,
                device_started_at=device_start,
                device_ended_at=device_end,
                late_upload=late,
                verdict=verdict,
                reasons=[],
                dwell_s=dwell_s,
                flags={
                    "check_in": {"estimate": list(estimate), "flags": check_in_flags or []},
                    "record_flags": [],
                },
            )
        )

    def as_(self, staff: StaffRow | None) -> ReportService:
        principal = (
            None
            if staff is None
            else Principal(staff.id, staff.staff_no, staff.name, staff.role, staff.department_id)
        )
        return ReportService(self.session, principal)


@pytest.fixture
def world(db_session: Session) -> World:
    return World(db_session)


def _day(**kw: Any) -> ReportRequest:
    return ReportRequest(DAY, DAY, rules.Grain.DAY, **kw)


def test_discipline_of_the_hand_worked_day(world: World) -> None:
    report = world.as_(world.m1).discipline(_day())
    assert [r.group.code for r in report.rows] == ["TM1"]
    m = report.rows[0].measures
    assert (m.planned_stops, m.visited_stops, m.verified_stops, m.missed_stops) == (3, 2, 1, 1)
    assert m.coverage_pct == pytest.approx(200 / 3)
    assert m.verified_coverage_pct == pytest.approx(100 / 3)
    assert (m.visits, m.unplanned_visits, m.late_uploads) == (3, 1, 1)
    assert m.verdict_counts == {"IN_PLACE": 1, "INCONCLUSIVE": 1, "NOT_IN_PLACE": 1, "PENDING": 0}
    assert (m.outside_hours, m.hours_unknown) == (1, 0)  # V3 started 08:00, before 09:00
    assert (m.first_start_earliest_s, m.last_end_latest_s) == (8 * 3600, 10 * 3600 + 5 * 60)
    assert m.dwell_median_s == 600
    assert [b.visits for b in m.dwell_buckets] == [0, 0, 1, 1, 1, 0]
    assert (m.spoof_flagged, m.stale_flagged) == (1, 1)
    assert report.totals[0].measures == m


def test_routes_of_the_hand_worked_day(world: World) -> None:
    m = world.as_(world.m1).routes(_day()).totals[0].measures
    # visited planned stops in visiting order: R2 (seq 2), then R1 (seq 1)
    planned = _gc_m(START, R1) + _gc_m(R1, R2)
    own = _gc_m(START, R2) + _gc_m(R2, R1)
    # trusted check-in positions: only V3's (R3); V1 has a stale fix, V2 is flagged spoofing
    travelled = _gc_m(START, R3)
    assert (m.plan_km, m.baseline_km) == (1.0, 1.2)
    assert m.baseline_saving_pct == pytest.approx(100 * 200 / 1200)
    assert m.compared_stops == 2
    assert m.planned_order_km * 1000 == pytest.approx(planned, abs=2)
    assert m.own_order_km * 1000 == pytest.approx(own, abs=2)
    assert m.saving_pct == pytest.approx(100 * (own - planned) / own, abs=0.2)
    assert m.travelled_km * 1000 == pytest.approx(travelled, abs=2)
    assert m.km_per_visit == pytest.approx(m.travelled_km / 1)
    assert (m.tau_mean, m.tau_days, m.in_order_pct) == (-1.0, 1, 50.0)


def test_routes_price_the_own_order_over_the_bridge_the_plan_used(world: World) -> None:
    """A canal along 120.015 E parts R2 from the start and R1, crossed only by a bridge at
    27.012 N (120.013 → 120.017 E). The plan recorded the department's barriers, so both orders
    are priced over the bridge. A leg cutting the canal within 300 m of the bridge goes over it
    (as in the contiguity graph): START → the bridge's east end cuts it 150 m away, so START →
    R2 drives there directly; R1 → R2 and R2 → R1 cut it 380 m away at best, so they take the
    bridge end to end."""
    import sqlalchemy as sa

    from gql.store.models.territories import DistrictBarriersRow

    def line(role: str, kind: str, points: list[tuple[float, float]]) -> dict[str, Any]:
        return {
            "type": "Feature",
            "properties": {"role": role, "kind": kind, "name": kind},
            "geometry": {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in points]},
        }

    bridge_w, bridge_e = (27.012, 120.013), (27.012, 120.017)
    key = f"department:{world.d1.id}"
    world._add(
        DistrictBarriersRow(
            scope_key=key,
            document={
                "type": "FeatureCollection",
                "features": [
                    line("barrier", "river", [(26.99, 120.015), (27.02, 120.015)]),
                    line("crossing", "bridge", [bridge_w, bridge_e]),
                ],
            },
            updated_at=datetime(2026, 11, 1, tzinfo=UTC),
        )
    )
    world.session.execute(
        sa.update(VisitPlanRow)
        .where(VisitPlanRow.manager_id == world.m1.id, VisitPlanRow.status == PlanStatus.PUBLISHED)
        .values(optimised_against={"road_factor": 1.0, "return_to_start": False, "barriers": key})
    )
    world.session.flush()
    over = _gc_m(bridge_w, bridge_e)

    def via(a: tuple[float, float], b: tuple[float, float]) -> float:
        """From a west-bank point to an east-bank one, or back, over the bridge."""
        west, east = (a, b) if a[1] < b[1] else (b, a)
        return _gc_m(west, bridge_w) + over + _gc_m(bridge_e, east)

    m = world.as_(world.m1).routes(_day()).totals[0].measures
    planned = _gc_m(START, R1) + via(R1, R2)
    own = _gc_m(START, bridge_e) + _gc_m(bridge_e, R2) + via(R2, R1)
    assert m.planned_order_km * 1000 == pytest.approx(planned, abs=3)
    assert m.own_order_km * 1000 == pytest.approx(own, abs=3)
    assert own > _gc_m(START, R2) + _gc_m(R2, R1) + 2_000  # the detour is really there


def test_scope_decides_the_rows(world: World) -> None:
    def codes(staff: StaffRow | None, **kw: Any) -> list[str]:
        return [r.group.code for r in world.as_(staff).discipline(_day(**kw)).totals]

    assert codes(world.marketing) == ["TM1", "TM2"]
    assert codes(world.marketing, by=GroupBy.DEPARTMENT) == ["D1", "D2"]
    assert codes(world.head1) == ["TM1"]
    assert codes(world.m2) == ["TM2"]
    assert codes(world.auditor) == []
    company = world.as_(world.marketing).discipline(_day(by=GroupBy.COMPANY)).totals
    assert [(r.group.code, r.measures.visits) for r in company] == [("COMPANY", 4)]


def test_a_subject_outside_the_scope_looks_missing(world: World) -> None:
    with pytest.raises(NotFound) as foreign:
        world.as_(world.head1).discipline(_day(manager_id=world.m2.id))
    with pytest.raises(NotFound) as missing:
        world.as_(world.head1).discipline(_day(manager_id=999_999))
    assert str(foreign.value) == str(missing.value) == "manager not found"
    with pytest.raises(NotFound, match="department not found"):
        world.as_(world.m1).routes(_day(department_id=world.d1.id))
    with pytest.raises(Unauthenticated):
        world.as_(None).discipline(_day())


def test_late_uploads_count_on_their_device_day(world: World) -> None:
    next_day = ReportRequest(date(2026, 11, 3), date(2026, 11, 3), rules.Grain.DAY)
    m = world.as_(world.m1).discipline(next_day).totals[0].measures
    assert m.visits == 0  # V3 was received on the 3rd but happened on the 2nd


def test_bad_periods_are_input_errors(world: World) -> None:
    service = world.as_(world.marketing)
    with pytest.raises(InvalidInput, match="ends before it starts"):
        service.discipline(ReportRequest(DAY, date(2026, 11, 1)))
    with pytest.raises(InvalidInput, match="at most 366 days"):
        service.routes(ReportRequest(date(2025, 1, 1), DAY))


def test_reduced_evidence_keeps_discipline_and_drops_only_travelled_positions(
    world: World,
) -> None:
    """After the retention job: discipline figures unchanged, no travelled positions left."""
    from gql.services.privacy.retention import reduce_evidence

    before = world.as_(world.m1).discipline(_day()).totals[0].measures
    later = datetime.combine(DAY, time(), UTC) + timedelta(days=200)
    assert reduce_evidence(world.session, now=later, retention_days=180).visits > 0
    assert world.as_(world.m1).discipline(_day()).totals[0].measures == before
    routes = world.as_(world.m1).routes(_day()).totals[0].measures
    assert routes.travelled_km == 0
    assert routes.km_per_visit is None
    assert routes.compared_stops == 2  # plan order against visiting order needs no position
