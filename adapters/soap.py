"""SOAP plumbing shared by the carrier adapters: offline WSDLs, bounded posts, error mapping.

zeep builds the envelope and parses the reply; the HTTP exchange in between is ours, so that
every post has a finite connect/read timeout, the whole exchange (headers and body, byte by
byte) ends at the attempt's deadline, the body is read under a size cap, a redirect is
evidence rather than a second post, and the exact bytes on the wire are kept as evidence.
Every zeep, requests and lxml exception is translated here into :mod:`adapters.errors`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
import zeep
import zeep.exceptions
from lxml import etree
from zeep.wsdl.bindings.soap import Soap12Binding

from .config import ConfigError
from .errors import (
    BadRequest,
    CarrierError,
    CarrierTimeout,
    CarrierUnavailable,
    MalformedAnswer,
)
from .evidence import Exchange, mask_text, truncate
from .provider import Attempt
from .transport import Watch, carrier_session, deadline_watch

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from .fix import PositionFix
    from .msisdn import Msisdn
    from .provider import AttemptBudget

__all__ = ["FaultMapper", "SoapEndpoint", "SoapReply", "carrier_session", "load_wsdl_client"]

FaultMapper = Callable[[str, str, "etree._Element | None"], "CarrierError | None"]
"""Adapter hook: (fault code, fault string, detail element) → a typed error, or None for the
default mapping (:class:`CarrierUnavailable`). Services that put business errors in SOAP
faults (Parlay X) use it."""

_RETRYABLE_STATUS = frozenset({502, 503, 504})
_CHUNK_BYTES = 64 * 1024


class _OfflineTransport(zeep.Transport):
    """Serves WSDL/XSD from disk or packaged bytes; refuses any remote schema fetch."""

    def __init__(self, documents: Mapping[str, bytes]) -> None:
        super().__init__(cache=None, timeout=5, operation_timeout=(1, 1))  # type: ignore[no-untyped-call]
        self._documents = dict(documents)

    def load(self, url: str) -> bytes:
        if url in self._documents:
            return self._documents[url]
        if urlsplit(url).scheme in ("http", "https"):
            raise ConfigError(f"WSDL refers to remote document {url}; ship it with the package")
        return bytes(Path(url.removeprefix("file://")).read_bytes())


class _AnswerElementCheck(zeep.Plugin):
    """Refuse a reply whose body element is not the operation's response element.

    zeep matches rpc replies by position and ignores the wrapper's namespace, so an answer
    from another service (or a misrouted one) would otherwise pass. Runs on zeep's own
    parse of the envelope (ingress), so nothing is parsed twice.
    """

    def ingress(
        self, envelope: etree._Element, http_headers: dict[str, str], operation: Any
    ) -> tuple[etree._Element, dict[str, str]]:
        if _local(envelope.tag) != "Envelope":
            return envelope, http_headers  # not SOAP at all: zeep's own checks decide
        body = next((child for child in envelope if _local(child.tag) == "Body"), None)
        element = None if body is None or len(body) == 0 else body[0]
        found = None if element is None else element.tag
        expected = str(operation.output.body.qname)
        if found != expected and (found is None or _local(found) != "Fault"):
            raise MalformedAnswer(f"SOAP body holds {found!r}, expected {expected!r}")
        return envelope, http_headers


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def load_wsdl_client(wsdl: Path, *, documents: Mapping[str, bytes] | None = None) -> Any:
    """Build a zeep client from a packaged WSDL without touching the network.

    Parameters
    ----------
    wsdl : Path
        The WSDL file shipped in the adapter package.
    documents : mapping, optional
        URL → bytes for schemas the WSDL imports implicitly (zeep auto-imports the SOAP
        encoding schema for ``soapenc:`` types).

    Raises
    ------
    ConfigError
        The WSDL cannot be read or parsed.
    """
    settings = zeep.Settings(
        strict=True,
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
        xml_huge_tree=False,
    )
    try:
        return zeep.Client(  # type: ignore[no-untyped-call]
            str(wsdl),
            transport=_OfflineTransport(documents or {}),
            settings=settings,
            plugins=[_AnswerElementCheck()],
        )
    except (OSError, zeep.exceptions.Error, etree.LxmlError) as exc:
        raise ConfigError(f"cannot load WSDL {wsdl.name}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class SoapReply:
    """The operation's return value, or the typed error that replaced it, with evidence."""

    value: object
    error: CarrierError | None
    exchange: Exchange


class SoapEndpoint:
    """One operation of one WSDL port, posted to a configured address.

    Thread-safe: the zeep client is only used to build envelopes and parse replies; each
    call carries its own timeouts (zeep's transport-level timeout is shared state and
    defaults to waiting forever).
    """

    def __init__(
        self,
        *,
        carrier_id: str,
        client: Any,
        service_name: str,
        port_name: str,
        operation: str,
        address: str,
        session: requests.Session,
        max_body_bytes: int,
        fault_mapper: FaultMapper | None = None,
    ) -> None:
        self.carrier_id = carrier_id
        self._fault_mapper = fault_mapper
        self.address = address
        self._client = client
        self._operation = operation
        self._session = session
        self._max_body_bytes = max_body_bytes
        try:
            self._proxy = client.bind(service_name, port_name)
            self._binding = self._proxy._binding
            self._binding_operation = self._binding.get(operation)
        except (zeep.exceptions.Error, ValueError, KeyError, AttributeError) as exc:
            raise ConfigError(f"WSDL has no {service_name}/{port_name}.{operation}: {exc}") from exc
        action = self._binding_operation.soapaction or ""
        if isinstance(self._binding, Soap12Binding):
            self.soap_version = "1.2"
            content_type = f'application/soap+xml; charset=utf-8; action="{action}"'
            self._headers = {"Content-Type": content_type}
        else:
            self.soap_version = "1.1"
            self._headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{action}"'}

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._session.close()

    def envelope(self, *args: object, **kwargs: object) -> etree._Element:
        """Build the request envelope (an lxml element adapters may still decorate).

        Raises
        ------
        BadRequest
            The arguments do not fit the WSDL (a bug in the adapter, not the carrier's).
        """
        try:
            element: etree._Element = self._client.create_message(
                self._proxy, self._operation, *args, **kwargs
            )
        except (zeep.exceptions.Error, TypeError, ValueError) as exc:
            raise BadRequest(
                f"cannot build {self._operation} request: {_short(exc)}", carrier=self.carrier_id
            ) from exc
        return element

    def call(
        self,
        envelope: etree._Element,
        budget: AttemptBudget,
        *,
        msisdn: Msisdn,
        secrets: Iterable[str],
    ) -> SoapReply:
        """Post the envelope within the budget and parse the reply; never raises."""
        body = etree.tostring(envelope, encoding="utf-8", xml_declaration=True)
        started_at = datetime.now(UTC)
        started = time.monotonic()
        response: requests.Response | None = None
        received: bytes | None = None
        value: object = None
        error: CarrierError | None = None
        try:
            response, received = self._post(body, budget)
            value = self._parse(response)
        except CarrierError as exc:
            exc.carrier = self.carrier_id
            error = exc
        secret_list = tuple(secrets)
        exchange = Exchange(
            carrier=self.carrier_id,
            endpoint=self.address,
            started_at=started_at,
            elapsed_s=time.monotonic() - started,
            request=mask_text(body.decode("utf-8"), msisdn=msisdn, secrets=secret_list),
            response=None
            if received is None
            else truncate(
                mask_text(
                    received.decode("utf-8", errors="replace"), msisdn=msisdn, secrets=secret_list
                )
            ),
            http_status=None if response is None else response.status_code,
        )
        return SoapReply(value=value, error=error, exchange=exchange)

    def attempt(
        self,
        envelope: etree._Element,
        budget: AttemptBudget,
        *,
        msisdn: Msisdn,
        secrets: Iterable[str],
        parse: Callable[[object], PositionFix],
    ) -> Attempt:
        """Post, then read the answer with ``parse``: a fix or a typed error, with evidence."""
        reply = self.call(envelope, budget, msisdn=msisdn, secrets=secrets)
        if reply.error is not None:
            return Attempt(reply.error, reply.exchange)
        try:
            fix = parse(reply.value)
        except CarrierError as exc:
            exc.carrier = self.carrier_id
            return Attempt(exc, reply.exchange)
        except (ValueError, ArithmeticError, LookupError, TypeError, AttributeError) as exc:
            # a mapper tripped over an answer it should have refused: still a bad answer,
            # with its evidence, and never an exception out of the adapter
            error = MalformedAnswer(
                f"answer could not be read ({type(exc).__name__})", carrier=self.carrier_id
            )
            return Attempt(error, reply.exchange)
        return Attempt(fix, reply.exchange)

    def _post(self, body: bytes, budget: AttemptBudget) -> tuple[requests.Response, bytes]:
        remaining_s = budget.deadline - time.monotonic()
        if remaining_s <= 0:
            raise CarrierTimeout("no time left in the locate budget")
        timeout = (
            min(budget.connect_timeout_s, remaining_s),
            min(budget.read_timeout_s, remaining_s),
        )
        with deadline_watch(budget.deadline) as watch:
            try:
                response = self._session.post(
                    self.address,
                    data=body,
                    headers=self._headers,
                    timeout=timeout,
                    stream=True,
                    allow_redirects=False,
                )
            except requests.RequestException as exc:
                raise _request_error(exc, watch, timeout) from exc
            try:
                response._content = self._read_capped(response, budget.deadline, watch)
            finally:
                response.close()
            if watch.fired:  # cut at the deadline: whatever arrived is not the answer
                raise CarrierTimeout("answer still arriving at the deadline")
        return response, response.content

    def _read_capped(self, response: requests.Response, deadline: float, watch: Watch) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self._max_body_bytes:
            raise MalformedAnswer(
                f"answer of {declared} bytes exceeds the {self._max_body_bytes}-byte limit"
            )
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            raise MalformedAnswer(f"answer is {encoding[:40]}-encoded; identity was asked for")
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(_CHUNK_BYTES):
                size += len(chunk)
                if size > self._max_body_bytes:
                    raise MalformedAnswer(f"answer exceeds the {self._max_body_bytes}-byte limit")
                if time.monotonic() > deadline:
                    raise CarrierTimeout("answer still arriving at the deadline")
                chunks.append(chunk)
        except requests.RequestException as exc:
            if watch.fired:
                raise CarrierTimeout("answer still arriving at the deadline") from exc
            if _is_read_timeout(exc):
                raise CarrierTimeout("answer stalled mid-body") from exc
            if isinstance(exc, requests.ConnectionError | requests.exceptions.ChunkedEncodingError):
                # a reset, an early close or broken chunking: the connection failed, which
                # the retry policy retries (issue 14); a read timeout above is not retried
                raise CarrierUnavailable(
                    f"connection broke mid-answer: {_short(exc)}", transient=True
                ) from exc
            raise CarrierUnavailable(f"answer could not be read: {_short(exc)}") from exc
        return b"".join(chunks)

    def _parse(self, response: requests.Response) -> object:
        status = response.status_code
        if 300 <= status < 400:
            target = response.headers.get("Location", "")
            raise CarrierUnavailable(
                f"HTTP {status} redirect to {_short_text(target, 200)!r} not followed: the "
                "envelope carries credentials and goes only to the configured endpoint",
                code=f"HTTP {status}",
            )
        try:
            value = self._binding.process_reply(self._client, self._binding_operation, response)
        except zeep.exceptions.Fault as exc:
            code = str(exc.code or "")
            if self._fault_mapper is not None:
                mapped = self._fault_mapper(code, str(exc.message or ""), exc.detail)
                if mapped is not None:
                    raise mapped from exc
            # A non-fault XML/HTML error page comes back as a code-less Fault; a gateway
            # error (502/503/504) is worth the one retry, a real SOAP fault is not.
            raise CarrierUnavailable(
                f"SOAP fault (HTTP {status}): {exc.message}",
                code=code or f"HTTP {status}",
                transient=not code and status in _RETRYABLE_STATUS,
            ) from exc
        except zeep.exceptions.TransportError as exc:
            if status == 200:
                raise MalformedAnswer("HTTP 200 with a body that is not SOAP XML") from exc
            raise CarrierUnavailable(
                f"HTTP {status} without a SOAP envelope",
                code=f"HTTP {status}",
                transient=status in _RETRYABLE_STATUS,
            ) from exc
        except (zeep.exceptions.Error, etree.LxmlError) as exc:
            raise MalformedAnswer(f"SOAP reply rejected: {_short(exc)}") from exc
        except (ValueError, TypeError, AttributeError, LookupError) as exc:
            # zeep can trip over replies it does not expect (python-zeep #1337); an answer
            # we cannot read is a malformed answer, not a crash.
            raise MalformedAnswer(f"SOAP reply could not be read: {_short(exc)}") from exc
        return value


def _request_error(
    exc: requests.RequestException, watch: Watch, timeout: tuple[float, float]
) -> CarrierError:
    """Map a failure before the answer's body (connect, send, status line, headers)."""
    if watch.fired:
        return CarrierTimeout("answer still arriving at the deadline")
    if isinstance(exc, requests.ConnectTimeout):
        return CarrierUnavailable(f"connect timed out after {timeout[0]:.2f} s", transient=True)
    if isinstance(exc, requests.ReadTimeout):
        return CarrierTimeout(f"no answer within {timeout[1]:.2f} s")
    if isinstance(exc, requests.ConnectionError):
        return CarrierUnavailable(f"connection failed: {_short(exc)}", transient=True)
    return CarrierUnavailable(f"HTTP request failed: {_short(exc)}")


def _is_read_timeout(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, urllib3.exceptions.ReadTimeoutError | requests.ReadTimeout):
            return True
        if any(isinstance(a, urllib3.exceptions.ReadTimeoutError) for a in current.args):
            return True
        current = current.__cause__ or current.__context__
    return False


def _short(exc: BaseException, limit: int = 300) -> str:
    return _short_text(str(exc) or type(exc).__name__, limit)


def _short_text(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "..."
