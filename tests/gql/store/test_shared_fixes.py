"""The database store behind adapters' shared fixes: newest fix wins, old rows go, and two
hubs on it (two API processes) ask the carrier once for one subscriber."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from starlette.testclient import TestClient

from adapters import ManualClock, Qos
from gql.app import create_app
from gql.settings import Settings
from gql.store.models import SharedFixRow
from gql.store.shared_fixes import DatabaseSharedFixes
from tests.adapters.conftest import fix_for, scripted_hub

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

T0 = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)


def test_the_newest_fix_wins_whatever_the_order_of_writes(private_engine: sa.Engine) -> None:
    store = DatabaseSharedFixes(private_engine)
    store.save("k", "later", T0 + timedelta(seconds=30))
    store.save("k", "earlier", T0)  # a slow process's older answer arrives last
    assert store.load("k") == "later"
    store.save("k", "latest", T0 + timedelta(seconds=60))
    assert store.load("k") == "latest"
    assert store.load("other") is None


def test_rows_older_than_the_keep_time_are_neither_served_nor_kept(
    private_engine: sa.Engine,
) -> None:
    store = DatabaseSharedFixes(private_engine, keep_s=60)
    store.save("old", "payload", T0)
    with private_engine.begin() as db:
        db.execute(sa.update(SharedFixRow).values(stored_at=datetime.now(UTC) - timedelta(hours=1)))
    assert store.load("old") is None
    store.save("new", "payload", T0)
    with private_engine.connect() as db:
        keys = db.execute(sa.select(SharedFixRow.subscriber_key)).scalars().all()
    assert keys == ["new"]


def test_two_processes_hubs_ask_the_carrier_once(private_engine: sa.Engine) -> None:
    clock = ManualClock(datetime.now(UTC))
    script = {"telecom": [lambda: fix_for("telecom", fix_time=clock.now())], "mobile": []}
    first, first_carriers = scripted_hub(
        clock, script, shared_fixes=DatabaseSharedFixes(private_engine)
    )
    second, second_carriers = scripted_hub(
        clock, script, shared_fixes=DatabaseSharedFixes(private_engine)
    )
    asked = first.locate("13912345678", Qos(max_age_s=60))
    reused = second.locate("13912345678", Qos(max_age_s=60))
    assert (asked.from_cache, reused.from_cache) == (False, True)
    assert reused.fix == asked.fix
    assert (first_carriers["telecom"].calls, second_carriers["telecom"].calls) == (1, 0)


REGION = """
region = "shared"
fallback_order = ["telecom"]
[carriers.telecom]
adapter = "telecom_ws"
endpoint = "http://127.0.0.1:9/saye/services/Location"
app_id = "YC-GIS"
password_env = "VISITGIS_CARRIER_PASSWORD"
"""


def test_several_processes_on_postgresql_share_fixes_and_one_process_does_not(
    private_engine: sa.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app wires the store into its hub only where another process could reuse a fix."""
    monkeypatch.setenv("VISITGIS_CARRIER_PASSWORD", "pw")
    region = tmp_path / "region.toml"
    region.write_text(REGION, encoding="utf-8")
    url = private_engine.url.render_as_string(hide_password=False)
    postgresql = private_engine.dialect.name == "postgresql"
    for processes, shared in ((1, False), (2, postgresql)):
        settings = Settings(
            database_url=url, warm_kernels=False, carriers_file=region, api_processes=processes
        )
        with TestClient(create_app(settings)) as client:
            client.get("/healthz")
            route = next(r for r in client.app.routes if getattr(r, "path", "") == "/graphql")  # type: ignore[attr-defined]
            state = route.app.state
            assert (state.shared_fixes is not None) is shared
