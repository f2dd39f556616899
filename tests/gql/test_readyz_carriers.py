"""/readyz reports each carrier's breaker (issue 14, Build 7) and stays ready when one is open."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from starlette.testclient import TestClient

from adapters import CarrierUnavailable, Qos
from contrib.mock_carriers import Behaviour, MockCarrierServer, mobile_app, telecom_app
from contrib.mock_carriers.state import mobile_state, telecom_state
from gql.app import create_app
from gql.settings import Settings
from gql.store.db import create_engine_for, sqlite_url
from gql.store.migrate import upgrade

if TYPE_CHECKING:
    from pathlib import Path

PASSWORD = "readyz-pw"
REGION = """
region = "readyz"
fallback_order = ["telecom", "mobile"]
[cache]
enabled = false
[carriers.telecom]
adapter = "telecom_ws"
endpoint = "{telecom}/saye/services/Location"
app_id = "YC-GIS"
password_env = "VISITGIS_CARRIER_PASSWORD"
[carriers.telecom.breaker]
failure_threshold = 1
reset_timeout_s = 600
[carriers.mobile]
adapter = "mobile_ws"
endpoint = "{mobile}/websrvzjdw/service.asmx"
app_id = "YC-GIS"
password_env = "VISITGIS_CARRIER_PASSWORD"
max_concurrent = 3
"""


def test_an_open_breaker_is_reported_and_readiness_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telecom failing opens its breaker: /readyz says so per carrier and still answers 200."""
    engine = create_engine_for(sqlite_url(tmp_path))
    upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("VISITGIS_CARRIER_PASSWORD", PASSWORD)
    with (
        MockCarrierServer(telecom_app(telecom_state(password=PASSWORD))) as telecom,
        MockCarrierServer(mobile_app(mobile_state(password=PASSWORD))) as mobile,
    ):
        region = tmp_path / "region.toml"
        region.write_text(REGION.format(telecom=telecom.url, mobile=mobile.url), encoding="utf-8")
        settings = Settings(data_dir=tmp_path, warm_kernels=False, carriers_file=region)
        with TestClient(create_app(settings)) as client:
            closed = client.get("/readyz")
            assert closed.status_code == 200
            assert closed.json() == {
                "status": "ready",
                "carriers": {
                    "telecom": {"breaker": "closed", "in_flight": 0, "max_concurrent": 8},
                    "mobile": {"breaker": "closed", "in_flight": 0, "max_concurrent": 3},
                },
            }
            telecom.carrier.behaviour = Behaviour(mode="fault")
            hub = _graphql_state(client).hub
            failed = hub.locate("13312345678", Qos(deadline_s=5), carrier_hint="telecom")
            assert isinstance(failed.error, CarrierUnavailable)
            opened = client.get("/readyz")
    assert opened.status_code == 200
    body = opened.json()
    assert body["status"] == "ready"
    assert body["carriers"]["telecom"]["breaker"] == "open"
    assert body["carriers"]["mobile"]["breaker"] == "closed"
    assert PASSWORD not in opened.text


def _graphql_state(client: TestClient) -> Any:
    routes = client.app.routes  # type: ignore[attr-defined]
    route = next(r for r in routes if getattr(r, "path", "") == "/graphql")
    return route.app.state


def test_each_of_several_processes_holds_its_share_of_the_carrier_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``api_processes = 4``: telecom's 8 slots become 2 per process, mobile's 3 become 1; a
    breaker threshold of 1 stays 1 (never zero). Readiness shows the process's share."""
    engine = create_engine_for(sqlite_url(tmp_path))
    upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("VISITGIS_CARRIER_PASSWORD", PASSWORD)
    region = tmp_path / "region.toml"
    region.write_text(
        REGION.format(telecom="http://127.0.0.1:9", mobile="http://127.0.0.1:9"), encoding="utf-8"
    )
    settings = Settings(
        data_dir=tmp_path, warm_kernels=False, carriers_file=region, api_processes=4
    )
    with TestClient(create_app(settings)) as client:
        carriers = client.get("/readyz").json()["carriers"]
        hub = _graphql_state(client).hub
    assert carriers["telecom"]["max_concurrent"] == 2
    assert carriers["mobile"]["max_concurrent"] == 1
    assert hub.region.carrier("telecom").breaker.failure_threshold == 1
    assert hub.region.carrier("mobile").breaker.failure_threshold == 2  # 5 over 4, rounded up
