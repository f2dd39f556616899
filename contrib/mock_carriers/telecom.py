"""Mock China Telecom ``Location`` service (Axis 1.4 rpc/encoded, MLP inner documents)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from importlib.resources import files
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from lxml import etree
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

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
from .state import CarrierState, telecom_state

if TYPE_CHECKING:
    from starlette.requests import Request

PATH = "/saye/services/Location"
WSDL_ADDRESS = "http://ct-lbs.example:8181/saye/services/Location"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
CT = "text/xml; charset=utf-8"
BEIJING = timezone(timedelta(hours=8))
REQUEST_LEVEL = {
    1: "SYSTEM FAILURE",
    3: "UNAUTHORIZED APPLICATION",
    4: "UNKNOWN SUBSCRIBER",
    101: "CONGESTION IN LOCATION SERVER",
    105: "FORMAT ERROR",
    106: "SYNTAX ERROR",
}
POSITION_LEVEL = {
    5: "ABSENT SUBSCRIBER",
    6: "POSITION METHOD FAILURE",
    7: "TIMEOUT",
    201: "QOP NOT ATTAINABLE",
    202: "POSITIONING NOT ALLOWED",
    203: "CONGESTION IN MOBILE NETWORK",
}
FAULT = f"""<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}"><soapenv:Body><soapenv:Fault>
<faultcode>soapenv:Server.userException</faultcode>
<faultstring>java.net.SocketTimeoutException: Read timed out (GMLC)</faultstring>
</soapenv:Fault></soapenv:Body></soapenv:Envelope>"""


def _dms(value: float, positive: str, negative: str) -> str:
    hemisphere = positive if value >= 0 else negative
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = (value - degrees - minutes / 60) * 3600
    return f"{degrees} {minutes:02d} {seconds:06.3f}{hemisphere}"


def _envelope(inner: str, namespace: str = WSDL_ADDRESS) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<soapenv:Envelope xmlns:soapenv="{SOAP_ENV}" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>'
        "<ns1:GetPositionResponse "
        'soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" '
        f'xmlns:ns1="{namespace}"><GetPositionReturn xsi:type="xsd:string">{escape(inner)}'
        "</GetPositionReturn></ns1:GetPositionResponse></soapenv:Body></soapenv:Envelope>"
    )


def _result(code: int, msid: str) -> str:
    if code in POSITION_LEVEL:
        now = datetime.now(BEIJING).strftime("%Y%m%d%H%M%S")
        return (
            f'<svc_result ver="3.1.0"><slia ver="3.1.0"><pos><msid type="MSISDN">{msid}</msid>'
            f'<poserr><result resid="{code}">{POSITION_LEVEL[code]}</result>'
            f'<time utc_off="+0800">{now}</time></poserr></pos></slia></svc_result>'
        )
    text = REQUEST_LEVEL.get(code, "UNSPECIFIED ERROR")
    return (
        f'<svc_result ver="3.1.0"><slia ver="3.1.0"><result resid="{code}">{text}</result>'
        "</slia></svc_result>"
    )


def _fix(state: CarrierState, msid: str, *, stale: bool) -> str:
    method = state.behaviour.method
    radius_m = 150 if method == "CELL" else 20
    lat, lon = state.position_of(msid[-11:], radius_m)
    when = datetime.now(BEIJING) - (timedelta(minutes=78) if stale else timedelta(seconds=2))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><svc_result ver="3.1.0"><slia ver="3.1.0"><pos>'
        f'<msid type="MSISDN">{msid}</msid><pd><time utc_off="+0800">{when:%Y%m%d%H%M%S}</time>'
        '<shape><CircularArea srsName="www.epsg.org#4326"><coord>'
        f"<X>{_dms(lat, 'N', 'S')}</X><Y>{_dms(lon, 'E', 'W')}</Y></coord>"
        f"<radius>{radius_m}</radius></CircularArea></shape><lev_conf>68</lev_conf></pd>"
        f"<pos_method>{'CELL' if method == 'CELL' else 'A-GPS'}</pos_method>"
        "</pos></slia></svc_result>"
    )


def telecom_app(state: CarrierState | None = None) -> Starlette:
    """Build the Telecom mock; ``app.state.carrier`` is the :class:`CarrierState`."""
    carrier = state or telecom_state()
    wsdl = files("adapters.telecom_ws").joinpath("Location.wsdl").read_bytes()

    async def get_wsdl(request: Request) -> Response:
        address = str(request.url.replace(query="", fragment=""))
        return Response(wsdl_with_address(wsdl, WSDL_ADDRESS, address), media_type=CT)

    async def post(request: Request) -> Response:
        carrier.count_request()
        body = await request.body()
        await delay(carrier)
        behaviour = carrier.behaviour
        hostile = hostile_response(behaviour.mode, CT)
        if hostile is not None:
            return hostile
        if behaviour.mode == "redirect":
            return redirect_response(carrier, request)
        if behaviour.mode == "fault":
            return Response(FAULT, status_code=500, media_type=CT)
        try:
            envelope = parse_request_xml(body)
            in0 = envelope.find(f"{{{SOAP_ENV}}}Body/*/in0")
            if in0 is None or not in0.text:
                raise ValueError("no in0")
            slir = parse_request_xml(in0.text.encode("utf-8"))
        except (etree.XMLSyntaxError, ValueError):
            return Response(_envelope(_result(106, "")), media_type=CT)
        msid = slir.findtext("slir/msids/msid") or ""
        client_id, pwd = slir.findtext("hdr/client/id"), slir.findtext("hdr/client/pwd")
        if (client_id, pwd) != (carrier.app_id, carrier.password):
            return finish(_envelope(_result(3, msid)), CT, carrier)
        if not carrier.serves(msid[-11:]):
            return finish(_envelope(_result(4, msid)), CT, carrier)
        mode = behaviour.mode
        if mode == "code":
            inner = _result(behaviour.code, msid)
        elif mode in ("xxe", "billion_laughs"):
            inner = (XXE_DOC if mode == "xxe" else LAUGHS_DOC).format(root="svc_result")
        elif mode == "empty":
            inner = ""
        else:
            inner = _fix(carrier, msid, stale=mode == "stale")
        namespace = "urn:not-the-wsdl" if behaviour.mode == "wrong_namespace" else WSDL_ADDRESS
        return finish(_envelope(inner, namespace), CT, carrier)

    async def endpoint(request: Request) -> Response:
        if request.method == "GET":
            return await get_wsdl(request)
        return await post(request)

    app = Starlette(
        routes=[Route(PATH, endpoint, methods=["GET", "POST"]), *control_routes(carrier)]
    )
    app.state.carrier = carrier
    return app
