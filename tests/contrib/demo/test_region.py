"""The region file ``make run`` writes for the mock carriers' ports, and the address it prints."""

from __future__ import annotations

import tomllib
from typing import TYPE_CHECKING

import pytest

from contrib.demo.region import TEMPLATE, region_toml
from contrib.demo.run import url_host

if TYPE_CHECKING:
    from pathlib import Path


def test_only_the_endpoints_ports_change() -> None:
    written = tomllib.loads(region_toml(telecom_port=9701, mobile_port=9702))
    template = tomllib.loads(TEMPLATE.read_text(encoding="utf-8"))
    assert written["carriers"]["telecom"]["endpoint"] == (
        "http://127.0.0.1:9701/saye/services/Location"
    )
    assert written["carriers"]["mobile"]["endpoint"] == (
        "http://127.0.0.1:9702/websrvzjdw/service.asmx"
    )
    for carrier in ("telecom", "mobile"):
        del written["carriers"][carrier]["endpoint"], template["carriers"][carrier]["endpoint"]
    assert written == template


def test_a_template_naming_an_endpoint_twice_is_refused(tmp_path: Path) -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    twice = tmp_path / "region.toml"
    twice.write_text(text + '\n# old: "http://127.0.0.1:8701/saye/services/Location"\n')
    with pytest.raises(ValueError, match="telecom endpoint must appear exactly once"):
        region_toml(telecom_port=9701, mobile_port=9702, template=twice)


@pytest.mark.parametrize(
    ("bound", "reached"),
    [("0.0.0.0", "127.0.0.1"), ("::", "[::1]"), ("::1", "[::1]"), ("10.1.2.3", "10.1.2.3")],
)
def test_a_wildcard_bind_is_printed_as_loopback(bound: str, reached: str) -> None:
    assert url_host(bound) == reached
