"""Benchmark: one abusive client at the cost limit beside clients sending trivial queries.

Run: ``.venv/bin/python contrib/bench/bench_abuse.py [--seconds 20] [--database-url URL]``
(default: a throw-away SQLite demo city; a ``postgresql://`` URL runs in a throw-away schema).

Target (issue 14): the trivial queries' p99 stays ≤ 50 ms while one client keeps
``--abusers`` requests in flight, each just under the cost limit and mixing database-heavy pages
with CPU-bound territory metrics. Peer: the same trivial clients, same server, same run, without
the abusive client. The server is a real uvicorn in a child process (its own GIL), reached over
loopback by an httpx async client. Rate limiting is switched off in the server so the abusive
client is throttled only by the cost limit and the bounded worker pool — the harder case; with
the default per-role buckets it would be answered 429 within seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import httpx

from contrib.bench._common import seeded_demo
from gql.auth import mint_token
from gql.domain.organisation import Role
from gql.store.db import create_engine_for, session_factory
from gql.store.repositories import StaffRepository

SECRET = "bench-abuse-secret-" + "z" * 40
TRIVIAL = "{ viewer { role } }"
ABUSIVE = os.environ.get("BENCH_ABUSIVE_QUERY") or (
    "{ page: retailers(first: 100) { nodes { id name address "
    "manager { retailers(first: 10) { nodes { id name } } } } } "
    + " ".join(f"t{i}: territories {{ departmentId }}" for i in range(13))
    + " }"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _staff(url: str) -> tuple[str, str]:
    """(a marketing staff number, an account manager's)."""
    engine = create_engine_for(url)
    with session_factory(engine)() as session:
        staff = [s for _, s in StaffRepository(session).page(first=500).items]
    engine.dispose()
    marketing = next(s.staff_no for s in staff if s.role is Role.MARKETING)
    manager = next(s.staff_no for s in staff if s.role is Role.ACCOUNT_MANAGER)
    return marketing, manager


def _serve(url: str, port: int) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "VISITGIS_DATABASE_URL": url,
        "VISITGIS_JWT_SECRET": SECRET,
        "VISITGIS_RATE_LIMIT_PER_IP": "",
        "VISITGIS_RATE_LIMIT_PER_ROLE": "",
        "VISITGIS_LOG_LEVEL": "WARNING",
    }
    code = (
        "import uvicorn; from gql.app import create_app; from gql.settings import load_settings; "
        f"uvicorn.run(create_app(load_settings()), host='127.0.0.1', port={port}, "
        "log_level='warning')"
    )
    return subprocess.Popen([sys.executable, "-c", code], env=env)


async def _ready(base: str) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(600):
            try:
                if (await client.get(f"{base}/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("the server did not become ready")


async def _trivial(client: httpx.AsyncClient, token: str, until: float, out: list[float]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    while time.perf_counter() < until:
        started = time.perf_counter()
        response = await client.post("/graphql", json={"query": TRIVIAL}, headers=headers)
        out.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        await asyncio.sleep(0.01)


async def _abuse(client: httpx.AsyncClient, token: str, until: float, codes: Counter[str]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    while time.perf_counter() < until:
        response = await client.post("/graphql", json={"query": ABUSIVE}, headers=headers)
        body = response.json()
        errors = body.get("errors") or []
        codes[str(response.status_code)] += 1
        for error in errors:
            codes[error.get("extensions", {}).get("code", "?")] += 1
        cost = (body.get("extensions") or {}).get("cost")
        if cost:
            codes["requestedQueryCost=" + str(cost["requestedQueryCost"])] = 1


def _summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"n={len(ordered)} p50={statistics.median(ordered):.1f} ms p99={p99:.1f} ms"


async def _phase(
    base: str, tokens: tuple[str, str], seconds: float, trivial_clients: int, abusers: int
) -> tuple[list[float], Counter[str]]:
    marketing, manager = tokens
    samples: list[float] = []
    codes: Counter[str] = Counter()
    limits = httpx.Limits(max_connections=trivial_clients + abusers + 2)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        until = time.perf_counter() + seconds
        tasks = [_trivial(client, manager, until, samples) for _ in range(trivial_clients)]
        tasks += [_abuse(client, marketing, until, codes) for _ in range(abusers)]
        await asyncio.gather(*tasks)
    return samples, codes


async def _main(args: argparse.Namespace) -> None:
    with seeded_demo(args.database_url) as url:
        names = _staff(url)
        marketing, manager = (
            mint_token(secret=SECRET, issuer="visitgis", staff_no=n, ttl_s=3600) for n in names
        )
        tokens = (marketing, manager)
        port = _free_port()
        server = _serve(url, port)
        base = f"http://127.0.0.1:{port}"
        try:
            await _ready(base)
            await _phase(base, tokens, 2, args.clients, 0)  # warm connections and caches
            peer, _ = await _phase(base, tokens, args.seconds, args.clients, 0)
            loaded, codes = await _phase(base, tokens, args.seconds, args.clients, args.abusers)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"trivial queries, peer (no abusive client): {_summary(peer)}")
    print(f"trivial queries, with the abusive client:  {_summary(loaded)}")
    print(f"abusive client answers: {dict(codes)}")


def main() -> None:
    """Parse arguments and run both phases."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=4, help="trivial-query clients")
    parser.add_argument("--abusers", type=int, default=4, help="abusive requests in flight")
    parser.add_argument("--database-url", default=os.environ.get("VISITGIS_DATABASE_URL"))
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
