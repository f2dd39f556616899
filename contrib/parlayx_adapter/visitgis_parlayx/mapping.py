"""Pure mapping of Parlay X Terminal Location replies and faults to visitgis types.

Parlay X reports business errors as SOAP faults whose detail carries a ``messageId``
(``SVCxxxx`` service exceptions, ``POLxxxx`` policy exceptions).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from adapters import (
    BadCredentials,
    BadRequest,
    CarrierBusy,
    CarrierError,
    CarrierUnavailable,
    MalformedAnswer,
    NotPermitted,
    PositionFix,
    PositionMethod,
    QosNotAttainable,
    SubscriberAbsent,
    UnknownSubscriber,
)

if TYPE_CHECKING:
    from lxml import etree

__all__ = ["MESSAGE_IDS", "map_fault", "parse_location"]

MESSAGE_IDS: dict[str, type[CarrierError]] = {
    "SVC0001": CarrierUnavailable,  # service error
    "SVC0002": BadRequest,  # invalid input value
    "SVC0004": UnknownSubscriber,  # no valid addresses
    "SVC0200": QosNotAttainable,  # accuracy out of limit
    "POL0001": NotPermitted,  # policy error
    "POL0002": NotPermitted,  # privacy verification failed
    "POL0006": BadRequest,  # groups not allowed
    "POL0230": QosNotAttainable,  # requested accuracy not supported
    "POL0003": CarrierBusy,  # too many addresses / rate limit
    "SVC0901": SubscriberAbsent,  # terminal unreachable (vendor extension, common in GMLCs)
    "POL0900": BadCredentials,  # authentication failed (vendor extension)
}


def map_fault(code: str, message: str, detail: etree._Element | None) -> CarrierError | None:
    """Turn a ServiceException/PolicyException fault into a typed error (None: default)."""
    if detail is None:
        return None
    message_id = ""
    text = message
    for element in detail.iter():
        name = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        if name == "messageId" and element.text:
            message_id = element.text.strip()
        elif name == "text" and element.text:
            text = element.text.strip()
    if not message_id:
        return None
    kind = MESSAGE_IDS.get(message_id, CarrierUnavailable)
    return kind(text or message_id, code=message_id)


def parse_location(result: object, *, carrier: str) -> PositionFix:
    """Map the ``getLocationResponse/result`` object zeep returns to a fix.

    Raises
    ------
    MalformedAnswer
        Missing or impossible values.
    """
    if result is None:
        raise MalformedAnswer("getLocation returned no result")
    try:
        lat = float(getattr(result, "latitude"))  # noqa: B009 - zeep objects, not typed
        lon = float(getattr(result, "longitude"))  # noqa: B009
        accuracy_m = float(getattr(result, "accuracy"))  # noqa: B009
        timestamp = getattr(result, "timestamp")  # noqa: B009
    except (AttributeError, TypeError, ValueError) as exc:
        raise MalformedAnswer(f"LocationInfo incomplete: {exc}") from exc
    if not isinstance(timestamp, datetime):
        raise MalformedAnswer("LocationInfo.timestamp is not a dateTime")
    if timestamp.tzinfo is None:
        timestamp = timestamp.replace(tzinfo=UTC)  # xsd:dateTime without offset: UTC
    if not all(math.isfinite(v) for v in (lat, lon, accuracy_m)):
        raise MalformedAnswer("LocationInfo has non-finite numbers")
    try:
        return PositionFix(
            lat=lat,
            lon=lon,
            radius_m=accuracy_m,
            method=PositionMethod.UNKNOWN,  # Parlay X does not say how the fix was made
            fix_time=timestamp,
            carrier=carrier,
        )
    except ValueError as exc:
        raise MalformedAnswer(f"impossible fix: {exc}") from exc
