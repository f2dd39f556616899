"""The Mobile adapter: zeep wiring for ``GetAddress(xml)`` on the SOAP 1.1 or 1.2 port."""

from __future__ import annotations

import itertools
import threading
from datetime import datetime, timedelta, timezone
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import ConfigError
from ..errors import CarrierError
from ..provider import Attempt
from ..soap import SoapEndpoint, carrier_session, load_wsdl_client
from .mapping import parse_answer
from .request import COORD_SYSTEMS, LOC_TYPES, build_request

if TYPE_CHECKING:
    from ..config import CarrierConfig
    from ..msisdn import Msisdn
    from ..provider import AttemptBudget
    from ..qos import Qos

__all__ = ["MobileWsProvider"]

_PORTS = {"1.1": "ServiceSoap", "1.2": "ServiceSoap12"}
_BEIJING = timezone(timedelta(hours=8))


class MobileWsProvider:
    """China Mobile location over the .asmx document/literal service.

    Options (``[carriers.<id>.options]``): ``soap_version`` (``"1.1"`` default or
    ``"1.2"``), ``loc_type`` (``AUTO``), ``coord_sys`` (``WGS84``; answers in another datum
    are converted anyway), ``serial_prefix`` (defaults to ``app_id``).
    """

    def __init__(
        self,
        cfg: CarrierConfig,
        endpoint: SoapEndpoint,
        *,
        loc_type: str,
        coord_sys: str,
        serial_prefix: str,
    ) -> None:
        self._cfg = cfg
        self._endpoint = endpoint
        self._loc_type = loc_type
        self._coord_sys = coord_sys
        self._serial_prefix = serial_prefix
        self._serials = itertools.count(1)
        self._serial_lock = threading.Lock()

    @classmethod
    def from_config(cls, cfg: CarrierConfig) -> MobileWsProvider:
        """Load the packaged WSDL, pick the SOAP port and bind it to the endpoint.

        Raises
        ------
        ConfigError
            Missing credentials or invalid options.
        """
        if not cfg.app_id or cfg.password is None:
            raise ConfigError(f"carriers.{cfg.id}: mobile_ws needs app_id and a password")
        version = str(cfg.option("soap_version", "1.1"))
        if version not in _PORTS:
            raise ConfigError(f"carriers.{cfg.id}.options.soap_version must be '1.1' or '1.2'")
        loc_type = str(cfg.option("loc_type", "AUTO"))
        if loc_type not in LOC_TYPES:
            raise ConfigError(
                f"carriers.{cfg.id}.options.loc_type must be one of {sorted(LOC_TYPES)}"
            )
        coord_sys = str(cfg.option("coord_sys", "WGS84"))
        if coord_sys not in COORD_SYSTEMS:
            raise ConfigError(
                f"carriers.{cfg.id}.options.coord_sys must be one of {sorted(COORD_SYSTEMS)}"
            )
        client = load_wsdl_client(Path(str(files(__package__).joinpath("service.wsdl"))))
        endpoint = SoapEndpoint(
            carrier_id=cfg.id,
            client=client,
            service_name="Service",
            port_name=_PORTS[version],
            operation="GetAddress",
            address=cfg.endpoint,
            session=carrier_session(cfg.max_concurrent),
            max_body_bytes=cfg.max_body_bytes,
        )
        return cls(
            cfg,
            endpoint,
            loc_type=loc_type,
            coord_sys=coord_sys,
            serial_prefix=str(cfg.option("serial_prefix", cfg.app_id)),
        )

    @property
    def carrier_id(self) -> str:
        """Configured carrier id."""
        return self._cfg.id

    @property
    def soap_version(self) -> str:
        """``"1.1"`` or ``"1.2"``, as configured."""
        return self._endpoint.soap_version

    def locate(self, msisdn: Msisdn, qos: Qos, budget: AttemptBudget) -> Attempt:
        """One ``GetAddress`` call; never raises."""
        now = datetime.now(_BEIJING)
        with self._serial_lock:
            serial_no = f"{self._serial_prefix}{now:%Y%m%d%H%M%S}{next(self._serials) % 10**8:08d}"
        document = build_request(
            msisdn,
            qos,
            app_id=self._cfg.app_id,
            password=self._cfg.password.reveal() if self._cfg.password else "",
            serial_no=serial_no,
            inner_timer_s=budget.inner_timer_s,
            loc_type=self._loc_type,
            coord_sys=self._coord_sys,
            requested_at=now,
        )
        try:
            envelope = self._endpoint.envelope(xml=document)
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
