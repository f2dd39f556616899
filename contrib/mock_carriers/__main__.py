"""``python -m contrib.mock_carriers``: serve both mock carriers until interrupted."""

from __future__ import annotations

import argparse
import asyncio

import uvicorn

from .mobile import mobile_app
from .state import mobile_state, telecom_state
from .telecom import telecom_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--telecom-port", type=int, default=8701)
    parser.add_argument("--mobile-port", type=int, default=8702)
    parser.add_argument("--seed", type=int, default=7, help="seed of the position error")
    parser.add_argument("--app-id", default="YC-GIS")
    parser.add_argument("--password", default="CHANGE-ME")
    args = parser.parse_args(argv)
    servers = [
        uvicorn.Server(uvicorn.Config(app, host=args.host, port=port, log_level="info"))
        for app, port in (
            (
                telecom_app(
                    telecom_state(seed=args.seed, app_id=args.app_id, password=args.password)
                ),
                args.telecom_port,
            ),
            (
                mobile_app(
                    mobile_state(seed=args.seed, app_id=args.app_id, password=args.password)
                ),
                args.mobile_port,
            ),
        )
    ]
    print(
        f"telecom: http://{args.host}:{args.telecom_port}/saye/services/Location?wsdl\n"
        f"mobile:  http://{args.host}:{args.mobile_port}/websrvzjdw/service.asmx?wsdl"
    )

    async def serve() -> None:
        await asyncio.gather(*(server.serve() for server in servers))

    asyncio.run(serve())


if __name__ == "__main__":
    main()
