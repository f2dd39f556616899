"""Pure conversion of an MLP ``svc_result/slia`` answer into a fix or a typed error.

Result codes follow the table in ``shared/carriers/README.md``; coordinates arrive as
``DD MM SS.sss[NSEW]`` (MLP ``X`` = latitude, ``Y`` = longitude) and times as local
``yyyyMMddHHmmss`` plus ``utc_off``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

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
from ..fields import read_code, read_decimal, read_percent
from ..fix import MAX_RADIUS_M, PositionFix, PositionMethod
from ..safe_xml import parse_inner_document

if TYPE_CHECKING:
    from lxml import etree

    from ..msisdn import Msisdn

__all__ = ["MLP_ERRORS", "parse_answer", "parse_dms", "parse_mlp_time"]

MLP_ERRORS: dict[int, type[CarrierError]] = {
    1: CarrierUnavailable,  # SYSTEM FAILURE (made transient below)
    2: CarrierUnavailable,  # UNSPECIFIED ERROR
    3: BadCredentials,  # UNAUTHORIZED APPLICATION
    4: UnknownSubscriber,
    5: SubscriberAbsent,
    6: PositioningFailed,  # POSITION METHOD FAILURE
    7: PositioningTimeout,
    101: CarrierBusy,  # CONGESTION IN LOCATION SERVER
    104: BadRequest,  # UNSUPPORTED VERSION
    105: BadRequest,  # FORMAT ERROR
    106: BadRequest,  # SYNTAX ERROR
    107: BadRequest,  # PROTOCOL ELEMENT NOT SUPPORTED
    108: BadRequest,  # SERVICE NOT SUPPORTED
    201: QosNotAttainable,
    202: NotPermitted,  # POSITIONING NOT ALLOWED
    203: CarrierBusy,  # CONGESTION IN MOBILE NETWORK
}
_TRANSIENT_SYSTEM_CODES = frozenset({1})
_METHODS = {
    "CELL": PositionMethod.CELL,
    "GPS": PositionMethod.GPS,
    "A-GPS": PositionMethod.AGPS,
    "AGPS": PositionMethod.AGPS,
    "OTDOA": PositionMethod.NETWORK,
    "E-OTD": PositionMethod.NETWORK,
    "U-TDOA": PositionMethod.NETWORK,
    "AFLT": PositionMethod.NETWORK,
    "EFLT": PositionMethod.NETWORK,
}
_DMS = re.compile(r"(\d{1,3})\s+(\d{1,2})\s+(\d{1,2}(?:\.\d{1,20})?)\s*([NSEW])", re.ASCII)
_DECIMAL = re.compile(r"[-+]?\d{1,3}(?:\.\d{1,20})?", re.ASCII)
_UTC_OFF = re.compile(r"([+-])(\d{2}):?(\d{2})", re.ASCII)
_BEIJING = timezone(timedelta(hours=8))


def parse_answer(text: object, *, carrier: str, msisdn: Msisdn) -> PositionFix:
    """Map one ``GetPositionReturn`` string to a fix.

    Raises
    ------
    CarrierError
        The subtype named by the MLP result code, or :class:`MalformedAnswer` when the
        document is broken, hostile, about another subscriber, or missing fields.
    """
    if text is None or text == "":
        raise MalformedAnswer("GetPositionReturn is empty")
    if not isinstance(text, str):
        raise MalformedAnswer(f"GetPositionReturn is {type(text).__name__}, not a string")
    root = parse_inner_document(text, root_tag="svc_result")
    slia = root.find("slia")
    if slia is None:
        raise MalformedAnswer("svc_result has no slia")
    request_error = slia.find("result")
    if request_error is not None:
        raise _error(request_error, slia.findtext("add_info"))
    pos = slia.find("pos")
    if pos is None:
        raise MalformedAnswer("slia has neither pos nor result")
    answered = (pos.findtext("msid") or "").strip()
    if answered not in (msisdn.international, msisdn.national):
        raise MalformedAnswer("answer is about another subscriber")
    poserr = pos.find("poserr")
    if poserr is not None:
        result = poserr.find("result")
        if result is None:
            raise MalformedAnswer("poserr without result")
        raise _error(result, poserr.findtext("add_info"))
    pd = pos.find("pd")
    if pd is None:
        raise MalformedAnswer("pos has neither pd nor poserr")
    return _fix(pd, pos.findtext("pos_method"), carrier)


def _error(result: etree._Element, add_info: str | None) -> CarrierError:
    resid = read_code(result.get("resid"), "result code")
    detail = " - ".join(p.strip() for p in (result.text, add_info) if p and p.strip())
    kind = MLP_ERRORS.get(resid, CarrierUnavailable)
    if kind is CarrierUnavailable:
        return CarrierUnavailable(
            detail, code=str(resid), transient=resid in _TRANSIENT_SYSTEM_CODES
        )
    return kind(detail, code=str(resid))


def _fix(pd: etree._Element, method_text: str | None, carrier: str) -> PositionFix:
    time_el = pd.find("time")
    if time_el is None or not time_el.text:
        raise MalformedAnswer("pd has no time")
    fix_time = parse_mlp_time(time_el.text, time_el.get("utc_off"))
    area = pd.find("shape/CircularArea")
    if area is None:
        raise MalformedAnswer("only CircularArea shapes are supported")
    srs = area.get("srsName", "4326")
    if not srs.endswith("4326"):
        raise MalformedAnswer(f"unsupported spatial reference {srs!r}")
    lat = parse_dms(area.findtext("coord/X"), axis="lat")
    lon = parse_dms(area.findtext("coord/Y"), axis="lon")
    radius_m = read_decimal(area.findtext("radius"), "radius", low=0.0, high=MAX_RADIUS_M)
    confidence = read_percent(pd.findtext("lev_conf"), "lev_conf")
    try:
        return PositionFix(
            lat=lat,
            lon=lon,
            radius_m=radius_m,
            method=_METHODS.get((method_text or "").strip().upper(), PositionMethod.UNKNOWN),
            fix_time=fix_time,
            carrier=carrier,
            source_crs="WGS84",
            confidence_pct=confidence,
        )
    except ValueError as exc:
        raise MalformedAnswer(f"impossible fix: {exc}") from exc


def parse_dms(text: str | None, *, axis: str) -> float:
    """Parse an MLP coordinate (``30 17 14.852N`` or decimal degrees) to signed degrees.

    Examples
    --------
    >>> round(parse_dms("30 17 14.852N", axis="lat"), 6)
    30.287459
    >>> round(parse_dms("120 09 12.874W", axis="lon"), 6)
    -120.153576
    """
    raw = (text or "").strip()
    limit, hemispheres = (90.0, "NS") if axis == "lat" else (180.0, "EW")
    match = _DMS.fullmatch(raw)
    if match:
        degrees, minutes, seconds, hemisphere = match.groups()
        if hemisphere not in hemispheres:
            raise MalformedAnswer(f"{axis} {raw!r} has hemisphere {hemisphere}")
        if int(minutes) >= 60 or float(seconds) >= 60:
            raise MalformedAnswer(f"{axis} {raw!r} has minutes or seconds >= 60")
        value = int(degrees) + int(minutes) / 60 + float(seconds) / 3600
        value = -value if hemisphere in "SW" else value
    elif _DECIMAL.fullmatch(raw):
        value = float(raw)
    else:
        raise MalformedAnswer(f"{axis} {raw!r} is not a coordinate")
    if abs(value) > limit:
        raise MalformedAnswer(f"{axis} {raw!r} is out of range")
    return value


def parse_mlp_time(text: str, utc_off: str | None) -> datetime:
    """Parse MLP ``yyyyMMddHHmmss`` with ``utc_off`` (``+0800``); Beijing time if absent.

    Examples
    --------
    >>> parse_mlp_time("20240318093012", "+0800").isoformat()
    '2024-03-18T09:30:12+08:00'
    """
    try:
        naive = datetime.strptime(text.strip(), "%Y%m%d%H%M%S")
    except ValueError as exc:
        raise MalformedAnswer(f"time {text!r} is not yyyyMMddHHmmss") from exc
    if utc_off is None:
        return naive.replace(tzinfo=_BEIJING)
    match = _UTC_OFF.fullmatch(utc_off.strip())
    if not match:
        raise MalformedAnswer(f"utc_off {utc_off!r} is not +hhmm")
    sign, hours, minutes = match.groups()
    offset = timedelta(hours=int(hours), minutes=int(minutes))
    if offset > timedelta(hours=14):
        raise MalformedAnswer(f"utc_off {utc_off!r} is out of range")
    return naive.replace(tzinfo=timezone(-offset if sign == "-" else offset))
