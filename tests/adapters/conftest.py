"""Shared fixtures for the adapter tests: canned carrier documents, configs, hubs."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

import pytest
import responses

from adapters import (
    Attempt,
    AttemptBudget,
    CarrierConfig,
    CarrierError,
    CarrierHub,
    ManualClock,
    Msisdn,
    PositionFix,
    Qos,
    RegionConfig,
    load_region_config,
    load_registry,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from adapters.resilience import SharedFixes

FIXTURES = Path(__file__).parent / "fixtures"
TELECOM_URL = "http://ct-lbs.example:8181/saye/services/Location"
MOBILE_URL = "http://cm-lbs.example/websrvzjdw/service.asmx"
TELECOM_NUMBER = "13312345678"  # the subscriber in the Telecom samples
MOBILE_NUMBER = "13812345678"  # the subscriber in the Mobile samples
PASSWORD = "s3cret-pw"
# 2024-03-18 09:30:30 +08:00: the samples' fresh fixes are seconds old at this instant.
SAMPLE_NOW = datetime(2024, 3, 18, 1, 30, 30, tzinfo=UTC)


def fixture_bytes(carrier: str, name: str) -> bytes:
    """A canned document copied from shared/carriers."""
    return (FIXTURES / carrier / name).read_bytes()


def telecom_envelope(inner: str) -> str:
    """Wrap an inner svc_result document as Axis would (escaped string return)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope '
        'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>'
        '<ns1:GetPositionResponse xmlns:ns1="http://ct-lbs.example:8181/saye/services/Location">'
        f'<GetPositionReturn xsi:type="xsd:string">{escape(inner)}</GetPositionReturn>'
        "</ns1:GetPositionResponse></soapenv:Body></soapenv:Envelope>"
    )


def mobile_envelope(inner: str, *, soap12: bool = False) -> str:
    """Wrap an inner LocResponse document as ASP.NET would."""
    env = (
        "http://www.w3.org/2003/05/soap-envelope"
        if soap12
        else "http://schemas.xmlsoap.org/soap/envelope/"
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{env}"><soap:Body>'
        '<GetAddressResponse xmlns="http://tempuri.org/">'
        f"<GetAddressResult>{escape(inner)}</GetAddressResult>"
        "</GetAddressResponse></soap:Body></soap:Envelope>"
    )


def region_dict(**overrides: Any) -> dict[str, Any]:
    """A two-carrier region as the TOML would parse, with small test-friendly timings."""
    carriers: dict[str, Any] = {
        "telecom": {
            "adapter": "telecom_ws",
            "endpoint": TELECOM_URL,
            "app_id": "YC-GIS",
            "password_env": "CT_PASSWORD",
            "connect_timeout_s": 2.0,
            "read_timeout_s": 30.0,
            "inner_timer_margin_s": 5.0,
            "retry": {"backoff_base_s": 0.01, "backoff_max_s": 0.02, "min_attempt_s": 0.1},
            "options": {"service_id": "LBS0001"},
        },
        "mobile": {
            "adapter": "mobile_ws",
            "endpoint": MOBILE_URL,
            "app_id": "YC-GIS",
            "password_env": "CM_PASSWORD",
            "connect_timeout_s": 2.0,
            "read_timeout_s": 30.0,
            "inner_timer_margin_s": 5.0,
            "retry": {"backoff_base_s": 0.01, "backoff_max_s": 0.02, "min_attempt_s": 0.1},
        },
    }
    data: dict[str, Any] = {
        "region": "test",
        "fallback_order": ["telecom", "mobile"],
        "carriers": carriers,
    }
    only = overrides.pop("only", None)
    if only is not None:
        for cid in list(carriers):
            if cid not in only:
                del carriers[cid]
        data["fallback_order"] = [c for c in data["fallback_order"] if c in only]
    for key, value in overrides.items():
        if key in carriers:
            carriers[key].update(value)
        else:
            data[key] = value
    return data


ENV = {"CT_PASSWORD": PASSWORD, "CM_PASSWORD": PASSWORD}


def make_region(**overrides: Any) -> RegionConfig:
    """Validated region config from :func:`region_dict`."""
    return load_region_config(region_dict(**overrides), environ=ENV)


@pytest.fixture
def clock() -> ManualClock:
    """A clock standing at the samples' fix time."""
    return ManualClock(SAMPLE_NOW)


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    """`responses` intercepting every requests call (no socket is opened)."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rm:
        yield rm


@pytest.fixture
def hub_factory(clock: ManualClock) -> Iterator[Callable[..., CarrierHub]]:
    """Build hubs from region overrides with the real registry; closes them afterwards."""
    hubs: list[CarrierHub] = []

    def build(**overrides: Any) -> CarrierHub:
        region = make_region(**overrides)
        registry = load_registry({c.adapter for c in region.carriers})
        hub = CarrierHub.from_config(region, registry, clock=clock)
        hubs.append(hub)
        return hub

    yield build
    for hub in hubs:
        hub.close()


@dataclass
class ScriptedProvider:
    """A provider answering from a script (for hub logic without SOAP)."""

    carrier_id: str
    script: list[Callable[[], PositionFix | CarrierError]]
    calls: int = 0
    budgets: list[AttemptBudget] = field(default_factory=list)
    gate: threading.Event | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def locate(self, msisdn: Msisdn, qos: Qos, budget: AttemptBudget) -> Attempt:
        with self.lock:
            self.calls += 1
            self.budgets.append(budget)
            step = self.script[min(self.calls, len(self.script)) - 1]
        if self.gate is not None:
            self.gate.wait(5)
        return Attempt(step(), None)

    def close(self) -> None:
        pass


def fix_for(
    carrier: str, *, fix_time: datetime = SAMPLE_NOW, radius_m: float = 100.0
) -> PositionFix:
    """A fresh WGS-84 fix near Wenzhou."""
    from adapters import PositionMethod

    return PositionFix(
        lat=27.99, lon=120.70, radius_m=radius_m, method=PositionMethod.CELL,
        fix_time=fix_time, carrier=carrier,
    )  # fmt: skip


def scripted_hub(
    clock: ManualClock,
    scripts: dict[str, list[Callable[[], PositionFix | CarrierError]]],
    shared_fixes: SharedFixes | None = None,
    **overrides: Any,
) -> tuple[CarrierHub, dict[str, ScriptedProvider]]:
    """A hub over scripted providers, one per carrier id of :func:`region_dict`."""
    region = make_region(**overrides)
    providers = {cid: ScriptedProvider(cid, script) for cid, script in scripts.items()}
    cfgs: dict[str, CarrierConfig] = {c.id: c for c in region.carriers}
    assert set(cfgs) == set(providers)
    return CarrierHub(region, providers, clock=clock, shared_fixes=shared_fixes), providers
