"""Fixes shared between processes: a second hub (another worker) reuses the first one's fix.

The store here is a plain in-memory implementation of :class:`adapters.resilience.SharedFixes`
(the service's database implementation is tested in ``tests/gql/store/test_shared_fixes.py``).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from adapters import ManualClock, Qos
from adapters.evidence import Exchange
from adapters.resilience.shared import decode_fix, encode_fix
from tests.adapters.conftest import fix_for, scripted_hub

NUMBER = "13912345678"


class MemoryFixes:
    """Newest fix per key, as the database store keeps it."""

    def __init__(self) -> None:
        self.rows: dict[str, tuple[str, datetime]] = {}
        self.loads = 0

    def load(self, key: str) -> str | None:
        self.loads += 1
        row = self.rows.get(key)
        return None if row is None else row[0]

    def save(self, key: str, payload: str, fix_time: datetime) -> None:
        if key not in self.rows or self.rows[key][1] < fix_time:
            self.rows[key] = (payload, fix_time)


class BrokenFixes:
    """A store that is down."""

    def load(self, key: str) -> str | None:
        raise OSError("connection refused")

    def save(self, key: str, payload: str, fix_time: datetime) -> None:
        raise OSError("connection refused")


def test_a_retry_on_another_process_reuses_the_fix_without_asking_the_carrier(
    clock: ManualClock,
) -> None:
    shared = MemoryFixes()
    script = {"telecom": [lambda: fix_for("telecom", fix_time=clock.now())], "mobile": []}
    first, first_carriers = scripted_hub(clock, script, shared_fixes=shared)
    second, second_carriers = scripted_hub(clock, script, shared_fixes=shared)
    asked = first.locate(NUMBER, Qos(max_age_s=60))
    retried = second.locate(NUMBER, Qos(max_age_s=60))
    assert not asked.from_cache
    assert retried.from_cache
    assert retried.fix == asked.fix
    assert (first_carriers["telecom"].calls, second_carriers["telecom"].calls) == (1, 0)
    assert len(shared.rows) == 1
    assert NUMBER not in next(iter(shared.rows))  # the key does not spell the number out


def test_a_shared_fix_too_old_or_too_wide_is_not_used(clock: ManualClock) -> None:
    shared = MemoryFixes()
    script = {"telecom": [lambda: fix_for("telecom", fix_time=clock.now())], "mobile": []}
    first, _ = scripted_hub(clock, script, shared_fixes=shared)
    second, carriers = scripted_hub(clock, script, shared_fixes=shared)
    first.locate(NUMBER, Qos(max_age_s=60))
    assert not second.locate(NUMBER, Qos(max_age_s=60, accuracy_m=50)).from_cache  # 100 m fix
    clock.advance(61)
    third, third_carriers = scripted_hub(clock, script, shared_fixes=shared)
    assert not third.locate(NUMBER, Qos(max_age_s=60)).from_cache
    assert (carriers["telecom"].calls, third_carriers["telecom"].calls) == (1, 1)


def test_a_store_that_is_down_never_fails_a_locate(clock: ManualClock) -> None:
    script = {"telecom": [lambda: fix_for("telecom", fix_time=clock.now())], "mobile": []}
    hub, carriers = scripted_hub(clock, script, shared_fixes=BrokenFixes())
    outcome = hub.locate(NUMBER, Qos(max_age_s=60))
    assert outcome.fix is not None
    assert carriers["telecom"].calls == 1


def test_a_garbled_payload_is_ignored_and_the_carrier_asked(clock: ManualClock) -> None:
    shared = MemoryFixes()
    script = {"telecom": [lambda: fix_for("telecom", fix_time=clock.now())], "mobile": []}
    hub, _ = scripted_hub(clock, script, shared_fixes=shared)
    hub.locate(NUMBER, Qos(max_age_s=60))
    key = next(iter(shared.rows))
    shared.rows[key] = ('{"fix": {"lat": "north"}}', shared.rows[key][1])
    other, other_carriers = scripted_hub(clock, script, shared_fixes=shared)
    assert not other.locate(NUMBER, Qos(max_age_s=60)).from_cache
    assert other_carriers["telecom"].calls == 1


def test_the_payload_keeps_the_fix_and_its_masked_evidence() -> None:
    fix = fix_for("telecom")
    exchange = Exchange(
        carrier="telecom",
        endpoint="http://carrier.example/Location",
        started_at=fix.fix_time - timedelta(seconds=2),
        elapsed_s=1.25,
        request="<soap>*******5678</soap>",
        response="<answer/>",
        http_status=200,
    )
    assert decode_fix(encode_fix(fix, (exchange,))) == (fix, (exchange,))
    for garbled in ("", "[]", json.dumps({"fix": {}, "evidence": []})):
        with pytest.raises(ValueError, match="not a shared fix"):
            decode_fix(garbled)
