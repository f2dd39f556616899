"""Benchmark: CarrierHub vs. plain zeep against the mock carriers over loopback HTTP.

Run: ``.venv/bin/python contrib/bench/adapters_bulkhead.py``

1. Per-locate latency, sequential, Mobile healthy: plain ``zeep.Client.service.GetAddress``
   (the library's default path, WSDL from disk) vs. ``CarrierHub.locate`` (deadline,
   breaker, bulkhead, safe parsing, evidence; cache off).
2. Telecom hung: 50 concurrent Mobile locates issued while 12 Telecom locates hang.
   Peer: one shared pool of 8 worker threads calling zeep with a 3 s operation timeout
   (zeep's own default would wait forever). Ours: CarrierHub.locate_async, per-carrier
   bulkheads, 3 s deadline.
3. Telecom trickling (issue 14): 8 Telecom answers arrive one byte every 50 ms with their
   Content-Length declared, so every byte restarts a read timeout; 3.5 s later Telecom is
   healthy again and 20 locates follow. Peer: plain zeep with a 3 s read timeout on a pool
   of 4 threads (our Telecom bulkhead's size). Ours: CarrierHub, 3 s deadline, bulkhead 4.
   Reported: how long the trickled calls held their workers, and how many healthy locates
   succeed within their 3 s deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor, wait
from importlib.resources import files
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import zeep
import zeep.cache

from adapters import CarrierHub, Qos, load_region_config, load_registry
from contrib.mock_carriers import Behaviour, MockCarrierServer, mobile_app, telecom_app

TELECOM_PATH = "/saye/services/Location"
MOBILE_PATH = "/websrvzjdw/service.asmx"
REQUEST = (
    '<LocRequest version="1.0"><Auth><AppId>YC-GIS</AppId><Password>CHANGE-ME</Password></Auth>'
    "<SerialNo>B1</SerialNo><Msisdn>{n}</Msisdn><LocType>AUTO</LocType><CoordSys>WGS84</CoordSys>"
    "<MaxAge>0</MaxAge><Timeout>2</Timeout><ReqTime>2024-03-18T09:30:00+08:00</ReqTime></LocRequest>"
)
TELECOM_REQUEST = (
    '<svc_init ver="3.1.0"><hdr ver="3.1.0"><client><id>YC-GIS</id><pwd>CHANGE-ME</pwd>'
    '</client></hdr><slir ver="3.1.0" res_type="SYNC"><msids><msid type="MSISDN">86{n}</msid>'
    "</msids></slir></svc_init>"
)


def percentiles(samples_s: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples_s)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    return (
        f"mean {statistics.fmean(ms):7.2f} ms  p50 {statistics.median(ms):7.2f} ms  "
        f"p95 {p95:7.2f} ms  max {ms[-1]:7.2f} ms"
    )


def zeep_mobile(url: str, timeout: object) -> object:
    client = zeep.Client(str(files("adapters.mobile_ws").joinpath("service.wsdl")))
    client.transport.operation_timeout = timeout
    return client.create_service("{http://tempuri.org/}ServiceSoap", url + MOBILE_PATH)


def zeep_telecom(url: str, timeout: object) -> tuple[object, object]:
    cache = zeep.cache.InMemoryCache()
    xsd = files("adapters.telecom_ws").joinpath("soap-encoding-min.xsd").read_bytes()
    cache.add("http://schemas.xmlsoap.org/soap/encoding/", xsd)
    client = zeep.Client(
        str(files("adapters.telecom_ws").joinpath("Location.wsdl")),
        transport=zeep.Transport(cache=cache, operation_timeout=timeout),
    )
    string_type = client.get_type("{http://schemas.xmlsoap.org/soap/encoding/}string")
    service = client.create_service(
        "{http://ct-lbs.example:8181/saye/services/Location}LocationSoapBinding", url + TELECOM_PATH
    )
    return service, string_type


def hub_for(
    telecom_url: str, mobile_url: str, deadline_cap_s: float, *, breaker_threshold: int = 5
) -> CarrierHub:
    common = {
        "app_id": "YC-GIS",
        "password_env": "PW",
        "retry": {"max_retries": 0},
        "breaker": {"failure_threshold": breaker_threshold},
    }
    region = load_region_config(
        {
            "region": "bench",
            "max_deadline_s": deadline_cap_s,
            "cache": {"enabled": False},
            "carriers": {
                "telecom": {
                    "adapter": "telecom_ws",
                    "endpoint": telecom_url + TELECOM_PATH,
                    "max_concurrent": 4,
                    **common,
                },
                "mobile": {
                    "adapter": "mobile_ws",
                    "endpoint": mobile_url + MOBILE_PATH,
                    "max_concurrent": 8,
                    **common,
                },
            },
        },
        environ={"PW": "CHANGE-ME"},
    )
    return CarrierHub.from_config(region, load_registry(["telecom_ws", "mobile_ws"]))


def sequential(telecom: MockCarrierServer, mobile: MockCarrierServer, n: int) -> None:
    service = zeep_mobile(mobile.url, (3, 10))
    hub = hub_for(telecom.url, mobile.url, 10)
    numbers = [f"1380000{i:04d}" for i in range(n)]
    calls = {
        "plain zeep GetAddress      ": lambda num: service.GetAddress(xml=REQUEST.format(n=num)),
        "CarrierHub.locate (mobile) ": lambda num: hub.locate(
            num, Qos(max_age_s=0), carrier_hint="mobile"
        ),
    }
    samples: dict[str, list[float]] = {label: [] for label in calls}
    for num in numbers[:20]:  # warm up connections and code paths
        for call in calls.values():
            call(num)
    for num in numbers:  # interleaved, so load drift on the shared machine hits both alike
        for label, call in calls.items():
            started = time.perf_counter()
            call(num)
            samples[label].append(time.perf_counter() - started)
    for label, values in samples.items():
        print(f"  {label} n={n}: {percentiles(values)}")
    hub.close()


def hung_telecom(telecom: MockCarrierServer, mobile: MockCarrierServer) -> None:
    telecom.carrier.behaviour = Behaviour(mode="hang")
    mobile_numbers = [f"1380000{i:04d}" for i in range(50)]
    telecom_numbers = [f"1330000{i:04d}" for i in range(12)]

    # Peer: shared pool, plain zeep, 3 s operation timeout.
    mobile_service = zeep_mobile(mobile.url, (3, 3))
    telecom_service, string_type = zeep_telecom(telecom.url, (3, 3))

    def timed(fn: object, *args: object, started: float | None = None) -> float:
        started = time.perf_counter() if started is None else started  # submission time
        with contextlib.suppress(Exception):  # the peer has no error mapping; only timed
            fn(*args)  # type: ignore[operator]
        return time.perf_counter() - started

    def telecom_call(num: str) -> None:
        telecom_service.GetPosition(string_type(TELECOM_REQUEST.format(n=num)))

    def mobile_call(num: str) -> None:
        mobile_service.GetAddress(xml=REQUEST.format(n=num))

    with ThreadPoolExecutor(8) as pool:
        for num in telecom_numbers:
            pool.submit(timed, telecom_call, num)
        time.sleep(0.2)
        started = time.perf_counter()
        futures = [
            pool.submit(timed, mobile_call, num, started=time.perf_counter())
            for num in mobile_numbers
        ]
        call_s = [f.result() for f in futures]
        wall_s = time.perf_counter() - started
    print(
        f"  plain zeep, shared pool of 8, 3 s timeout: mobile wall {wall_s:5.2f} s; "
        f"per call (from submission) {percentiles(call_s)}"
    )

    hub = hub_for(telecom.url, mobile.url, 3)

    async def run() -> tuple[list[float], float, int]:
        async def one(num: str) -> tuple[float, bool]:
            started = time.perf_counter()
            outcome = await hub.locate_async(num, Qos(deadline_s=3), carrier_hint="mobile")
            return time.perf_counter() - started, outcome.ok

        hung = [
            asyncio.ensure_future(hub.locate_async(n, Qos(deadline_s=3), carrier_hint="telecom"))
            for n in telecom_numbers
        ]
        await asyncio.sleep(0.2)
        started = time.perf_counter()
        results = await asyncio.gather(*(one(n) for n in mobile_numbers))
        wall_s = time.perf_counter() - started
        await asyncio.gather(*hung)
        return [r[0] for r in results], wall_s, sum(r[1] for r in results)

    call_s, wall_s, ok = asyncio.run(run())
    print(
        f"  CarrierHub, per-carrier bulkheads, 3 s deadline: mobile wall {wall_s:5.2f} s; "
        f"per call {percentiles(call_s)}; ok {ok}/50"
    )
    hub.close()
    telecom.carrier.behaviour = Behaviour()


def trickling_telecom(telecom: MockCarrierServer, mobile: MockCarrierServer) -> None:
    trickled = [f"1330001{i:04d}" for i in range(8)]
    healthy = [f"1330002{i:04d}" for i in range(20)]
    window_s = 10.0

    # Peer: plain zeep, 3 s read timeout, 4 threads.
    service, string_type = zeep_telecom(telecom.url, (3, 3))

    def call(num: str) -> float:
        started = time.perf_counter()
        service.GetPosition(string_type(TELECOM_REQUEST.format(n=num)))
        return time.perf_counter() - started

    telecom.carrier.behaviour = Behaviour(mode="trickle", trickle_interval_s=0.05)
    pool = ThreadPoolExecutor(4)
    started = time.perf_counter()
    held = [pool.submit(call, num) for num in trickled]
    time.sleep(3.5)
    telecom.carrier.behaviour = Behaviour()
    calls = [pool.submit(call, num) for num in healthy]
    done, _ = wait(calls, timeout=3.0)
    ok_in_deadline = sum(1 for f in done if f.exception() is None)
    wait(held, timeout=max(0.0, window_s - (time.perf_counter() - started)))
    still_held = sum(1 for f in held if not f.done())
    print(
        f"  plain zeep, 3 s read timeout, 4 threads: trickled calls unfinished "
        f"after {window_s:.0f} s: {still_held}/8; healthy locates ok within 3 s: "
        f"{ok_in_deadline}/20"
    )
    telecom.carrier.released.set()  # end the trickles so the peer's threads come back
    pool.shutdown(wait=True, cancel_futures=True)
    telecom.carrier.released.clear()

    # The breaker would open after 5 timeouts and fail the healthy calls fast (CircuitOpen):
    # set high here, so the figure is about the bulkhead's slots alone.
    hub = hub_for(telecom.url, mobile.url, 3, breaker_threshold=1000)

    async def run() -> tuple[list[float], list[float], int, int]:
        async def one(num: str) -> tuple[float, bool, str]:
            begun = time.perf_counter()
            outcome = await hub.locate_async(num, Qos(deadline_s=3), carrier_hint="telecom")
            kind = "ok" if outcome.error is None else outcome.error.kind
            return time.perf_counter() - begun, outcome.ok, kind

        telecom.carrier.behaviour = Behaviour(mode="trickle", trickle_interval_s=0.05)
        first = asyncio.gather(*(one(n) for n in trickled))
        await asyncio.sleep(3.5)
        telecom.carrier.behaviour = Behaviour()
        second = await asyncio.gather(*(one(n) for n in healthy))
        held_results = await first
        in_flight = hub.health()["telecom"].in_flight
        return (
            [r[0] for r in held_results],
            [r[0] for r in second],
            sum(r[1] for r in second),
            in_flight,
        )

    held_s, call_s, ok, in_flight = asyncio.run(run())
    print(
        f"  CarrierHub, 3 s deadline, bulkhead 4: trickled calls returned after max "
        f"{max(held_s):.2f} s (workers in flight afterwards: {in_flight}); healthy locates ok "
        f"within 3 s: {ok}/20, per call {percentiles(call_s)}"
    )
    hub.close()
    telecom.carrier.behaviour = Behaviour()


def main() -> None:
    with MockCarrierServer(telecom_app()) as telecom, MockCarrierServer(mobile_app()) as mobile:
        print("1. sequential Mobile locates over loopback HTTP (mock answers at once)")
        sequential(telecom, mobile, 300)
        print("2. Telecom hung: 50 concurrent Mobile locates")
        hung_telecom(telecom, mobile)
        print("3. Telecom trickling: 8 trickled answers, then 20 locates on healthy Telecom")
        trickling_telecom(telecom, mobile)


if __name__ == "__main__":
    main()
