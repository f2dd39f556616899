"""Migration 0025 on a city with built aggregates: it stores what a full refresh stores.

The small history city of each store, refreshed in full at head; then taken down to 0024 (the
day columns back on ``report_retailer_months``, the month units back inside their JSON, no day
units) and up again: every stored row is what the refresh had written, and the effect report
over the aggregates still equals the one over the raw tables.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from gql.domain import Role
from gql.services.access import Principal
from gql.services.reports.aggregates import refresh
from gql.services.reports.effect_report import EffectRequest
from gql.services.reports.manager_days import from_json
from gql.services.reports.manager_months import unit_bytes, units_of_bytes
from gql.services.reports.service import LATE_UPLOAD_MARGIN, ReportRequest, ReportService
from gql.store.db import session_factory
from gql.store.migrate import alembic_config, upgrade
from gql.store.models import StaffRow
from tests.fixtures_db import _backends
from tests.gql.services.demo.conftest import TODAY, SeededHistory, small_history_on

_DAYS = [f"d{k:02d}" for k in range(1, 32)]


@pytest.fixture(scope="module", params=_backends())
def city(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SeededHistory]:
    """A history city of this module's own (the test migrates it down and up)."""
    with small_history_on(request.param, tmp_path_factory) as seeded:
        yield seeded


def _date(value: date | str) -> date:
    """A date column read by plain SQL (SQLite gives its text)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _stored(engine: sa.Engine) -> dict[str, Any]:
    with engine.connect() as c:
        return {
            "days": sorted(
                (m, _date(d), bytes(u))
                for m, d, u in c.execute(
                    sa.text("SELECT manager_id, day, unit FROM report_manager_days")
                )
            ),
            "months": sorted(
                (m, _date(d), f if isinstance(f, list) else json.loads(f), bytes(u))
                for m, d, f, u in c.execute(
                    sa.text("SELECT manager_id, month, facts, units FROM report_manager_months")
                )
            ),
            "sales": sorted(
                tuple(r)
                for r in c.execute(
                    sa.text(
                        "SELECT retailer_id, month, volume_cartons, orders "
                        "FROM report_retailer_months"
                    )
                )
            ),
            "sales days": sorted(
                tuple(r)
                for r in c.execute(
                    sa.text(
                        f"SELECT retailer_id, month, {', '.join(_DAYS)} FROM report_retailer_days"
                    )
                )
            ),
        }


def _effect(engine: sa.Engine, *, raw: bool) -> tuple[Any, Any]:
    with session_factory(engine)() as session:
        row = session.scalars(sa.select(StaffRow).where(StaffRow.role == Role.ADMIN)).first()
        assert row is not None
        admin = Principal(row.id, row.staff_no, row.name, row.role, row.department_id)
        service = ReportService(session, admin, raw=raw)
        first = TODAY - timedelta(days=33)
        split = TODAY - timedelta(days=10)
        effect = service.effect(
            EffectRequest(first, split, split + timedelta(days=1), TODAY, resamples=200)
        )
        return effect, service.workload(ReportRequest(first, TODAY))


def test_0025_down_and_up_again_stores_what_a_full_refresh_stores(city: SeededHistory) -> None:
    engine = city.engine
    with session_factory(engine)() as session:
        refresh(session, full=True, margin=LATE_UPLOAD_MARGIN)
        session.commit()
    built = _stored(engine)
    assert len(built["days"]) > 50
    assert len(built["months"]) >= 5
    assert built["sales"]
    assert len(built["sales"]) == len(built["sales days"])
    # each row's units are its days' units, in the order of its days
    with engine.connect() as c:
        facts = {
            (m, _date(d)): f if isinstance(f, list) else json.loads(f)
            for m, d, f in c.execute(
                sa.text("SELECT manager_id, day, facts FROM report_manager_days")
            )
        }
    for m, d, unit in built["days"]:
        assert unit == unit_bytes(from_json(m, d, facts[(m, d)]))
    day_units = {(m, d): u for m, d, u in built["days"]}
    for m, month, _, units in built["months"]:
        table = units_of_bytes(units)
        days = sorted(k for k in facts if k[0] == m and k[1].replace(day=1) == month)
        assert [int(v) for v in table[:, 0]] == [d.day for _, d in days]
        assert [row[1:].tobytes() for row in table] == [day_units[k] for k in days]
    with engine.begin() as c:
        command.downgrade(alembic_config(c), "0024")
    with engine.connect() as c:
        month_facts = [
            f if isinstance(f, list) else json.loads(f)
            for (f,) in c.execute(sa.text("SELECT facts FROM report_manager_months"))
        ]
        assert {f[0] for f in month_facts} == {1}  # version 1: the units inside again
        wide = c.execute(
            sa.text(f"SELECT volume_cartons, {' + '.join(_DAYS)} FROM report_retailer_months")
        ).all()
        assert wide
        assert all(total == by_day for total, by_day in wide)
    upgrade(engine)
    assert _stored(engine) == built
    assert _effect(engine, raw=False) == _effect(engine, raw=True)
