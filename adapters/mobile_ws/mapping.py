"""Pure conversion of a ``LocResponse`` document into a fix or a typed error.

Coordinates may come back in GCJ-02 or BD-09 whatever was asked; they are converted to
WGS-84 with :mod:`geo` (the offset is hundreds of metres, more than a GPS fix's radius).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from geo import Bd09, Gcj02, to_wgs84

from ..errors import (
    BadCredentials,
    BadRequest,
    CarrierBusy,
    CarrierError,
    CarrierUnavailable,
    MalformedAnswer,
    NotPermitted,
    PositioningFailed,
    PositioningTimeout,
    QosNotAttainable,
    SubscriberAbsent,
    UnknownSubscriber,
)
from ..fields import read_code, read_decimal
from ..fix import MAX_RADIUS_M, PositionFix, PositionMethod
from ..safe_xml import parse_inner_document

if TYPE_CHECKING:
    from lxml import etree

    from ..msisdn import Msisdn

__all__ = ["RESULT_CODES", "parse_answer"]

RESULT_CODES: dict[int, type[CarrierError]] = {
    1001: BadCredentials,
    1002: BadRequest,
    2001: UnknownSubscriber,
    2002: NotPermitted,
    3001: SubscriberAbsent,
    3002: PositioningFailed,
    3003: PositioningTimeout,
    3004: QosNotAttainable,
    4001: CarrierBusy,
    9999: CarrierUnavailable,  # system failure, worth one retry
}
_METHODS = {
    "CELL": PositionMethod.CELL,
    "AGPS": PositionMethod.AGPS,
    "A-GPS": PositionMethod.AGPS,
    "GPS": PositionMethod.GPS,
    "WIFI": PositionMethod.WIFI,
}
_BEIJING = timezone(timedelta(hours=8))


def parse_answer(text: object, *, carrier: str, msisdn: Msisdn) -> PositionFix:
    """Map one ``GetAddressResult`` string to a fix.

    Raises
    ------
    CarrierError
        The subtype named by ``ResultCode`` (an absent subscriber carries its stale
        ``LastKnown`` fix), or :class:`MalformedAnswer` for broken, hostile or foreign
        documents and answers about another subscriber.
    """
    if text is None or text == "":
        raise MalformedAnswer("GetAddressResult is empty")
    if not isinstance(text, str):
        raise MalformedAnswer(f"GetAddressResult is {type(text).__name__}, not a string")
    root = parse_inner_document(text, root_tag="LocResponse")
    code = read_code(root.findtext("ResultCode"), "ResultCode")
    code_text = str(code)
    answered = root.findtext("Msisdn")
    if answered and answered.strip() not in (msisdn.national, msisdn.international):
        raise MalformedAnswer("answer is about another subscriber")
    detail = (root.findtext("ResultDesc") or "").strip()
    if code == 0:
        return _fix(root, carrier, stale=False)
    kind = RESULT_CODES.get(code, CarrierUnavailable)
    if kind is SubscriberAbsent:
        last = root.find("LastKnown")
        last_known = _fix(last, carrier, stale=True) if last is not None else None
        raise SubscriberAbsent(detail, code=code_text, last_known=last_known)
    if kind is CarrierBusy:
        raise CarrierBusy(detail, code=code_text, retry_after_s=_retry_after(root))
    if kind is CarrierUnavailable:
        raise CarrierUnavailable(detail, code=code_text, transient=code == 9999)
    raise kind(detail, code=code_text)


def _fix(node: etree._Element, carrier: str, *, stale: bool) -> PositionFix:
    lat = read_decimal(node.findtext("Latitude"), "Latitude", low=-90.0, high=90.0)
    lon = read_decimal(node.findtext("Longitude"), "Longitude", low=-180.0, high=180.0)
    radius_m = read_decimal(node.findtext("Radius"), "Radius", low=0.0, high=MAX_RADIUS_M)
    crs = (node.findtext("CoordSys") or "WGS84").strip().upper()
    try:
        if crs == "GCJ02":
            wgs = to_wgs84(Gcj02(lat, lon))
            lat, lon = wgs.lat, wgs.lon
        elif crs == "BD09":
            wgs = to_wgs84(Bd09(lat, lon))
            lat, lon = wgs.lat, wgs.lon
        elif crs != "WGS84":
            raise MalformedAnswer(f"unknown CoordSys {crs!r}")
        return PositionFix(
            lat=float(lat),
            lon=float(lon),
            radius_m=radius_m,
            method=_METHODS.get(
                (node.findtext("LocMethod") or "").strip().upper(), PositionMethod.UNKNOWN
            ),
            fix_time=_time(node.findtext("LocTime")),
            carrier=carrier,
            stale=stale,
            source_crs=crs,
            address=(node.findtext("Address") or "").strip() or None,
        )
    except ValueError as exc:  # geo's coordinate errors are ValueErrors too
        raise MalformedAnswer(f"impossible fix: {exc}") from exc


def _time(text: str | None) -> datetime:
    try:
        value = datetime.fromisoformat((text or "").strip())
    except ValueError as exc:
        raise MalformedAnswer(f"LocTime {text!r} is not ISO 8601") from exc
    return value if value.tzinfo is not None else value.replace(tzinfo=_BEIJING)


def _retry_after(root: etree._Element) -> float | None:
    text = (root.findtext("RetryAfter") or "").strip()
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 0 <= value <= 3600 else None
