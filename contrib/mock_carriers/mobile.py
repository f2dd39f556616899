"""Mock China Mobile ``service.asmx`` (document/literal, SOAP 1.1 and 1.2 ports)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from importlib.resources import files
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from lxml import etree
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from geo import Wgs84, from_wgs84

from .common import (
    LAUGHS_DOC,
    XXE_DOC,
    control_routes,
    delay,
    finish,
    hostile_response,
    parse_request_xml,
    redirect_response,
    wsdl_with_address,
)
from .state import CarrierState, mobile_state

if TYPE_CHECKING:
    from starlette.requests import Request

PATH = "/websrvzjdw/service.asmx"
WSDL_ADDRESS = "http://cm-lbs.example/websrvzjdw/service.asmx"
TEMPURI = "http://tempuri.org/"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
BEIJING = timezone(timedelta(hours=8))
DESCRIPTIONS = {
    1001: "鉴权失败",
    1002: "请求格式错误",
    2001: "非本网用户",
    2002: "用户未授权定位",
    3001: "用户关机或不在服务区",
    3002: "定位失败",
    3003: "定位超时",
    3004: "精度无法满足",
    4001: "系统繁忙，请稍后重试",
    9999: "系统错误",
}


def _envelope(inner: str, *, soap12: bool, namespace: str = TEMPURI) -> str:
    env = SOAP12 if soap12 else SOAP11
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<soap:Envelope xmlns:soap="{env}"><soap:Body>'
        f'<GetAddressResponse xmlns="{namespace}"><GetAddressResult>{escape(inner)}'
        "</GetAddressResult></GetAddressResponse></soap:Body></soap:Envelope>"
    )


def _fault(*, soap12: bool) -> str:
    if soap12:
        return (
            '<?xml version="1.0" encoding="utf-8"?>'
            f'<soap:Envelope xmlns:soap="{SOAP12}"><soap:Body>'
            "<soap:Fault><soap:Code><soap:Value>soap:Receiver</soap:Value></soap:Code>"
            '<soap:Reason><soap:Text xml:lang="en">Server was unable to process request. '
            "---&gt; The operation has timed out</soap:Text></soap:Reason></soap:Fault>"
            "</soap:Body></soap:Envelope>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP11}"><soap:Body>'
        "<soap:Fault><faultcode>soap:Server</faultcode><faultstring>Server was unable to "
        "process request. ---&gt; The operation has timed out</faultstring></soap:Fault>"
        "</soap:Body></soap:Envelope>"
    )


def _result(code: int, msisdn: str, extra: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="gb2312"?><LocResponse version="1.0">'
        f"<ResultCode>{code}</ResultCode><ResultDesc>{DESCRIPTIONS.get(code, '错误')}</ResultDesc>"
        f"<Msisdn>{msisdn}</Msisdn>{extra}</LocResponse>"
    )


def _position(state: CarrierState, msisdn: str, *, age: timedelta) -> str:
    behaviour = state.behaviour
    radius_m = 180 if behaviour.method == "CELL" else 25
    lat, lon = state.position_of(msisdn, radius_m)
    if behaviour.coord_sys == "GCJ02":
        shifted = from_wgs84(Wgs84(lat, lon), "GCJ02")
        lat, lon = shifted.lat, shifted.lon
    when = (datetime.now(BEIJING) - age).isoformat(timespec="seconds")
    return (
        f"<Longitude>{lon:.6f}</Longitude><Latitude>{lat:.6f}</Latitude>"
        f"<Radius>{radius_m}</Radius><CoordSys>{behaviour.coord_sys}</CoordSys>"
        f"<LocMethod>{'CELL' if behaviour.method == 'CELL' else 'AGPS'}</LocMethod>"
        f"<LocTime>{when}</LocTime>"
    )


def mobile_app(state: CarrierState | None = None) -> Starlette:
    """Build the Mobile mock; ``app.state.carrier`` is the :class:`CarrierState`."""
    carrier = state or mobile_state()
    wsdl = files("adapters.mobile_ws").joinpath("service.wsdl").read_bytes()

    async def endpoint(request: Request) -> Response:
        if request.method == "GET":
            address = str(request.url.replace(query="", fragment=""))
            return Response(wsdl_with_address(wsdl, WSDL_ADDRESS, address), media_type="text/xml")
        carrier.count_request()
        soap12 = request.headers.get("content-type", "").startswith("application/soap+xml")
        content_type = ("application/soap+xml" if soap12 else "text/xml") + "; charset=utf-8"
        body = await request.body()
        await delay(carrier)
        behaviour = carrier.behaviour
        hostile = hostile_response(behaviour.mode, content_type)
        if hostile is not None:
            return hostile
        if behaviour.mode == "redirect":
            return redirect_response(carrier, request)
        if behaviour.mode == "fault":
            return Response(_fault(soap12=soap12), status_code=500, media_type=content_type)
        try:
            envelope = parse_request_xml(body)
            xml = envelope.find(
                f"{{{SOAP12 if soap12 else SOAP11}}}Body/{{{TEMPURI}}}GetAddress/{{{TEMPURI}}}xml"
            )
            if xml is None or not xml.text:
                raise ValueError("no xml argument")
            loc = parse_request_xml(xml.text.encode("utf-8"))
        except (etree.XMLSyntaxError, ValueError):
            return Response(_fault(soap12=soap12), status_code=500, media_type=content_type)
        msisdn = loc.findtext("Msisdn") or ""
        if (loc.findtext("Auth/AppId"), loc.findtext("Auth/Password")) != (
            carrier.app_id,
            carrier.password,
        ):
            inner = _result(1001, msisdn)
        elif not carrier.serves(msisdn):
            inner = _result(2001, msisdn)
        elif behaviour.mode == "code" and behaviour.code == 3001:
            last = _position(carrier, msisdn, age=timedelta(hours=2, minutes=17))
            inner = _result(3001, msisdn, f"<LastKnown>{last}</LastKnown>")
        elif behaviour.mode == "code" and behaviour.code == 4001:
            inner = _result(4001, msisdn, "<RetryAfter>1</RetryAfter>")
        elif behaviour.mode == "code":
            inner = _result(behaviour.code, msisdn)
        elif behaviour.mode == "xxe":
            inner = XXE_DOC.format(root="LocResponse")
        elif behaviour.mode == "billion_laughs":
            inner = LAUGHS_DOC.format(root="LocResponse")
        elif behaviour.mode == "empty":
            inner = ""
        else:
            age = timedelta(minutes=78) if behaviour.mode == "stale" else timedelta(seconds=2)
            inner = _result(0, msisdn, _position(carrier, msisdn, age=age))
        namespace = "urn:not-tempuri" if behaviour.mode == "wrong_namespace" else TEMPURI
        return finish(_envelope(inner, soap12=soap12, namespace=namespace), content_type, carrier)

    app = Starlette(
        routes=[Route(PATH, endpoint, methods=["GET", "POST"]), *control_routes(carrier)]
    )
    app.state.carrier = carrier
    return app
