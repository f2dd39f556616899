"""Fixes shared between processes, so a retry that lands on another worker is not billed twice.

Each process keeps its own :class:`~adapters.resilience.cache.FixCache`; with several API
processes a handheld's retry (the first answer was lost, or nothing was saved and it was told to
retry) usually reaches another one, which would ask the carrier again — slow, billed, and it may
text the subscriber. A :class:`SharedFixes` store (the service provides one on its database)
holds the latest fix per subscriber as an opaque payload under a hashed key; the hub reads it on
a local miss and writes it after each carrier fix. The store never decides freshness: the hub
judges a loaded fix exactly as a locally cached one.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from ..evidence import Exchange
from ..fix import PositionFix, PositionMethod

if TYPE_CHECKING:
    from ..msisdn import Msisdn
    from .cache import Evidence

__all__ = ["SharedFixes", "decode_fix", "encode_fix", "subscriber_key"]


class SharedFixes(Protocol):
    """A key → payload store visible to every process.

    Calls may block: the hub runs them in a thread under a deadline and carries on without
    them when they fail.
    """

    def load(self, key: str) -> str | None:
        """The payload stored under ``key``, if any."""
        ...

    def save(self, key: str, payload: str, fix_time: datetime) -> None:
        """Keep ``payload`` unless the stored one has a later ``fix_time``."""
        ...


def subscriber_key(msisdn: Msisdn) -> str:
    """A stable key that does not spell the phone number out (SHA-256 of its digits)."""
    return hashlib.sha256(f"visitgis-fix:{msisdn.national}".encode()).hexdigest()


def encode_fix(fix: PositionFix, evidence: Evidence) -> str:
    """JSON of a fix and the (masked) exchanges that produced it."""
    return json.dumps(
        {
            "fix": {
                "lat": fix.lat,
                "lon": fix.lon,
                "radius_m": fix.radius_m,
                "method": fix.method.value,
                "fix_time": fix.fix_time.isoformat(),
                "carrier": fix.carrier,
                "stale": fix.stale,
                "source_crs": fix.source_crs,
                "confidence_pct": fix.confidence_pct,
                "address": fix.address,
            },
            "evidence": [
                {
                    "carrier": x.carrier,
                    "endpoint": x.endpoint,
                    "started_at": x.started_at.isoformat(),
                    "elapsed_s": x.elapsed_s,
                    "request": x.request,
                    "response": x.response,
                    "http_status": x.http_status,
                }
                for x in evidence
            ],
        },
        ensure_ascii=False,
    )


def decode_fix(payload: str) -> tuple[PositionFix, Evidence]:
    """The fix and evidence of :func:`encode_fix`; ``ValueError`` on anything else."""
    try:
        data: dict[str, Any] = json.loads(payload)
        f = data["fix"]
        fix = PositionFix(
            lat=float(f["lat"]),
            lon=float(f["lon"]),
            radius_m=float(f["radius_m"]),
            method=PositionMethod(f["method"]),
            fix_time=datetime.fromisoformat(f["fix_time"]),
            carrier=str(f["carrier"]),
            stale=bool(f["stale"]),
            source_crs=str(f["source_crs"]),
            confidence_pct=None if f["confidence_pct"] is None else int(f["confidence_pct"]),
            address=None if f["address"] is None else str(f["address"]),
        )
        evidence = tuple(
            Exchange(
                carrier=str(x["carrier"]),
                endpoint=str(x["endpoint"]),
                started_at=datetime.fromisoformat(x["started_at"]),
                elapsed_s=float(x["elapsed_s"]),
                request=str(x["request"]),
                response=None if x["response"] is None else str(x["response"]),
                http_status=None if x["http_status"] is None else int(x["http_status"]),
            )
            for x in data["evidence"]
        )
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a shared fix: {exc}") from exc
    return fix, evidence
