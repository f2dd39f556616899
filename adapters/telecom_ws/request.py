"""Build the MLP ``svc_init/slir`` request document passed as ``GetPosition(in0)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from ..msisdn import Msisdn
    from ..qos import Qos

__all__ = ["LOC_TYPES", "RESP_REQ_TYPES", "build_request"]

MLP_VERSION = "3.1.0"
LOC_TYPES = frozenset({"CURRENT", "LAST", "CURRENT_OR_LAST", "INITIAL"})
RESP_REQ_TYPES = frozenset({"NO_DELAY", "LOW_DELAY", "DELAY_TOL"})


def build_request(
    msisdn: Msisdn,
    qos: Qos,
    *,
    client_id: str,
    password: str,
    service_id: str,
    inner_timer_s: int,
    loc_type: str,
    resp_req: str,
) -> str:
    """Return the ``svc_init`` document as text (lxml escapes every value).

    ``resp_timer`` is the carrier's own positioning timer, set below our HTTP read timeout
    by the caller; ``hor_acc`` and ``max_loc_age`` carry the QoS in metres and seconds.

    Examples
    --------
    >>> from adapters.msisdn import Msisdn
    >>> from adapters.qos import Qos
    >>> doc = build_request(Msisdn("13312345678"), Qos(), client_id="YC", password="p",
    ...                     service_id="S", inner_timer_s=15, loc_type="CURRENT_OR_LAST",
    ...                     resp_req="DELAY_TOL")
    >>> "<resp_timer>15</resp_timer>" in doc and "8613312345678" in doc
    True
    """
    root = etree.Element("svc_init", ver=MLP_VERSION)
    client = etree.SubElement(etree.SubElement(root, "hdr", ver=MLP_VERSION), "client")
    etree.SubElement(client, "id").text = client_id
    etree.SubElement(client, "pwd").text = password
    if service_id:
        etree.SubElement(client, "serviceid").text = service_id
    slir = etree.SubElement(root, "slir", ver=MLP_VERSION, res_type="SYNC")
    msid = etree.SubElement(etree.SubElement(slir, "msids"), "msid", type="MSISDN", enc="ASC")
    msid.text = msisdn.international
    eqop = etree.SubElement(slir, "eqop")
    etree.SubElement(eqop, "resp_req", type=resp_req)
    etree.SubElement(eqop, "resp_timer").text = str(inner_timer_s)
    etree.SubElement(eqop, "hor_acc").text = str(max(1, round(qos.accuracy_m)))
    etree.SubElement(eqop, "max_loc_age").text = str(round(qos.max_age_s))
    ident = etree.SubElement(
        etree.SubElement(etree.SubElement(slir, "geo_info"), "CoordinateReferenceSystem"),
        "Identifier",
    )
    etree.SubElement(ident, "code").text = "4326"
    etree.SubElement(ident, "codeSpace").text = "EPSG"
    etree.SubElement(ident, "edition").text = "6.1"
    etree.SubElement(slir, "loc_type", type=loc_type)
    etree.SubElement(slir, "prio", type="NORMAL")
    return etree.tostring(root, encoding="unicode")
