"""Ask the manager's carrier where the phone is, under a deadline, for a check-in (R3.2, R4).

A slow or broken carrier degrades the evidence, never the request: every outcome — a fix, a
typed carrier error, a missed deadline, no carrier configured — becomes a
:class:`CarrierLookup` with the masked raw exchange for the audit trail.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import adapters
import geo

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gql.domain import AccountManager, Carrier

__all__ = ["CarrierLocator", "CarrierLookup", "HubLocator", "NoCarrier"]

_SOURCE_BY_METHOD = {
    adapters.PositionMethod.AGPS: geo.FixSource.CARRIER_AGPS,
    adapters.PositionMethod.GPS: geo.FixSource.CARRIER_AGPS,
}


@dataclass(frozen=True, slots=True)
class CarrierLookup:
    """What the carrier said (or why it said nothing), ready to store as evidence."""

    outcome_code: str
    detail: str
    fix: geo.PositionFix | None = None
    carrier: Carrier | None = None
    raw_request: str | None = None
    raw_answer: str | None = None


class CarrierLocator(Protocol):
    """Locates a manager's phone through the network; never raises for carrier behaviour."""

    async def locate(self, manager: AccountManager, *, deadline_s: float) -> CarrierLookup:
        """Locate within ``deadline_s`` seconds."""
        ...


class NoCarrier:
    """The locator when the region configures no carrier: evidence says so."""

    async def locate(self, manager: AccountManager, *, deadline_s: float) -> CarrierLookup:
        """Return 'not configured' at once."""
        return CarrierLookup(outcome_code="NOT_CONFIGURED", detail="no carrier configured")


class HubLocator:
    """Adapter from :class:`adapters.CarrierHub` to :class:`CarrierLocator`."""

    def __init__(
        self,
        hub: adapters.CarrierHub,
        *,
        carrier_ids: Mapping[Carrier, str],
        accuracy_m: float = 200.0,
        max_age_s: float = 5.0,
    ) -> None:
        self._hub = hub
        self._carrier_ids = dict(carrier_ids)
        self._accuracy_m = accuracy_m
        self._max_age_s = max_age_s

    async def locate(self, manager: AccountManager, *, deadline_s: float) -> CarrierLookup:
        """Ask the hub; map the outcome to evidence; a missed deadline is evidence too."""
        qos = adapters.Qos(
            accuracy_m=self._accuracy_m, max_age_s=self._max_age_s, deadline_s=deadline_s
        )
        try:
            # the hub keeps its own deadline; this is a backstop. A timeout scope, not
            # wait_for: no task boundary, so the request reaches its carrier's thread at once
            async with asyncio.timeout(deadline_s + 0.5):
                outcome = await self._hub.locate_async(
                    manager.msisdn, qos, carrier_hint=self._carrier_ids.get(manager.carrier)
                )
        except TimeoutError:
            return CarrierLookup(outcome_code="DEADLINE", detail=f"no answer in {deadline_s:g} s")
        except (adapters.InvalidMsisdn, adapters.UnknownCarrierHint) as exc:
            return CarrierLookup(outcome_code="BAD_SUBSCRIBER", detail=str(exc))
        request = "\n\n".join(e.request for e in outcome.exchanges) or None
        answer = "\n\n".join(e.response or "" for e in outcome.exchanges) or None
        carrier = self._carrier_of(outcome.carriers_tried[-1] if outcome.carriers_tried else None)
        if outcome.fix is None:
            error = outcome.error
            return CarrierLookup(
                outcome_code=type(error).__name__ if error is not None else "UNKNOWN",
                detail=str(error),
                carrier=carrier,
                raw_request=request,
                raw_answer=answer,
            )
        fix = outcome.fix
        try:
            geo_fix = geo.PositionFix(
                fix.lat,
                fix.lon,
                geo.CoordSystem.WGS84,
                max(fix.radius_m, 1.0),
                _SOURCE_BY_METHOD.get(fix.method, geo.FixSource.CARRIER_CELL),
                fix.fix_time,
                stale=fix.stale,
            )
        except geo.GeoError as exc:  # e.g. a radius of 1e308 m: an answer, but not a position
            return CarrierLookup(
                outcome_code="MalformedAnswer",
                detail=f"carrier fix refused: {exc}",
                carrier=self._carrier_of(fix.carrier) or carrier,
                raw_request=request,
                raw_answer=answer,
            )
        return CarrierLookup(
            outcome_code="OK",
            detail=f"{fix.method.value} fix, radius {fix.radius_m:.0f} m",
            fix=geo_fix,
            carrier=self._carrier_of(fix.carrier) or carrier,
            raw_request=request,
            raw_answer=answer,
        )

    def _carrier_of(self, carrier_id: str | None) -> Carrier | None:
        for carrier, configured in self._carrier_ids.items():
            if configured == carrier_id:
                return carrier
        return None
