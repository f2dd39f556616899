"""The machinery of the authorization matrix: cases, callers, targets and judging.

Shared by ``test_authorization_matrix.py`` (the table and the tests) and ``matrix_scores.py``
(the audit and score rows); neither imports the other's module, only this one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from tests.gql.api import Api

__all__ = [
    "ALLOW",
    "CALLERS",
    "DENIAL_CODES",
    "DENY",
    "PLAN_DAY",
    "Case",
    "Targets",
    "expect",
    "fix_at",
    "new_key",
    "run_payload",
    "run_query",
    "shared",
]

T = TypeVar("T")

ALLOW, DENY = "allow", "deny"
CALLERS = (
    "manager",
    "other_manager",
    "head",
    "deputy",
    "head_elsewhere",
    "marketing",
    "auditor",
    "admin",
    "anonymous",
)
"""Columns: the target manager, a colleague in the same department, that department's head and
deputy, another department's head, marketing, an auditor without audit plans, an admin, and no
token at all."""

DENIAL_CODES = {"UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"}
PLAN_DAY = date(2026, 12, 7)


@dataclass(frozen=True)
class Targets:
    """Global IDs of the target manager's objects (and the caller table)."""

    manager_id: str
    staff_id: str
    department_id: str
    retailer_ids: tuple[str, ...]
    retailer_position: tuple[float, float]
    plan_id: str
    visit_id: str
    who: dict[str, str | None]


@dataclass(frozen=True)
class Case:
    """One representative operation; ``judge`` maps a raw result to ALLOW or DENY."""

    name: str
    run: Callable[[Api, Targets, str | None], str]
    expected: dict[str, str]


def expect(*allowed: str) -> dict[str, str]:
    unknown = set(allowed) - set(CALLERS)
    assert not unknown, unknown
    return {c: ALLOW if c in allowed else DENY for c in CALLERS}


def new_key() -> str:
    return str(uuid.uuid4())


def fix_at(lat: float, lon: float) -> dict[str, Any]:
    return {"lat": lat, "lon": lon, "accuracyM": 8.0, "capturedAt": datetime.now(UTC).isoformat()}


def run_query(
    api: Api,
    who: str | None,
    document: str,
    variables: dict[str, Any] | None,
    allowed: Callable[[dict[str, Any]], bool],
) -> str:
    """Run a document; errors must be denial codes, data is judged by ``allowed``."""
    result = api.execute(document, variables, as_=who)
    if result.errors:
        codes = {(e.extensions or {}).get("code") for e in result.errors}
        assert codes <= DENIAL_CODES, f"unexpected errors: {result.errors}"
        return DENY
    assert result.data is not None
    return ALLOW if allowed(result.data) else DENY


def run_payload(
    api: Api, who: str | None, document: str, variables: dict[str, Any], field: str
) -> str:
    """A mutation: ALLOW when it did its work; DENY only by a denial code, never by bad input."""

    def judge(data: dict[str, Any]) -> bool:
        payload = data[field]
        errors = payload.get("userErrors") or []
        results = payload.get("results") or []
        item_errors = [r["error"] for r in results if r.get("error")]
        codes = {e["code"] for e in [*errors, *item_errors]}
        assert codes <= DENIAL_CODES, f"{field}: not a denial: {errors} {item_errors}"
        return not codes

    return run_query(api, who, document, variables, judge)


_SHARED: dict[tuple[int, str], Any] = {}


def shared(api: Api, name: str, make: Callable[[Api], T]) -> T:
    """An object made once per database by the module's committing set-up Api.

    Made outside every test's transaction (so no test makes it for, or takes it from, another)
    and committed in the module's own database, which no other module reads.
    """
    maker = api.setup or api
    cache_key = (id(maker.state), name)
    if cache_key not in _SHARED:
        _SHARED[cache_key] = make(maker)
    return _SHARED[cache_key]  # type: ignore[no-any-return]
