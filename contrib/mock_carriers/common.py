"""Pieces both mock carriers share: hostile bodies, latency, hangs, control endpoints."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from lxml import etree
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .state import Behaviour

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from starlette.requests import Request

    from .state import CarrierState

HANG_MAX_S = 600.0
REDIRECTED_PATH = "/_mock/redirected"  # where "redirect" answers point by default (a trap)
SAFE_PARSER_ARGS = {"resolve_entities": False, "no_network": True, "load_dtd": False}

XXE_DOC = (
    '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    "<{root}>&xxe;</{root}>"
)
LAUGHS_DOC = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>\n<{root}>&lol9;</{root}>"
)


def parse_request_xml(data: bytes) -> etree._Element:
    """Parse an incoming envelope or inner document without entities or network."""
    return etree.fromstring(data, etree.XMLParser(**SAFE_PARSER_ARGS))  # type: ignore[arg-type]


async def delay(state: CarrierState) -> None:
    """Apply the configured latency, or hang until the server is released."""
    behaviour = state.behaviour
    if behaviour.latency_s:
        await asyncio.sleep(behaviour.latency_s)
    if behaviour.mode == "hang":
        waited = 0.0
        while not state.released.is_set() and waited < HANG_MAX_S:
            await asyncio.sleep(0.05)
            waited += 0.05


def hostile_response(mode: str, content_type: str) -> Response | None:
    """Bodies that are broken on the SOAP level (inner-document attacks are per carrier)."""
    if mode == "html":
        html = (
            "<html><head><title>503</title></head><body><h1>Service Unavailable</h1></body></html>"
        )
        return Response(html, status_code=503, media_type="text/html")
    if mode == "huge":
        return StreamingResponse(_huge_body(), media_type=content_type)
    if mode == "truncated":
        return Response(
            '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://sch', media_type=content_type
        )
    if mode == "drip":
        return StreamingResponse(_drip_body(), media_type=content_type)
    return None


async def _huge_body() -> AsyncIterator[bytes]:
    chunk = b"<x>" + b"A" * (1024 * 1024 - 7) + b"</x>"
    yield b'<?xml version="1.0"?><Envelope>'
    for _ in range(50):
        yield chunk
    yield b"</Envelope>"


async def _drip_body() -> AsyncIterator[bytes]:
    for byte in b'<?xml version="1.0"?><Envelope>' + b" " * 10_000:
        yield bytes([byte])
        await asyncio.sleep(0.2)


def redirect_response(state: CarrierState, request: Request) -> Response:
    """HTTP 307 (the method and body must be re-sent) to ``redirect_to`` or our trap route."""
    target = state.behaviour.redirect_to or str(request.base_url).rstrip("/") + REDIRECTED_PATH
    return Response(b"", status_code=307, headers={"Location": target})


def finish(envelope: str, content_type: str, state: CarrierState) -> Response:
    """The answer as the current mode sends it: plain, GB2312-encoded or trickled."""
    mode = state.behaviour.mode
    if mode == "gb2312":
        declared = envelope.replace('encoding="UTF-8"', 'encoding="gb2312"', 1).replace(
            'encoding="utf-8"', 'encoding="gb2312"', 1
        )
        media_type = content_type.replace("utf-8", "gb2312")
        return Response(declared.encode("gb2312"), media_type=media_type)
    body = envelope.encode("utf-8")
    if mode == "trickle":
        return StreamingResponse(
            _trickle_body(body, state),
            media_type=content_type,
            headers={"Content-Length": str(len(body))},  # not chunked: one long read
        )
    return Response(body, media_type=content_type)


async def _trickle_body(body: bytes, state: CarrierState) -> AsyncIterator[bytes]:
    for index in range(len(body)):
        if state.released.is_set():  # shutting down: finish the answer at once, framed
            yield body[index:]
            return
        await asyncio.sleep(state.behaviour.trickle_interval_s)
        yield body[index : index + 1]


def control_routes(state: CarrierState) -> list[Route]:
    """``/_mock/behaviour`` and ``/_mock/phones/{msisdn}`` for demos and manual tests."""

    async def behaviour(request: Request) -> Response:
        if request.method == "POST":
            try:
                state.behaviour = Behaviour(**(await request.json()))
            except (TypeError, ValueError) as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
        b = state.behaviour
        return JSONResponse(
            {
                "mode": b.mode,
                "code": b.code,
                "latency_s": b.latency_s,
                "method": b.method,
                "coord_sys": b.coord_sys,
                "trickle_interval_s": b.trickle_interval_s,
                "redirect_to": b.redirect_to,
                "requests_seen": state.requests_seen,
                "redirected_seen": state.redirected_seen,
            }
        )

    async def redirected(request: Request) -> Response:
        state.count_redirected()
        return Response("followed a redirect: the envelope left its origin", status_code=418)

    async def phone(request: Request) -> Response:
        msisdn = request.path_params["msisdn"][-11:]
        try:
            body = await request.json()
            lat, lon = float(body["lat"]), float(body["lon"])
        except (KeyError, TypeError, ValueError) as exc:
            return JSONResponse({"error": f"need lat and lon: {exc}"}, status_code=400)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return JSONResponse({"error": "lat/lon out of range"}, status_code=400)
        state.phones[msisdn] = (lat, lon)
        return JSONResponse({"msisdn": msisdn, "lat": lat, "lon": lon})

    return [
        Route("/_mock/behaviour", behaviour, methods=["GET", "POST"]),
        Route("/_mock/phones/{msisdn}", phone, methods=["PUT"]),
        Route(REDIRECTED_PATH, redirected, methods=["GET", "POST"]),
    ]


def wsdl_with_address(wsdl: bytes, placeholder: str, address: str) -> bytes:
    """The packaged WSDL with its ``soap:address`` pointing at this server."""
    return wsdl.replace(placeholder.encode(), address.encode())
