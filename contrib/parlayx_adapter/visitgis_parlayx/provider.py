"""The Parlay X provider: zeep wiring for ``getLocation`` over visitgis' SOAP plumbing."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from zeep.wsse.username import UsernameToken

from adapters import (
    Attempt,
    CarrierError,
    ConfigError,
    SoapEndpoint,
    carrier_session,
    load_wsdl_client,
)

from .mapping import map_fault, parse_location

if TYPE_CHECKING:
    from adapters import AttemptBudget, CarrierConfig, Msisdn, Qos

__all__ = ["ParlayXProvider"]

_TOLERANCES = frozenset({"NoDelay", "LowDelay", "DelayTolerant"})


class ParlayXProvider:
    """Locate through a Parlay X 2.x Terminal Location gateway.

    Credentials travel as a WS-Security UsernameToken (``app_id`` / password). Options:
    ``tolerance`` (``DelayTolerant``), ``acceptable_accuracy_factor`` (the acceptable radius
    as a multiple of the requested one, default 5).
    """

    def __init__(
        self,
        cfg: CarrierConfig,
        endpoint: SoapEndpoint,
        *,
        tolerance: str,
        acceptable_factor: float,
    ) -> None:
        self._cfg = cfg
        self._endpoint = endpoint
        self._tolerance = tolerance
        self._acceptable_factor = acceptable_factor

    @classmethod
    def from_config(cls, cfg: CarrierConfig) -> ParlayXProvider:
        """Load the packaged WSDL and bind it to the configured gateway.

        Raises
        ------
        ConfigError
            Missing credentials or invalid options.
        """
        if not cfg.app_id or cfg.password is None:
            raise ConfigError(f"carriers.{cfg.id}: parlayx_tl needs app_id and a password")
        tolerance = str(cfg.option("tolerance", "DelayTolerant"))
        if tolerance not in _TOLERANCES:
            raise ConfigError(
                f"carriers.{cfg.id}.options.tolerance must be one of {sorted(_TOLERANCES)}"
            )
        factor = float(cfg.option("acceptable_accuracy_factor", 5.0))
        if not 1.0 <= factor <= 100.0:
            raise ConfigError(
                f"carriers.{cfg.id}.options.acceptable_accuracy_factor must be in [1, 100]"
            )
        client = load_wsdl_client(Path(str(files(__package__).joinpath("terminal_location.wsdl"))))
        client.wsse = UsernameToken(cfg.app_id, cfg.password.reveal())  # type: ignore[no-untyped-call]
        endpoint = SoapEndpoint(
            carrier_id=cfg.id,
            client=client,
            service_name="TerminalLocationService",
            port_name="TerminalLocation",
            operation="getLocation",
            address=cfg.endpoint,
            session=carrier_session(cfg.max_concurrent),
            max_body_bytes=cfg.max_body_bytes,
            fault_mapper=map_fault,
        )
        return cls(cfg, endpoint, tolerance=tolerance, acceptable_factor=factor)

    @property
    def carrier_id(self) -> str:
        """Configured carrier id."""
        return self._cfg.id

    def locate(self, msisdn: Msisdn, qos: Qos, budget: AttemptBudget) -> Attempt:
        """One ``getLocation`` call; never raises."""
        requested_m = max(1, round(qos.accuracy_m))
        try:
            envelope = self._endpoint.envelope(
                address=f"tel:+{msisdn.international}",
                requestedAccuracy=requested_m,
                acceptableAccuracy=round(requested_m * self._acceptable_factor),
                maximumAge={"metric": "Second", "units": round(qos.max_age_s)},
                responseTime={"metric": "Second", "units": budget.inner_timer_s},
                tolerance=self._tolerance,
            )
        except CarrierError as exc:
            return Attempt(exc, None)
        return self._endpoint.attempt(
            envelope,
            budget,
            msisdn=msisdn,
            secrets=self._cfg.secrets(),
            parse=lambda value: parse_location(value, carrier=self._cfg.id),
        )

    def close(self) -> None:
        """Close the HTTP pool."""
        self._endpoint.close()
