"""The demo history is deterministic, and every seeded verdict is the one the rules give.

Seeding twice with the same seed gives the same counts, the same verdict mix and the same
visits; each stored visit is re-judged from its own stored fixes (no history needed: history
only adds flags) and must come out as stored.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

import geo
from gql.domain import FixPhase, FixSource, Verdict
from gql.store.db import session_factory
from gql.store.repositories import RetailerRepository, SalesRepository
from gql.store.repositories.visits import VisitFilter, VisitRepository
from tests.fixtures_db import fresh_database
from tests.gql.conftest import backend_of
from tests.gql.services.demo.conftest import TODAY, seed_small

if TYPE_CHECKING:
    import sqlalchemy as sa

    from gql.domain import Visit
    from tests.gql.services.demo.conftest import SeededHistory

_CARRIER = {FixSource.CARRIER_CELL, FixSource.CARRIER_AGPS}


def _visits(engine: sa.Engine) -> list[Visit]:
    found: list[Visit] = []
    after: int | None = None
    with session_factory(engine)() as session:
        while True:
            page = VisitRepository(session).page(VisitFilter(), first=500, after=after)
            found += [v for _, v in page.items]
            if not page.has_next:
                return found
            after = page.items[-1][0]


def _fingerprint(engine: sa.Engine) -> list[tuple[Any, ...]]:
    return [
        (v.idempotency_key, v.retailer_id, v.verdict, tuple(v.reasons), v.late_upload, v.dwell_s)
        for v in _visits(engine)
    ]


def test_same_seed_same_history(
    history_city: SeededHistory, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A second seeding with seed 7 repeats every count, verdict and visit exactly."""
    with fresh_database(backend_of(history_city.engine), tmp_path_factory) as url:
        again = seed_small(url)
        try:
            assert str(again.summary) == str(history_city.summary)
            assert again.summary.fieldwork.verdicts == history_city.summary.fieldwork.verdicts
            assert _fingerprint(again.engine) == _fingerprint(history_city.engine)
        finally:
            again.engine.dispose()


def test_the_mix_is_realistic(history_city: SeededHistory) -> None:
    """Mostly in place; some inconclusive indoor cell fixes; a few far-away, spoofed and late."""
    work = history_city.summary.fieldwork
    assert work.visits == sum(work.verdicts.values()) == len(_visits(history_city.engine))
    assert work.verdicts[Verdict.IN_PLACE.value] > 0.7 * work.visits
    assert work.verdicts[Verdict.INCONCLUSIVE.value] > 0
    assert work.verdicts[Verdict.NOT_IN_PLACE.value] > 0
    assert set(work.scenarios) == {"AT_SHOP", "INDOOR", "FAR_AWAY", "SPOOFED", "LATE_UPLOAD"}
    assert work.late_uploads == work.scenarios["LATE_UPLOAD"] > 0
    audits = history_city.summary.audits
    assert audits.planted > 0
    assert audits.findings > 0
    assert history_city.summary.score_events > 0
    assert history_city.summary.targets == 15 * 3  # October, November and December


def test_every_month_with_orders_has_targets(history_city: SeededHistory) -> None:
    """Each manager has a target for every month the city has orders in, and the current one."""
    city = history_city.city
    with session_factory(history_city.engine)() as session:
        retailers = [r for _, r in RetailerRepository(session).page(first=500).items]
        sales = SalesRepository(session)
        months = {
            order.order_date.replace(day=1)
            for r in retailers
            for order in sales.orders_for(r.id, city.first_order_date, city.last_order_date)
        }
        months.add(TODAY.replace(day=1))
        targets = sales.targets(None, min(months), max(months))
    assert sorted(months) == [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]
    assert {(t.manager_id, t.month) for t in targets} == {
        (m, month) for m in {t.manager_id for t in targets} for month in months
    }
    assert len({t.manager_id for t in targets}) == city.managers


def _judge(visit: Visit, phase: FixPhase, retailer: Any, policy: geo.VisitPolicy) -> geo.Verdict:
    fixes = [
        geo.PositionFix(
            f.lat,
            f.lon,
            geo.CoordSystem.parse(f.coordinate_system.value),
            f.accuracy_m,
            geo.FixSource(f.source.value),
            f.captured_at,
            stale=f.stale,
        )
        for f in visit.fixes
        if f.phase is phase
    ]
    if phase is FixPhase.START:
        now, event_at = visit.started_at, visit.device_started_at or visit.started_at
    else:
        assert visit.ended_at is not None
        now, event_at = visit.ended_at, visit.device_ended_at or visit.ended_at
    return geo.verify_visit(
        fixes,
        geo.Wgs84(retailer.lat, retailer.lon),
        policy,
        now=now,
        event_at=event_at,
        business_type=retailer.business_type.value.lower(),
        area=retailer.area_code or None,
        retailer_id=retailer.id,
    )


def test_every_verdict_obeys_the_rules(history_city: SeededHistory) -> None:
    """Re-judge every fifth visit from its stored evidence: the same check-in, check-out and
    visit verdict; late uploads asked no carrier, live check-ins kept the carrier's answer."""
    visits = _visits(history_city.engine)[::5]
    assert len(visits) > 30
    policy = geo.VisitPolicy()
    with session_factory(history_city.engine)() as session:
        retailers = RetailerRepository(session).get_many(sorted({v.retailer_id for v in visits}))
    by_id = {r.id: r for r in retailers if r is not None}
    for visit in visits:
        retailer = by_id[visit.retailer_id]
        check_in = _judge(visit, FixPhase.START, retailer, policy)
        check_out = _judge(visit, FixPhase.END, retailer, policy)
        assert check_in.kind.value == visit.flags["check_in"]["kind"], visit.idempotency_key
        assert check_out.kind.value == visit.flags["check_out"]["kind"], visit.idempotency_key
        assert geo.record_visit(check_in, check_out, policy).kind.value == visit.verdict.value
        sources = {f.source for f in visit.fixes}
        if visit.late_upload:
            assert not sources & _CARRIER
            assert visit.flags["carrier"]["outcome"] == "SKIPPED_LATE"
        else:
            assert FixSource.CARRIER_CELL in sources
            assert all(f.raw_answer for f in visit.fixes if f.source in _CARRIER)
