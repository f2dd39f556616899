"""The Telecom adapter: zeep wiring for ``GetPosition(in0)`` plus the MLP documents."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from ..config import ConfigError
from ..errors import CarrierError
from ..provider import Attempt
from ..soap import SoapEndpoint, carrier_session, load_wsdl_client
from .mapping import parse_answer
from .request import LOC_TYPES, RESP_REQ_TYPES, build_request

if TYPE_CHECKING:
    from ..config import CarrierConfig
    from ..msisdn import Msisdn
    from ..provider import AttemptBudget
    from ..qos import Qos

__all__ = ["TelecomWsProvider"]

SOAPENC_NS = "http://schemas.xmlsoap.org/soap/encoding/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SOAP11_ENV_NS = "http://schemas.xmlsoap.org/soap/envelope/"


def _package_file(name: str) -> Path:
    return Path(str(files(__package__).joinpath(name)))


class TelecomWsProvider:
    """China Telecom location over Axis rpc/encoded SOAP.

    Build with :meth:`from_config`. The WSDL ships in this package, the ``soapenc`` schema
    zeep would fetch from the internet is served from the package too, and the endpoint is
    the configured one.

    Options (``[carriers.<id>.options]``): ``service_id`` (MLP ``serviceid``), ``loc_type``
    (``CURRENT_OR_LAST`` by default), ``resp_req`` (``DELAY_TOL``).
    """

    def __init__(
        self,
        cfg: CarrierConfig,
        endpoint: SoapEndpoint,
        string_type: Any,
        *,
        service_id: str,
        loc_type: str,
        resp_req: str,
    ) -> None:
        self._cfg = cfg
        self._endpoint = endpoint
        self._string_type = string_type
        self._service_id = service_id
        self._loc_type = loc_type
        self._resp_req = resp_req

    @classmethod
    def from_config(cls, cfg: CarrierConfig) -> TelecomWsProvider:
        """Load the packaged WSDL and bind it to the configured endpoint.

        Raises
        ------
        ConfigError
            Missing credentials or invalid options.
        """
        if not cfg.app_id or cfg.password is None:
            raise ConfigError(f"carriers.{cfg.id}: telecom_ws needs app_id and a password")
        loc_type = str(cfg.option("loc_type", "CURRENT_OR_LAST"))
        resp_req = str(cfg.option("resp_req", "DELAY_TOL"))
        if loc_type not in LOC_TYPES:
            raise ConfigError(
                f"carriers.{cfg.id}.options.loc_type must be one of {sorted(LOC_TYPES)}"
            )
        if resp_req not in RESP_REQ_TYPES:
            raise ConfigError(
                f"carriers.{cfg.id}.options.resp_req must be one of {sorted(RESP_REQ_TYPES)}"
            )
        client = load_wsdl_client(
            _package_file("Location.wsdl"),
            documents={SOAPENC_NS: _package_file("soap-encoding-min.xsd").read_bytes()},
        )
        endpoint = SoapEndpoint(
            carrier_id=cfg.id,
            client=client,
            service_name="LocationService",
            port_name="Location",
            operation="GetPosition",
            address=cfg.endpoint,
            session=carrier_session(cfg.max_concurrent),
            max_body_bytes=cfg.max_body_bytes,
        )
        # soapenc:string is a complexType in zeep: a plain str containing "id" breaks it
        # (python-zeep #757), so the argument is always wrapped in its declared type.
        string_type = client.get_type(f"{{{SOAPENC_NS}}}string")
        return cls(
            cfg,
            endpoint,
            string_type,
            service_id=str(cfg.option("service_id", "")),
            loc_type=loc_type,
            resp_req=resp_req,
        )

    @property
    def carrier_id(self) -> str:
        """Configured carrier id."""
        return self._cfg.id

    def locate(self, msisdn: Msisdn, qos: Qos, budget: AttemptBudget) -> Attempt:
        """One ``GetPosition`` call; never raises."""
        password = self._cfg.password.reveal() if self._cfg.password else ""
        document = build_request(
            msisdn,
            qos,
            client_id=self._cfg.app_id,
            password=password,
            service_id=self._service_id,
            inner_timer_s=budget.inner_timer_s,
            loc_type=self._loc_type,
            resp_req=self._resp_req,
        )
        try:
            envelope = _with_encoding_marks(self._endpoint.envelope(self._string_type(document)))
        except CarrierError as exc:
            return Attempt(exc, None)
        return self._endpoint.attempt(
            envelope,
            budget,
            msisdn=msisdn,
            secrets=self._cfg.secrets(),
            parse=lambda value: parse_answer(value, carrier=self._cfg.id, msisdn=msisdn),
        )

    def close(self) -> None:
        """Close the HTTP pool."""
        self._endpoint.close()


def _with_encoding_marks(envelope: etree._Element) -> etree._Element:
    """Add ``encodingStyle`` and ``xsi:type`` that zeep omits (strict encoded servers need them)."""
    operation = envelope.find(f"{{{SOAP11_ENV_NS}}}Body/*")
    if operation is None:
        return envelope
    operation.set(f"{{{SOAP11_ENV_NS}}}encodingStyle", SOAPENC_NS)
    for old in list(operation):
        typed = etree.Element(old.tag, nsmap={"xsi": XSI_NS, "soapenc": SOAPENC_NS})
        typed.set(f"{{{XSI_NS}}}type", "soapenc:string")
        typed.text = old.text
        operation.replace(old, typed)
    return envelope
