"""Typed carrier errors: every way a locate can fail, with no vendor type inside.

Each class says two things the resilience layer needs: whether one retry may help
(``transient``) and whether the failure says something about the carrier's health rather
than about the subscriber (``carrier_fault``, which feeds the circuit breaker).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from .fix import PositionFix

__all__ = [
    "BadCredentials",
    "BadRequest",
    "BulkheadFull",
    "CarrierBusy",
    "CarrierError",
    "CarrierTimeout",
    "CarrierUnavailable",
    "CircuitOpen",
    "MalformedAnswer",
    "NotPermitted",
    "PositioningFailed",
    "PositioningTimeout",
    "QosNotAttainable",
    "SubscriberAbsent",
    "UnknownSubscriber",
]


class CarrierError(Exception):
    """A locate failed; ``code`` is the carrier's own result code when there is one."""

    kind: ClassVar[str] = "carrier_error"
    default_transient: ClassVar[bool] = False
    default_carrier_fault: ClassVar[bool] = False

    def __init__(
        self,
        detail: str = "",
        *,
        carrier: str = "",
        code: str = "",
        transient: bool | None = None,
    ) -> None:
        super().__init__(detail or self.kind)
        self.detail = detail or self.kind
        self.carrier = carrier
        self.code = code
        self.transient = self.default_transient if transient is None else transient
        self.carrier_fault = self.default_carrier_fault

    def __str__(self) -> str:
        where = f"{self.carrier}: " if self.carrier else ""
        code = f" [{self.code}]" if self.code else ""
        return f"{where}{self.kind}{code}: {self.detail}"


class UnknownSubscriber(CarrierError):
    """The number is not this carrier's subscriber (it may have been ported)."""

    kind = "unknown_subscriber"


class NotPermitted(CarrierError):
    """The subscriber has not consented to being located by this account."""

    kind = "not_permitted"


class SubscriberAbsent(CarrierError):
    """Handset off or out of coverage; the carrier may add a stale last-known fix."""

    kind = "subscriber_absent"

    def __init__(
        self,
        detail: str = "",
        *,
        carrier: str = "",
        code: str = "",
        last_known: PositionFix | None = None,
    ) -> None:
        super().__init__(detail, carrier=carrier, code=code)
        self.last_known = last_known


class PositioningFailed(CarrierError):
    """The network tried and could not compute a position; one retry may succeed."""

    kind = "positioning_failed"
    default_transient = True


class PositioningTimeout(CarrierError):
    """The carrier's own positioning timer expired and it said so in its answer."""

    kind = "positioning_timeout"
    default_transient = True


class QosNotAttainable(CarrierError):
    """The requested accuracy or age cannot be met; relax the QoS to get a fix."""

    kind = "qos_not_attainable"


class BadRequest(CarrierError):
    """The carrier rejected our request document as malformed (a bug on our side)."""

    kind = "bad_request"


class BadCredentials(CarrierError):
    """The carrier rejected the configured application id or password."""

    kind = "bad_credentials"
    default_carrier_fault = True


class CarrierBusy(CarrierError):
    """Congestion or quota exhausted; ``retry_after_s`` is the carrier's hint if it sent one."""

    kind = "busy"
    default_transient = True
    default_carrier_fault = True

    def __init__(
        self,
        detail: str = "",
        *,
        carrier: str = "",
        code: str = "",
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(detail, carrier=carrier, code=code)
        self.retry_after_s = retry_after_s


class BulkheadFull(CarrierBusy):
    """Our own concurrency limit for this carrier had no free slot within the deadline."""

    kind = "bulkhead_full"
    default_transient = False

    def __init__(self, detail: str = "", *, carrier: str = "") -> None:
        super().__init__(detail, carrier=carrier)
        self.carrier_fault = False


class CarrierUnavailable(CarrierError):
    """Transport failure, HTTP error, SOAP fault or carrier system failure."""

    kind = "unavailable"
    default_carrier_fault = True


class CircuitOpen(CarrierUnavailable):
    """The breaker for this carrier is open: we fail fast instead of calling it."""

    kind = "circuit_open"

    def __init__(self, detail: str = "", *, carrier: str = "") -> None:
        super().__init__(detail, carrier=carrier)
        self.carrier_fault = False


class CarrierTimeout(CarrierUnavailable):
    """No answer within the locate's deadline (the carrier may still be positioning)."""

    kind = "timeout"


class MalformedAnswer(CarrierError):
    """The answer was not a document we can trust: broken, hostile, oversized or foreign."""

    kind = "malformed_answer"
    default_carrier_fault = True
