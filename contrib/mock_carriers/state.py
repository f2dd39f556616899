"""Mutable state of one mock carrier: subscribers, demo phones and misbehaviour switches."""

from __future__ import annotations

import math
import random
import threading
from dataclasses import dataclass, field

# Prefixes each carrier issued; ported numbers are listed explicitly.
TELECOM_PREFIXES = ("133", "149", "153", "173", "177", "180", "181", "189", "190", "191", "199")
MOBILE_PREFIXES = (
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "147",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "172",
    "178",
    "182",
    "183",
    "184",
    "187",
    "188",
    "195",
    "197",
    "198",
)
WENZHOU_CENTRE = (27.9938, 120.6994)  # lat, lon (WGS-84)

MODES = (
    "ok",  # answer with a fix near the phone
    "stale",  # answer with a last-known fix 78 minutes old
    "hang",  # never answer (until the server stops)
    "fault",  # SOAP fault, HTTP 500
    "html",  # HTML error page, HTTP 503
    "code",  # answer with result code ``Behaviour.code``
    "xxe",  # inner document with an external entity
    "billion_laughs",  # inner document with nested entities
    "huge",  # 50 MB body
    "truncated",  # envelope cut in the middle
    "wrong_namespace",  # envelope body in a foreign namespace
    "empty",  # empty operation result
    "drip",  # body trickles out one byte every 0.2 s, chunked
    "trickle",  # the real answer, Content-Length declared, one byte per trickle_interval_s
    "redirect",  # HTTP 307 to redirect_to (default: this mock's /_mock/redirected)
    "gb2312",  # the real answer with the whole envelope encoded in GB2312
)


@dataclass(slots=True)
class Behaviour:
    """How the mock answers: switch these from tests or ``POST /_mock/behaviour``."""

    mode: str = "ok"
    code: int = 0
    latency_s: float = 0.0
    method: str = "CELL"  # CELL or GPS
    coord_sys: str = "WGS84"  # datum of Mobile answers: WGS84 or GCJ02
    trickle_interval_s: float = 0.3  # pause before each byte in "trickle" mode
    redirect_to: str = ""  # Location of "redirect" answers; empty: /_mock/redirected here

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if self.method not in ("CELL", "GPS"):
            raise ValueError("method must be CELL or GPS")
        if self.coord_sys not in ("WGS84", "GCJ02"):
            raise ValueError("coord_sys must be WGS84 or GCJ02")
        if not 0 <= self.latency_s <= 600:
            raise ValueError("latency_s must be within [0, 600]")
        if not 0.001 <= self.trickle_interval_s <= 60:
            raise ValueError("trickle_interval_s must be within [0.001, 60]")
        if self.redirect_to and not self.redirect_to.startswith(("http://", "https://")):
            raise ValueError("redirect_to must be an http(s) URL")


@dataclass(slots=True)
class CarrierState:
    """One carrier's world: who it serves, where the phones are, how it misbehaves."""

    prefixes: tuple[str, ...]
    app_id: str = "YC-GIS"
    password: str = "CHANGE-ME"
    behaviour: Behaviour = field(default_factory=Behaviour)
    phones: dict[str, tuple[float, float]] = field(default_factory=dict)
    ported_in: set[str] = field(default_factory=set)
    ported_out: set[str] = field(default_factory=set)
    seed: int = 7
    requests_seen: int = 0
    redirected_seen: int = 0  # requests that followed a "redirect" answer here (never, we hope)
    released: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def serves(self, national: str) -> bool:
        """Is this number one of ours (by prefix or ported in, and not ported out)?"""
        if national in self.ported_out:
            return False
        return national in self.ported_in or national.startswith(self.prefixes)

    def count_request(self) -> None:
        """Count a SOAP request (tests assert retries and single-flight with this)."""
        with self._lock:
            self.requests_seen += 1

    def count_redirected(self) -> None:
        """Count a request that arrived by following one of our redirects."""
        with self._lock:
            self.redirected_seen += 1

    def position_of(self, national: str, radius_m: float) -> tuple[float, float]:
        """The phone's true position plus a realistic error inside ``radius_m``.

        The error is drawn from a 2-D normal whose 68 % circle is the radius, as carriers
        quote radii at roughly one sigma.
        """
        lat, lon = self.phones.get(national, WENZHOU_CENTRE)
        with self._lock:
            north_m = self._rng.gauss(0.0, radius_m / 1.5)
            east_m = self._rng.gauss(0.0, radius_m / 1.5)
        lat += north_m / 111_320.0
        lon += east_m / (111_320.0 * math.cos(math.radians(lat)))
        return lat, lon


def telecom_state(**kwargs: object) -> CarrierState:
    """State for the Telecom mock."""
    return CarrierState(prefixes=TELECOM_PREFIXES, **kwargs)  # type: ignore[arg-type]


def mobile_state(**kwargs: object) -> CarrierState:
    """State for the Mobile mock."""
    return CarrierState(prefixes=MOBILE_PREFIXES, **kwargs)  # type: ignore[arg-type]
