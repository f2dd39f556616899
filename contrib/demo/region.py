"""The demo region file for the ports the mock carriers actually listen on.

``contrib/mock_carriers/demo_region.toml`` names the default ports (8701/8702); ``make run``
with other ``VISITGIS_MOCK_*_PORT`` writes a copy whose endpoints point at those, so the service
calls the mocks it started rather than whatever holds the defaults.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

TEMPLATE = Path(__file__).resolve().parents[1] / "mock_carriers" / "demo_region.toml"
MOCK_HOST = "127.0.0.1"  # the mocks listen on loopback only, whatever HOST the service takes


def region_toml(*, telecom_port: int, mobile_port: int, template: Path = TEMPLATE) -> str:
    """The template's text with each carrier's endpoint moved to ``MOCK_HOST`` and its port."""
    text = template.read_text(encoding="utf-8")
    carriers = tomllib.loads(text)["carriers"]
    for carrier, port in (("telecom", telecom_port), ("mobile", mobile_port)):
        old = carriers[carrier]["endpoint"]
        new = urlunsplit(urlsplit(old)._replace(netloc=f"{MOCK_HOST}:{port}"))
        if text.count(f'"{old}"') != 1:
            raise ValueError(f"{template}: the {carrier} endpoint must appear exactly once")
        text = text.replace(f'"{old}"', f'"{new}"')
    return text


def write_region(path: Path, *, telecom_port: int, mobile_port: int) -> Path:
    """Write the region file for these ports to ``path`` (its folder is created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        region_toml(telecom_port=telecom_port, mobile_port=mobile_port), encoding="utf-8"
    )
    return path
