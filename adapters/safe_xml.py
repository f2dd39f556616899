"""Parse the carriers' inner XML documents safely.

zeep protects the SOAP envelope, but the location answer travels as a *string* inside it
and zeep hands that string back unparsed. Here it is parsed with DTDs, entities and network
access off, a size cap, and a check of the root element, so XXE, billion-laughs, oversized
and foreign documents all end as :class:`~adapters.errors.MalformedAnswer`.
"""

from __future__ import annotations

import re

from lxml import etree

from .errors import MalformedAnswer

__all__ = ["MAX_INNER_DOCUMENT_BYTES", "parse_inner_document"]

MAX_INNER_DOCUMENT_BYTES = 256 * 1024
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_DECLARATION_BYTES = re.compile(rb"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parsers are not safe to share between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_inner_document(
    text: str | bytes,
    *,
    root_tag: str,
    max_bytes: int = MAX_INNER_DOCUMENT_BYTES,
) -> etree._Element:
    """Parse one inner answer document and check its root element.

    A ``str`` is already Unicode, so its XML declaration is dropped before parsing (carriers
    declare ``encoding="gb2312"`` on text that is no longer GB2312, and lxml refuses a
    ``str`` with an encoding declaration). ``bytes`` are parsed as sent, honouring the
    declared encoding.

    Parameters
    ----------
    text : str or bytes
        The document as the SOAP layer returned it.
    root_tag : str
        Expected root element, without namespace: a namespaced or different root is foreign.
    max_bytes : int
        Size cap in UTF-8 bytes.

    Raises
    ------
    MalformedAnswer
        Empty, oversized, DTD/entity-bearing, ill-formed or foreign documents.

    Examples
    --------
    >>> parse_inner_document("<LocResponse><ResultCode>0</ResultCode></LocResponse>",
    ...                      root_tag="LocResponse").findtext("ResultCode")
    '0'
    """
    if isinstance(text, str):
        data = _DECLARATION.sub("", text, count=1).encode("utf-8")
    elif isinstance(text, bytes):
        data = text
    else:
        raise MalformedAnswer(f"answer is {type(text).__name__}, not an XML string")
    if not data.strip():
        raise MalformedAnswer("answer document is empty")
    if len(data) > max_bytes:
        raise MalformedAnswer(f"answer document is {len(data)} bytes, limit {max_bytes}")
    if _FORBIDDEN.search(data):
        raise MalformedAnswer("answer document carries a DTD or entity declaration")
    try:
        root = etree.fromstring(data, _parser())
    except (etree.XMLSyntaxError, ValueError, LookupError) as exc:
        # LookupError: an unknown encoding name in the declaration of a bytes document.
        raise MalformedAnswer(f"answer document is not well-formed XML: {exc}") from exc
    if root is None or root.tag != root_tag:
        found = None if root is None else root.tag
        raise MalformedAnswer(f"answer root is {found!r}, expected {root_tag!r}")
    return root


def strip_declaration(text: str) -> str:
    """Drop a leading XML declaration (used when embedding a document in evidence)."""
    return _DECLARATION.sub("", text, count=1)


def strip_declaration_bytes(data: bytes) -> bytes:
    """Bytes variant of :func:`strip_declaration`."""
    return _DECLARATION_BYTES.sub(b"", data, count=1)
