"""Walk a demo manager's day against a running `make run`: plan, then check in and out.

    .venv/bin/python -m contrib.demo.walk_day --token <manager token> [--stops 5]

At each stop it places the manager's phone at the shop in both mock carriers (so the carrier
fix agrees with the handheld's GPS), then presses "start visit" and "end visit" through GraphQL
and prints the verdicts. Talks only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
import uuid
from typing import Any

import httpx

PLAN = """mutation($i: VisitPlanCreateInput!) { visitPlanCreate(input: $i) {
  userErrors { message } plan { method provenOptimal gap lengthM baselineLengthM
  stops { seq eta retailer { id name position { lat lon } } } } } }"""
START = """mutation($i: VisitStartInput!) { visitStart(input: $i) {
  userErrors { message } visit { id verdict distanceM flags } } }"""
END = """mutation($i: VisitEndInput!) { visitEnd(input: $i) {
  userErrors { message } visit { verdict dwellS flags } } }"""
ME = "{ viewer { manager { id staffNo } } }"


def _gql(client: httpx.Client, query: str, variables: dict[str, Any] | None = None) -> Any:
    response = client.post("/graphql", json={"query": query, "variables": variables or {}})
    response.raise_for_status()
    body = response.json()
    if body.get("errors"):
        raise SystemExit(f"GraphQL error: {body['errors'][0]['message']}")
    return body["data"]


def _fix(lat: float, lon: float, rng: random.Random) -> dict[str, Any]:
    return {
        "lat": lat + rng.gauss(0, 6) / 111_320,
        "lon": lon + rng.gauss(0, 6) / 98_000,
        "accuracyM": 10.0,
        "capturedAt": dt.datetime.now(dt.UTC).isoformat(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--token", required=True, help="an ACCOUNT_MANAGER token from make run")
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--msisdn", help="the manager's phone number, to place it in the mocks")
    parser.add_argument("--telecom", default="http://127.0.0.1:8701")
    parser.add_argument("--mobile", default="http://127.0.0.1:8702")
    parser.add_argument("--stops", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random()
    headers = {"Authorization": f"Bearer {args.token}"}
    with httpx.Client(base_url=args.url, headers=headers, timeout=60) as client:
        manager = _gql(client, ME)["viewer"]["manager"]
        if manager is None:
            raise SystemExit("that token is not an account manager's")
        day = dt.date.today() + dt.timedelta(days=1)
        while day.weekday() >= 5:  # retailers order (and are visited) on working days
            day += dt.timedelta(days=1)
        tomorrow = day.isoformat()
        plan = _gql(client, PLAN, {"i": {"managerId": manager["id"], "date": tomorrow}})
        plan = plan["visitPlanCreate"]["plan"]
        print(
            f"plan {tomorrow}: {len(plan['stops'])} stops, {plan['lengthM']} m "
            f"(own order {plan['baselineLengthM']} m), {plan['method']}, "
            f"optimal={plan['provenOptimal']} gap={plan['gap']}"
        )
        for n, stop in enumerate(plan["stops"][: args.stops]):
            if n:
                time.sleep(6)  # a check-in asks for a fix at most 5 s old; let the cache expire
            shop = stop["retailer"]
            lat, lon = shop["position"]["lat"], shop["position"]["lon"]
            if args.msisdn:
                for mock in (args.telecom, args.mobile):
                    httpx.put(f"{mock}/_mock/phones/{args.msisdn}", json={"lat": lat, "lon": lon})
            started = _gql(
                client,
                START,
                {
                    "i": {
                        "retailerId": shop["id"],
                        "idempotencyKey": str(uuid.uuid4()),
                        "deviceFix": _fix(lat, lon, rng),
                    }
                },
            )["visitStart"]
            visit = started["visit"]
            ended = _gql(
                client, END, {"i": {"visitId": visit["id"], "deviceFix": _fix(lat, lon, rng)}}
            )["visitEnd"]["visit"]
            print(
                f"  {stop['seq']:>2} {stop['eta']} {shop['name']}: start {visit['verdict']} "
                f"({visit['distanceM']:.0f} m) → end {ended['verdict']} flags={ended['flags']}"
            )


if __name__ == "__main__":
    main()
