"""The load generator's lean HTTP/1.1 client checks every answer it is given."""

from __future__ import annotations

import asyncio
import gzip
import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contrib.bench._wire import Connection, WireError, graphql_body
from contrib.mock_carriers.lean import serve_lean

TOKEN = "t0ken"


async def _graphql(request: Request) -> Response:
    body = await request.json()
    if request.headers.get("authorization") != f"Bearer {TOKEN}":
        return Response("no", status_code=401)
    query = body["query"]
    if query == "errors":
        answer: dict[str, object] = {"data": None, "errors": [{"message": "boom"}]}
    elif query == "big":
        answer = {"data": {"rows": ["x" * 50] * 100}}
    else:
        answer = {"data": {"echo": body["variables"]}}
    raw = json.dumps(answer).encode()
    if query == "big" and "gzip" in request.headers.get("accept-encoding", ""):
        return Response(gzip.compress(raw), headers={"Content-Encoding": "gzip"})
    return Response(raw, media_type="application/json")


async def _round_trips(port: int, token: str) -> list[object]:
    client = Connection("127.0.0.1", port, token)
    outcomes: list[object] = []
    try:
        for query in ("echo", "big", "errors", "echo"):
            try:
                outcomes.append(await client.post(graphql_body(query, {"n": 1})))
            except WireError as exc:
                outcomes.append(exc)
    finally:
        await client.close()
    return outcomes


def _run(token: str) -> list[object]:
    async def main() -> list[object]:
        app = Starlette(routes=[Route("/graphql", _graphql, methods=["POST"])])
        server = await serve_lean(app, "127.0.0.1", 0)
        try:
            return await _round_trips(server.sockets[0].getsockname()[1], token)
        finally:
            server.close()
            await server.wait_closed()

    return asyncio.run(main())


def test_answers_are_decoded_and_errors_raised_on_one_kept_alive_connection() -> None:
    """Data comes back (gzip too); GraphQL errors raise; the next request still works."""
    echo, big, errors, again = _run(TOKEN)
    assert echo == {"echo": {"n": 1}}
    assert big == {"rows": ["x" * 50] * 100}
    assert isinstance(errors, WireError)
    assert "boom" in str(errors)
    assert again == {"echo": {"n": 1}}


def test_a_non_200_answer_is_an_error() -> None:
    """HTTP 401 (not JSON) is reported, never taken for data."""
    outcomes = _run("wrong")
    assert all(isinstance(o, WireError) for o in outcomes)
