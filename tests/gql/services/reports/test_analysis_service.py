"""Audit, workload, effect reports and skip reasons over the hand-built day of ``test_service``.

On top of that day (M1: stops R1 seq 1 visited INCONCLUSIVE at 10:00-10:05, R2 seq 2 visited
IN_PLACE 09:30-09:40, R3 seq 3 not visited; an unplanned NOT_IN_PLACE visit to R3 08:00-08:20):

* stop 3 is skipped: "shop closed";
* on Thursday 5 November the audit team asks R1, R2 and R3 (all M1's) at 10:00:
  R2 says YES (M1 has a verified visit: IN_PLACE, agree), R1 says NO and its price tags are
  missing (only an INCONCLUSIVE visit: NOT_IN_PLACE, ONLY_INCONCLUSIVE_VISITS), R3 says YES
  (only a rejected visit: INCONCLUSIVE, RETAILER_CONFIRMS_UNVERIFIED_VISIT);
* on Monday 9 November M1 works a two-stop plan (R1 then R2, both IN_PLACE, 09:00-09:10 and
  09:20-09:30) and M2 makes one NOT_IN_PLACE visit;
* R1 ordered 10 cartons on 2 November;
* R3 was M2's until a territory apply on 5 November made it M1's (the assignment history).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest

from gql.domain import PlanStatus, Verdict
from gql.domain.audits import AuditPlanStatus, RetailerAnswer
from gql.services.errors import InvalidInput, NotFound
from gql.services.reports import rules
from gql.services.reports.effect_report import EffectRequest
from gql.services.reports.service import GroupBy, ReportRequest
from gql.store.models import (
    AuditPlanRow,
    AuditRecordRow,
    PlanStopRow,
    PlanStopSkipRow,
    RetailerAssignmentRow,
    SalesOrderRow,
    VisitPlanRow,
    VisitRow,
)
from tests.gql.services.reports.test_service import DAY, R1, R2, R3, World, _cst, _gc_m

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

AUDIT_DAY = date(2026, 11, 5)
NEXT = date(2026, 11, 9)
NOVEMBER = ReportRequest(date(2026, 11, 1), date(2026, 11, 30), rules.Grain.MONTH)


class Analysis(World):
    def __init__(self, session: Session) -> None:
        super().__init__(session)
        stop3 = session.query(PlanStopRow).filter_by(seq=3).one()
        self._add(
            PlanStopSkipRow(
                stop_id=stop3.id,
                reason="shop closed",
                skipped_at=_cst(12, 0),
                skipped_by=self.m1.id,
            )
        )
        self._add(
            SalesOrderRow(retailer_id=self.r1.id, order_date=DAY, volume_cartons=10, amount_fen=1)
        )
        for manager, first, last in (
            (self.m2, date(2020, 1, 1), AUDIT_DAY),
            (self.m1, AUDIT_DAY, None),
        ):
            self._add(
                RetailerAssignmentRow(
                    retailer_id=self.r3.id,
                    manager_id=manager.id,
                    valid_from=first,
                    valid_to=last,
                    recorded_at=_cst(12, 0),
                )
            )
        self._audits()
        self._next_day()

    def _audits(self) -> None:
        plan = self._add(
            AuditPlanRow(
                plan_date=AUDIT_DAY,
                seed="1",
                design={},
                inputs_digest="-",
                department_id=self.d1.id,
                area_code=None,
                manager_ids=[self.m1.id],
                auditor_ids=[self.auditor.id],
                status=AuditPlanStatus.COMPLETED,
                start_lat=27.0,
                start_lon=120.0,
                start_label="office",
                method="test",
                proven_optimal=True,
                gap=None,
                length_m=0,
                duration_s=0,
                baseline_length_m=None,
                optimised_against={},
                sample={},
                created_by=self.auditor.id,
                created_at=_cst(8, 0, day=5),
            )
        )
        at = _cst(10, 0, day=5)
        for retailer, answer, tags in (
            (self.r2, RetailerAnswer.YES, True),
            (self.r1, RetailerAnswer.NO, False),
            (self.r3, RetailerAnswer.YES, True),
        ):
            self._add(
                AuditRecordRow(
                    plan_id=plan.id,
                    retailer_id=retailer.id,
                    manager_id=self.m1.id,
                    auditor_id=self.auditor.id,
                    audited_on=AUDIT_DAY,
                    audited_at=at,
                    recorded_at=at,
                    price_tags_shown=tags,
                    policy_promoted=True,
                    satisfaction=4,
                    manager_visited=answer,
                    notes="",
                    auditor_verdict=Verdict.IN_PLACE,
                    auditor_distance_m=3.0,
                    auditor_evidence={},
                )
            )

    def _next_day(self) -> None:
        plan = self._add(
            VisitPlanRow(
                manager_id=self.m1.id,
                plan_date=NEXT,
                status=PlanStatus.PUBLISHED,
                method="test",
                length_m=900,
                duration_s=3600,
                baseline_length_m=1000,
                optimised_against={"road_factor": 1.0, "return_to_start": False},
            )
        )
        for seq, retailer, key in ((1, self.r1, "n1"), (2, self.r2, "n2")):
            stop = self._add(
                PlanStopRow(
                    plan_id=plan.id,
                    seq=seq,
                    retailer_id=retailer.id,
                    eta_s=0,
                    etd_s=0,
                    leg_distance_m=0,
                    leg_duration_s=0,
                )
            )
            minute = 0 if seq == 1 else 20
            self._visit_on(key, self.m1.id, retailer.id, stop.id, minute, Verdict.IN_PLACE)
        self._visit_on("n3", self.m2.id, self.r1.id, None, 0, Verdict.NOT_IN_PLACE)

    def _visit_on(
        self,
        key: str,
        manager_id: int,
        retailer_id: int,
        stop_id: int | None,
        minute: int,
        verdict: Verdict,
    ) -> None:
        start = datetime(2026, 11, 9, 1, minute, tzinfo=UTC)  # 09:mm in UTC+8
        end = datetime(2026, 11, 9, 1, minute + 10, tzinfo=UTC)
        self._add(
            VisitRow(
                manager_id=manager_id,
                retailer_id=retailer_id,
                plan_stop_id=stop_id,
                idempotency_key=key,
                started_at=start,
                ended_at=end,
                device_started_at=start,
                device_ended_at=end,
                late_upload=False,
                verdict=verdict,
                reasons=[],
                dwell_s=600,
                flags={"check_in": {"estimate": list(R1), "flags": []}, "record_flags": []},
            )
        )


@pytest.fixture
def world(db_session: Session) -> Analysis:
    return Analysis(db_session)


def test_discipline_counts_skipped_stops_per_reason(world: Analysis) -> None:
    m = world.as_(world.m1).discipline(ReportRequest(DAY, DAY, rules.Grain.DAY)).totals[0].measures
    assert (m.missed_stops, m.skipped_stops) == (1, 1)
    assert m.skip_reasons == {"shop closed": 1}


def test_audits_of_the_hand_worked_records(world: Analysis) -> None:
    """Three audits of M1's three retailers; κ over (verified, says yes) = (T,T), (F,F), (F,T):
    p_o = 2/3, p_e = 1/3·2/3 + 2/3·1/3 = 4/9, κ = (2/3 − 4/9) / (5/9) = 0.4."""
    [total] = world.as_(world.head1).audits(NOVEMBER).totals
    m = total.measures
    assert total.group.code == "TM1"
    assert (m.audits, m.audited_retailers, m.retailers, m.retailer_coverage_pct) == (3, 3, 3, 100)
    assert (m.audited_managers, m.managers) == (1, 1)
    assert m.verdict_counts == {"IN_PLACE": 1, "INCONCLUSIVE": 1, "NOT_IN_PLACE": 1}
    assert m.finding_counts == {
        "VISIT_NOT_IN_PLACE": 1,
        "PRICE_TAGS_MISSING": 1,
        "POLICY_NOT_PROMOTED": 0,
    }
    assert m.discrepancy_counts == {
        "RETAILER_DENIES_VERIFIED_VISIT": 0,
        "RETAILER_CONFIRMS_UNVERIFIED_VISIT": 1,
        "ONLY_INCONCLUSIVE_VISITS": 1,
    }
    assert (m.both_yes, m.manager_only, m.retailer_only, m.both_no) == (1, 0, 1, 1)
    assert m.agreement is not None
    assert m.agreement.kappa == pytest.approx(0.4)


def test_audits_by_company_count_the_manager_without_audits(world: Analysis) -> None:
    """Marketing's company row: 1 of 2 managers audited (M2's retailer was not), 3 of 4 shops."""
    request = ReportRequest(NOVEMBER.first, NOVEMBER.last, by=GroupBy.COMPANY)
    [total] = world.as_(world.marketing).audits(request).totals
    assert (total.measures.audited_managers, total.measures.managers) == (1, 2)
    assert total.measures.retailer_coverage_pct == pytest.approx(75.0)


def _travel_min(d_m: float) -> float:
    return d_m * 1.3 / (25 / 3.6) / 60


def test_workload_of_m1_on_the_hand_worked_day(world: Analysis) -> None:
    """Measured: dwell 1200 + 600 + 300 s; travel 08:20→09:30 and 09:40→10:00 = 5400 s.

    Model, territories as on 2 November (R3 still M2's): grade 10 is planning grade 4
    (fortnightly, 2 visits a cycle), 10 min of service; travel per visit is the distance to the
    nearest other shop of the department × 1.3 at 25 km/h: R1 ↔ R2 for both.
    """
    report = world.as_(world.m1).workload(ReportRequest(DAY, DAY))
    [row] = report.managers
    x = row.load
    assert (x.retailers, x.volume_cartons, x.worked_days, x.visits) == (2, 10.0, 1, 3)
    assert x.dwell_hours == pytest.approx(2100 / 3600)
    assert x.travel_hours == pytest.approx(5400 / 3600)
    model = 2 * 2 * (10 + _travel_min(_gc_m(R1, R2))) / 60 / 4
    assert x.model_hours_per_week == pytest.approx(model, rel=1e-2)
    assert [b.group.code for b in report.balance] == ["D1", "COMPANY"]
    assert report.balance[0].balance.model_hours_cv == 0.0  # one manager


def test_workload_follows_the_territory_apply(world: Analysis) -> None:
    """On 9 November R3 is M1's: three shops; each one's travel is the distance to its 2nd
    nearest (R1 → R3, R2 → R3, R3 → R2). M2 lost R3 and keeps one shop."""
    report = world.as_(world.marketing).workload(ReportRequest(NEXT, NEXT))
    by = {r.manager.code: r.load for r in report.managers}
    assert (by["TM1"].retailers, by["TM2"].retailers) == (3, 1)
    legs = [_gc_m(R1, R3), _gc_m(R2, R3), _gc_m(R3, R2)]
    model = sum(2 * (10 + _travel_min(d)) for d in legs) / 60 / 4
    assert by["TM1"].model_hours_per_week == pytest.approx(model, rel=1e-2)
    before = world.as_(world.marketing).workload(ReportRequest(DAY, DAY))
    assert {r.manager.code: r.load.retailers for r in before.managers} == {"TM1": 2, "TM2": 2}
    only_m2 = world.as_(world.marketing).workload(ReportRequest(DAY, DAY, manager_id=world.m2.id))
    assert [r.load.retailers for r in only_m2.managers] == [2]  # R3, M1's now, was M2's then


def test_effect_with_a_comparison_group(world: Analysis) -> None:
    """M1 before (2 Nov) and after (9 Nov), M2 as comparison. One manager-day a period, so
    every bootstrap resample is the day itself and each interval is a point.

    coverage 2/3 → 2/2: +33.33; verified share 1/3 → 2/2: +66.67; M2's 1/1 → 0/1: −100,
    so the DiD of verified share is 66.67 + 100 = 166.67.
    """
    report = world.as_(world.marketing).effect(
        EffectRequest(DAY, DAY, NEXT, NEXT, manager_id=world.m1.id, compare_manager_id=world.m2.id)
    )
    by = {m.name: m.effect for m in report.measures}
    assert (report.managers, report.comparison_managers) == (1, 1)
    assert report.comparison is not None
    assert report.comparison.code == "TM2"
    coverage = by["coverage_pct"]
    assert coverage.difference == pytest.approx(100 / 3)
    assert coverage.difference_ci is not None
    assert coverage.difference_ci.low == pytest.approx(100 / 3)
    assert coverage.did is None  # M2 had no plan
    share = by["verified_share_pct"]
    assert (share.before, share.after) == (pytest.approx(100 / 3), pytest.approx(100.0))
    assert share.did == pytest.approx(200 / 3 + 100)
    assert share.did_ci is not None
    assert share.did_ci.high == pytest.approx(200 / 3 + 100)
    assert by["plan_saving_pct"].after == pytest.approx(10.0)  # (1000 − 900) / 1000
    assert by["dwell_min"].after == pytest.approx(10.0)
    assert by["model_workload_cv"].before == 0.0  # one manager is perfectly balanced
    assert {m.claim.value for m in report.measures if m.claim} == {
        "STANDARDISED_WORK",
        "SHORTER_ROUTES",
        "BALANCED_WORKLOAD",
    }


def test_bad_periods_and_groups_are_clear_errors(world: Analysis) -> None:
    """Each bad request names the field to fix; nothing is computed."""
    service = world.as_(world.marketing)
    m1 = world.m1.id
    cases = [
        (EffectRequest(DAY, DAY, DAY, NEXT, manager_id=m1), "must end before the after period",
         ("after", "first_day")),
        (EffectRequest(DAY, date(2026, 10, 1), NEXT, NEXT, manager_id=m1),
         "before: the period ends before it starts", ("before", "last_day")),
        (EffectRequest(DAY, DAY, NEXT, NEXT, manager_id=m1, compare_manager_id=m1),
         "shares managers with the group", ("compare_manager_id",)),
        (EffectRequest(DAY, DAY, NEXT, NEXT, manager_id=m1, resamples=10), "resamples must be",
         ("resamples",)),
        (EffectRequest(DAY, DAY, NEXT, NEXT, manager_id=m1, seed=-1), "seed must be 0 or more",
         ("seed",)),
    ]  # fmt: skip
    for request, error, field in cases:
        with pytest.raises(InvalidInput, match=error) as caught:
            service.effect(request)
        assert caught.value.field == ("filter", *field)


def test_a_comparison_outside_the_scope_is_missing(world: Analysis) -> None:
    """M1's head may not name M2 (another department) as comparison: not found, like no one."""
    request = EffectRequest(DAY, DAY, NEXT, NEXT, compare_manager_id=world.m2.id)
    with pytest.raises(NotFound, match="manager not found") as caught:
        world.as_(world.head1).effect(request)
    assert caught.value.field == ("filter", "compare_manager_id")


@pytest.mark.parametrize("report", ["audits", "workload"])
def test_audit_and_workload_reports_refuse_a_bad_period_or_group(
    world: Analysis, report: str
) -> None:
    """The same checks as every report: the period and the subject, named by field."""
    service = world.as_(world.head1)
    with pytest.raises(InvalidInput, match="ends before it starts") as caught:
        getattr(service, report)(ReportRequest(NEXT, DAY))
    assert caught.value.field == ("filter", "last_day")
    with pytest.raises(NotFound, match="manager not found"):
        getattr(service, report)(ReportRequest(DAY, DAY, manager_id=world.m2.id))


def test_what_changed_pages_per_department_and_for_a_manager(world: Analysis) -> None:
    """Marketing gets one page per department; a manager, who reads no department, one page
    about themself."""
    request = EffectRequest(DAY, DAY, NEXT, NEXT, resamples=100)
    pages = world.as_(world.marketing).effect_by_department(request)
    assert [p.group.code for p in pages] == ["D1", "D2"]
    [own] = world.as_(world.m1).effect_by_department(request)
    assert own.managers == 1
