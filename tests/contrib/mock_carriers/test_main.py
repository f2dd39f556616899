"""``python -m contrib.mock_carriers`` as ``make run`` starts it: a real process on real ports."""

from __future__ import annotations

import signal
import sys
import threading
import time

import httpx
import pytest

from tests.contrib.processes import child, free_ports, poll

TELECOM_PATH = "/saye/services/Location"
EXIT_WITHIN_S = 10.0


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def _requests_seen(base: str) -> int:
    return int(httpx.get(f"{base}/_mock/behaviour", timeout=5).json()["requests_seen"])


@pytest.mark.parametrize("mode", ["hang", "drip"])
def test_sigterm_stops_both_mocks_promptly_with_a_request_in_flight(mode: str) -> None:
    telecom_port, mobile_port = free_ports(2)
    telecom = f"http://127.0.0.1:{telecom_port}"
    args = [sys.executable, "-m", "contrib.mock_carriers", "--telecom-port", str(telecom_port)]
    with child([*args, "--mobile-port", str(mobile_port)]) as (proc, _output):
        for base in (telecom, f"http://127.0.0.1:{mobile_port}"):
            poll(lambda b=base: _answers(f"{b}/_mock/behaviour"), timeout_s=30, what="mocks up")
        httpx.post(f"{telecom}/_mock/behaviour", json={"mode": mode}, timeout=5).raise_for_status()
        outcome: list[object] = []

        def ask() -> None:
            try:
                outcome.append(httpx.post(telecom + TELECOM_PATH, content=b"<x/>", timeout=60))
            except httpx.HTTPError as exc:  # cut off by the shutdown: also an ending
                outcome.append(exc)

        asker = threading.Thread(target=ask, daemon=True)
        asker.start()
        poll(lambda: _requests_seen(telecom) == 1, timeout_s=10, what="request in flight")
        assert outcome == []  # still held or still streaming when the signal comes

        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=EXIT_WITHIN_S)
        exited_s = time.monotonic() - started
        asker.join(timeout=EXIT_WITHIN_S)

    assert exited_s < EXIT_WITHIN_S
    assert not asker.is_alive()
    assert len(outcome) == 1
    assert not _answers(f"{telecom}/_mock/behaviour")  # the port is free again
