"""Evidence of each carrier exchange, masked before it is ever stored.

R3.4 keeps the carrier's raw answer with every verdict, but the raw request carries the
account password and both carry the subscriber's number; only the last four digits of the
number and no secret may survive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from .msisdn import Msisdn

__all__ = ["MAX_EVIDENCE_CHARS", "Exchange", "mask_text"]

MAX_EVIDENCE_CHARS = 64 * 1024
_MASK = "***"
# Password-bearing elements, raw and XML-escaped (inner documents travel escaped).
_SECRET_ELEMENTS = ("pwd", "Password", "password", "passwd", "AppSecret")
_SECRET_PATTERNS = tuple(
    re.compile(pattern)
    for name in _SECRET_ELEMENTS
    for pattern in (
        rf"(<(?:\w+:)?{name}\b[^>]*>)[^<]*(</(?:\w+:)?{name}>)",
        rf"(&lt;(?:\w+:)?{name}\b.*?&gt;).*?(&lt;/(?:\w+:)?{name}&gt;)",
    )
)


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP exchange with a carrier, masked.

    Parameters
    ----------
    carrier : str
        Configured carrier id.
    endpoint : str
        URL posted to.
    started_at : datetime
        Wall-clock time the request left (UTC).
    elapsed_s : float
        Time until the answer was read or the attempt gave up.
    request : str
        The SOAP envelope as sent, masked.
    response : str or None
        The HTTP body as received, masked and truncated to ``MAX_EVIDENCE_CHARS``; None
        when nothing came back (timeout, refused connection).
    http_status : int or None
        HTTP status, None when nothing came back.
    """

    carrier: str
    endpoint: str
    started_at: datetime
    elapsed_s: float
    request: str
    response: str | None
    http_status: int | None


def mask_text(text: str, *, msisdn: Msisdn, secrets: Iterable[str] = ()) -> str:
    """Hide passwords and all but the last four digits of the subscriber number.

    Both the raw and the XML-escaped spelling of each secret are replaced, because the inner
    document appears escaped inside the envelope.

    Examples
    --------
    >>> from adapters.msisdn import Msisdn
    >>> mask_text("<pwd>s3cret</pwd><msid>8613812345678</msid>",
    ...           msisdn=Msisdn("13812345678"), secrets=["s3cret"])
    '<pwd>***</pwd><msid>86*******5678</msid>'
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, _MASK).replace(escape(secret), _MASK)
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(rf"\g<1>{_MASK}\g<2>", text)
    return text.replace(msisdn.national, msisdn.masked)


def truncate(text: str, limit: int = MAX_EVIDENCE_CHARS) -> str:
    """Cap evidence size; a hostile 50 MB answer must not be stored whole."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n... [{len(text) - limit} characters truncated]"
