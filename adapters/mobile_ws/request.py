"""Build the flat ``LocRequest`` document passed as ``GetAddress(xml)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from datetime import datetime

    from ..msisdn import Msisdn
    from ..qos import Qos

__all__ = ["COORD_SYSTEMS", "LOC_TYPES", "build_request"]

LOC_TYPES = frozenset({"AUTO", "CELL", "GPS"})
COORD_SYSTEMS = frozenset({"WGS84", "GCJ02", "BD09"})


def build_request(
    msisdn: Msisdn,
    qos: Qos,
    *,
    app_id: str,
    password: str,
    serial_no: str,
    inner_timer_s: int,
    loc_type: str,
    coord_sys: str,
    requested_at: datetime,
) -> str:
    """Return the ``LocRequest`` document as text.

    ``Timeout`` is the platform's own positioning timer, set below our HTTP read timeout by
    the caller; ``MaxAge`` carries the QoS freshness (0 forces a fresh fix).

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> from adapters.msisdn import Msisdn
    >>> from adapters.qos import Qos
    >>> doc = build_request(Msisdn("13812345678"), Qos(), app_id="YC", password="p",
    ...                     serial_no="YC1", inner_timer_s=40, loc_type="AUTO",
    ...                     coord_sys="WGS84", requested_at=datetime(2024, 3, 18, tzinfo=UTC))
    >>> "<Timeout>40</Timeout>" in doc and "<Msisdn>13812345678</Msisdn>" in doc
    True
    """
    root = etree.Element("LocRequest", version="1.0")
    auth = etree.SubElement(root, "Auth")
    etree.SubElement(auth, "AppId").text = app_id
    etree.SubElement(auth, "Password").text = password
    for name, value in (
        ("SerialNo", serial_no),
        ("Msisdn", msisdn.national),
        ("LocType", loc_type),
        ("CoordSys", coord_sys),
        ("MaxAge", str(round(qos.max_age_s))),
        ("Timeout", str(inner_timer_s)),
        ("ReqTime", requested_at.isoformat(timespec="seconds")),
    ):
        etree.SubElement(root, name).text = value
    return etree.tostring(root, encoding="unicode")
