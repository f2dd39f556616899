"""Issue 14, defect 5: rate limiting per caller and per address, by cost, with headers.

The buckets take an injected clock: time is turned by hand, never waited for.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from gql.app import create_app
from gql.auth import mint_token
from gql.ratelimit import Rate, RateLimiter, RateSpecError, parse_rate, parse_rates
from gql.settings import Settings, SettingsError, load_settings
from tests.gql.conftest import DemoPeople

SECRET = "rate-limit-tests-secret-" + "x" * 24


class Clock:
    """A clock the test turns."""

    def __init__(self) -> None:
        self.now_s = 1_000.0

    def __call__(self) -> float:
        return self.now_s


def test_a_bucket_refuses_when_spent_and_refills_with_time() -> None:
    """Cost is taken when an operation ends; the next waits until the bucket holds a point."""
    clock = Clock()
    limiter = RateLimiter(Rate(100, 10), {}, clock=clock)
    first = limiter.check(ip="1.2.3.4", principal=None)
    assert first is not None
    assert first.allowed
    after = limiter.charge(150, ip="1.2.3.4", principal=None)
    assert after is not None
    assert not after.allowed
    assert after.headers()["RateLimit-Remaining"] == "0"
    assert after.headers()["RateLimit-Reset"] == "15"  # 150 points missing at 10 a second
    clock.now_s += 5.0  # -50 + 50 = 0: still no point
    assert not limiter.check(ip="1.2.3.4", principal=None).allowed  # type: ignore[union-attr]
    clock.now_s += 0.1
    assert limiter.check(ip="1.2.3.4", principal=None).allowed  # type: ignore[union-attr]
    assert limiter.check(ip="5.6.7.8", principal=None).allowed  # type: ignore[union-attr]


def test_each_role_has_its_own_bucket_size() -> None:
    """A role named in the settings gets its rate; others get DEFAULT."""
    clock = Clock()
    limiter = RateLimiter(None, {"DEFAULT": Rate(10, 1), "MARKETING": Rate(1_000, 1)}, clock=clock)
    manager = limiter.charge(50, ip=None, principal="M1", role="ACCOUNT_MANAGER")
    marketing = limiter.charge(50, ip=None, principal="K1", role="MARKETING")
    assert manager is not None
    assert not manager.allowed
    assert marketing is not None
    assert marketing.allowed
    assert marketing.limit == 1_000


def test_the_tightest_bucket_decides() -> None:
    """A caller with budget left is still refused when its address has none."""
    limiter = RateLimiter(Rate(10, 1), {"DEFAULT": Rate(1_000, 1)}, clock=Clock())
    limiter.charge(20, ip="9.9.9.9", principal="A")
    standing = limiter.check(ip="9.9.9.9", principal="B")
    assert standing is not None
    assert not standing.allowed
    assert standing.limit == 10


def test_buckets_are_bounded_in_number() -> None:
    """An address flood cannot grow memory without bound: the oldest buckets go."""
    limiter = RateLimiter(Rate(10, 1), {}, clock=Clock(), max_buckets=3)
    for index in range(10):
        limiter.charge(1, ip=f"10.0.0.{index}", principal=None)
    assert len(limiter._buckets) == 3


def test_rate_specs_are_checked_with_the_settings() -> None:
    """Specs parse; a bad one is a settings problem naming the setting."""
    assert parse_rate("") is None
    assert parse_rates("DEFAULT=10/1, marketing=20/2") == {
        "DEFAULT": Rate(10, 1),
        "MARKETING": Rate(20, 2),
    }
    with pytest.raises(RateSpecError):
        parse_rate("10")
    with pytest.raises(SettingsError, match="rate_limit_per_ip"):
        load_settings({"VISITGIS_RATE_LIMIT_PER_IP": "lots"})


# -- over HTTP ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tight(demo_engine: sa.Engine) -> Iterator[TestClient]:
    """The app with a caller bucket of 30 points that refills at one point in 1,000 s."""
    settings = Settings(
        database_url=demo_engine.url.render_as_string(hide_password=False),
        warm_kernels=False,
        jwt_secret=SECRET,
        log_level="WARNING",
        rate_limit_per_ip="",
        rate_limit_per_role="DEFAULT=30/0.001",
    )
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def _post(client: TestClient, staff_no: str, query: str) -> Any:
    token = mint_token(secret=SECRET, issuer="visitgis", staff_no=staff_no, ttl_s=600)
    return client.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}
    )


def test_a_caller_over_budget_gets_429_with_headers(tight: TestClient, people: DemoPeople) -> None:
    """Headers on every answer; 429 RATE_LIMITED once spent; another caller is unaffected."""
    query = "{ retailers(first: 5) { nodes { id name } } }"  # 2 + 5 × 2 = 12 points
    first = _post(tight, people.marketing, query)
    assert first.status_code == 200
    assert first.headers["RateLimit-Limit"] == "30"
    assert first.headers["RateLimit-Remaining"] == "18"
    _post(tight, people.marketing, query)  # 6 left
    _post(tight, people.marketing, query)  # -6: spent
    refused = _post(tight, people.marketing, query)
    assert refused.status_code == 429
    body = refused.json()
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert int(refused.headers["Retry-After"]) >= 1
    assert _post(tight, people.admin, query).status_code == 200
