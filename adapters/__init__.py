"""Carrier location adapters: locate a subscriber through the carriers' SOAP services.

The core builds one :class:`CarrierHub` per region at start-up::

    registry = load_registry()
    hub = CarrierHub.from_config(load_region_config("carriers/wenzhou.toml"), registry)
    outcome = await hub.locate_async("13812345678", Qos(deadline_s=20), carrier_hint="mobile")

and stores ``outcome.fix`` (or ``outcome.error``) with ``outcome.exchanges`` as evidence.
Adapters talk to carriers and nothing else; no vendor exception leaves this package.
"""

from __future__ import annotations

from .config import (
    BreakerSettings,
    CacheSettings,
    CarrierConfig,
    ConfigError,
    RegionConfig,
    RetrySettings,
    Secret,
    load_region_config,
    shared_among,
)
from .errors import (
    BadCredentials,
    BadRequest,
    BulkheadFull,
    CarrierBusy,
    CarrierError,
    CarrierTimeout,
    CarrierUnavailable,
    CircuitOpen,
    MalformedAnswer,
    NotPermitted,
    PositioningFailed,
    PositioningTimeout,
    QosNotAttainable,
    SubscriberAbsent,
    UnknownSubscriber,
)
from .evidence import Exchange, mask_text
from .fix import MAX_RADIUS_M, PositionFix, PositionMethod
from .hub import CarrierHealth, CarrierHub, LocateOutcome, UnknownCarrierHint
from .msisdn import InvalidMsisdn, Msisdn
from .provider import Attempt, AttemptBudget, LocationProvider, ProviderFactory
from .qos import InvalidQos, Qos
from .registry import ENTRY_POINT_GROUP, RegistryError, load_registry
from .resilience import BreakerState, Clock, ManualClock, SystemClock
from .safe_xml import parse_inner_document
from .soap import FaultMapper, SoapEndpoint, SoapReply, carrier_session, load_wsdl_client

__all__ = [
    "ENTRY_POINT_GROUP",
    "MAX_RADIUS_M",
    "Attempt",
    "AttemptBudget",
    "BadCredentials",
    "BadRequest",
    "BreakerSettings",
    "BreakerState",
    "BulkheadFull",
    "CacheSettings",
    "CarrierBusy",
    "CarrierConfig",
    "CarrierError",
    "CarrierHealth",
    "CarrierHub",
    "CarrierTimeout",
    "CarrierUnavailable",
    "CircuitOpen",
    "Clock",
    "ConfigError",
    "Exchange",
    "FaultMapper",
    "InvalidMsisdn",
    "InvalidQos",
    "LocateOutcome",
    "LocationProvider",
    "MalformedAnswer",
    "ManualClock",
    "Msisdn",
    "NotPermitted",
    "PositionFix",
    "PositionMethod",
    "PositioningFailed",
    "PositioningTimeout",
    "ProviderFactory",
    "Qos",
    "QosNotAttainable",
    "RegionConfig",
    "RegistryError",
    "RetrySettings",
    "Secret",
    "SoapEndpoint",
    "SoapReply",
    "SubscriberAbsent",
    "SystemClock",
    "UnknownCarrierHint",
    "UnknownSubscriber",
    "carrier_session",
    "load_region_config",
    "load_registry",
    "load_wsdl_client",
    "mask_text",
    "parse_inner_document",
    "shared_among",
]
