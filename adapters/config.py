"""Regional carrier configuration: which carriers a region has and how to reach them.

One TOML document per region (see ``docs/carriers.md``). Loading validates everything and
resolves credentials from the environment or a secret file, so a bad configuration fails the
start-up with a message naming the key, never the first check-in.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "BreakerSettings",
    "CacheSettings",
    "CarrierConfig",
    "ConfigError",
    "RegionConfig",
    "RetrySettings",
    "Secret",
    "load_region_config",
    "shared_among",
]

OptionValue = str | int | float | bool


class ConfigError(ValueError):
    """The carrier configuration is invalid; the message names the offending key."""


class Secret:
    """A credential whose value never appears in ``repr``, ``str`` or logs."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the secret, for the one place that must send it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True)
class BreakerSettings:
    """Circuit breaker: open after ``failure_threshold`` consecutive carrier faults."""

    failure_threshold: int = 5
    reset_timeout_s: float = 60.0


@dataclass(frozen=True, slots=True)
class RetrySettings:
    """At most one retry, for transient failures only, with full-jitter backoff."""

    max_retries: int = 1
    backoff_base_s: float = 0.5
    backoff_max_s: float = 4.0
    min_attempt_s: float = 1.0  # do not start an attempt with less budget than this


@dataclass(frozen=True, slots=True)
class CacheSettings:
    """Fix cache (max-age semantics), negative cache and ported-number memory."""

    enabled: bool = True
    max_entries: int = 10_000
    negative_ttl_s: float = 60.0
    ported_ttl_s: float = 30 * 86_400.0


@dataclass(frozen=True, slots=True)
class CarrierConfig:
    """Everything one carrier adapter needs, validated.

    Parameters
    ----------
    id : str
        Name of the carrier in this region (``"telecom"``); also the ``carrier_hint`` value.
    adapter : str
        Entry-point name in the ``visitgis.carriers`` group (``"telecom_ws"``).
    endpoint : str
        The SOAP address to post to (the WSDL's own address is ignored).
    connect_timeout_s, read_timeout_s : float
        HTTP timeouts; each attempt also gets no more than the locate's remaining budget.
    inner_timer_margin_s : float
        The carrier's own positioning timer is set this much below the read timeout, so the
        carrier answers TIMEOUT before our socket gives up.
    max_concurrent : int
        Bulkhead size: in-flight calls to this carrier.
    options : Mapping
        Adapter-specific settings (``soap_version``, ``service_id``, ...).
    """

    id: str
    adapter: str
    endpoint: str
    app_id: str = ""
    password: Secret | None = None
    connect_timeout_s: float = 3.05
    read_timeout_s: float = 75.0
    inner_timer_margin_s: float = 5.0
    max_concurrent: int = 8
    max_body_bytes: int = 1024 * 1024
    breaker: BreakerSettings = field(default_factory=BreakerSettings)
    retry: RetrySettings = field(default_factory=RetrySettings)
    options: Mapping[str, OptionValue] = field(default_factory=lambda: MappingProxyType({}))

    def option(self, name: str, default: OptionValue) -> OptionValue:
        """Adapter option with a default; the type must match the default's."""
        value = self.options.get(name, default)
        if type(default) is float and type(value) is int:
            value = float(value)  # TOML writes 5 for 5.0
        if type(value) is not type(default):
            raise ConfigError(f"carriers.{self.id}.options.{name} must be {type(default).__name__}")
        return value

    def secrets(self) -> tuple[str, ...]:
        """Values to mask in evidence."""
        return () if self.password is None else (self.password.reveal(),)


@dataclass(frozen=True, slots=True)
class RegionConfig:
    """One region's carriers in fallback order, plus the shared budget and cache."""

    region: str
    carriers: tuple[CarrierConfig, ...]
    max_deadline_s: float = 60.0
    cache: CacheSettings = field(default_factory=CacheSettings)

    def carrier(self, carrier_id: str) -> CarrierConfig:
        """Look a carrier up by id."""
        for cfg in self.carriers:
            if cfg.id == carrier_id:
                return cfg
        raise ConfigError(f"region {self.region!r} has no carrier {carrier_id!r}")


def shared_among(region: RegionConfig, processes: int) -> RegionConfig:
    """The share of ``region``'s carrier limits that each of ``processes`` processes holds.

    Several API processes each run their own hub. Splitting the limits keeps the totals the
    carrier sees: the in-flight calls of all processes stay within ``max_concurrent`` (each
    gets at least one), and with failures spread over the processes about
    ``failure_threshold`` faults in all open every breaker (each opens after its share,
    at least one), not ``processes`` times as many.

    Examples
    --------
    >>> cfg = CarrierConfig(id="t", adapter="telecom_ws", endpoint="http://x", max_concurrent=8)
    >>> shared = shared_among(RegionConfig(region="r", carriers=(cfg,)), 4)
    >>> shared.carriers[0].max_concurrent, shared.carriers[0].breaker.failure_threshold
    (2, 2)
    """
    if processes < 1:
        raise ConfigError(f"processes must be at least 1, got {processes}")
    if processes == 1:
        return region
    carriers = tuple(
        replace(
            cfg,
            max_concurrent=max(1, cfg.max_concurrent // processes),
            breaker=replace(
                cfg.breaker,
                failure_threshold=max(1, -(-cfg.breaker.failure_threshold // processes)),
            ),
        )
        for cfg in region.carriers
    )
    return replace(region, carriers=carriers)


def load_region_config(
    source: str | os.PathLike[str] | Mapping[str, Any],
    *,
    environ: Mapping[str, str] | None = None,
) -> RegionConfig:
    """Load and validate one region's carrier configuration.

    Parameters
    ----------
    source : path or mapping
        A TOML file, or the already-parsed mapping (tests, or a section of a larger file).
    environ : mapping, optional
        Where ``password_env`` is looked up; defaults to ``os.environ``.

    Raises
    ------
    ConfigError
        Unreadable file, bad TOML, unknown or missing keys, out-of-range values, missing
        credentials. The message names the key but never a secret value.
    """
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            with path.open("rb") as fh:
                data: Mapping[str, Any] = tomllib.load(fh)
        except OSError as exc:
            raise ConfigError(f"cannot read carrier config {path}: {exc.strerror}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"carrier config {path} is not valid TOML: {exc}") from exc
    elif hasattr(source, "keys"):
        data = source
    else:
        raise ConfigError(f"carrier config must be a path or a mapping, got {type(source)}")
    return _Reader(environ if environ is not None else os.environ).region(data)


_REGION_KEYS = {"region", "fallback_order", "max_deadline_s", "cache", "carriers"}
_CARRIER_KEYS = {
    "adapter",
    "endpoint",
    "app_id",
    "password_env",
    "password_file",
    "connect_timeout_s",
    "read_timeout_s",
    "inner_timer_margin_s",
    "max_concurrent",
    "max_body_bytes",
    "breaker",
    "retry",
    "options",
}


@dataclass(frozen=True, slots=True)
class _Reader:
    environ: Mapping[str, str]

    def region(self, data: Mapping[str, Any]) -> RegionConfig:
        _no_unknown_keys(data, _REGION_KEYS, "")
        name = _text(data, "region", "")
        tables = data.get("carriers")
        if not isinstance(tables, dict) or not tables:
            raise ConfigError("carriers: at least one [carriers.<id>] table is required")
        order = data.get("fallback_order", list(tables))
        if not isinstance(order, list) or not all(isinstance(i, str) for i in order):
            raise ConfigError("fallback_order must be a list of carrier ids")
        if sorted(order) != sorted(tables):
            raise ConfigError(
                f"fallback_order {order} must list each configured carrier "
                f"{sorted(tables)} exactly once"
            )
        carriers = tuple(self.carrier(cid, tables[cid]) for cid in order)
        cache_data = _table(data, "cache", "")
        _no_unknown_keys(cache_data, set(CacheSettings.__dataclass_fields__), "cache.")
        cache = CacheSettings(
            enabled=_flag(cache_data, "enabled", True, "cache."),
            max_entries=_int(cache_data, "max_entries", 10_000, "cache.", 1, 10_000_000),
            negative_ttl_s=_num(cache_data, "negative_ttl_s", 60.0, "cache.", 0.0, 86_400.0),
            ported_ttl_s=_num(
                cache_data, "ported_ttl_s", 30 * 86_400.0, "cache.", 0.0, 365 * 86_400.0
            ),
        )
        return RegionConfig(
            region=name,
            carriers=carriers,
            max_deadline_s=_num(data, "max_deadline_s", 60.0, "", 0.1, 600.0),
            cache=cache,
        )

    def carrier(self, cid: str, data: Any) -> CarrierConfig:
        where = f"carriers.{cid}."
        if not isinstance(data, dict):
            raise ConfigError(f"carriers.{cid} must be a table")
        _no_unknown_keys(data, _CARRIER_KEYS, where)
        endpoint = _text(data, "endpoint", where)
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"{where}endpoint must be an http(s) URL, got {endpoint!r}")
        read_s = _num(data, "read_timeout_s", 75.0, where, 0.1, 600.0)
        margin_s = _num(data, "inner_timer_margin_s", 5.0, where, 0.0, 600.0)
        if margin_s >= read_s:
            raise ConfigError(f"{where}inner_timer_margin_s must be below read_timeout_s")
        breaker = _table(data, "breaker", where)
        _no_unknown_keys(breaker, set(BreakerSettings.__dataclass_fields__), where + "breaker.")
        retry = _table(data, "retry", where)
        _no_unknown_keys(retry, set(RetrySettings.__dataclass_fields__), where + "retry.")
        options = _table(data, "options", where)
        for key, value in options.items():
            if not isinstance(value, str | int | float | bool):
                raise ConfigError(f"{where}options.{key} must be a string, number or boolean")
        return CarrierConfig(
            id=_identifier(cid),
            adapter=_text(data, "adapter", where),
            endpoint=endpoint,
            app_id=_text(data, "app_id", where, default=""),
            password=self.password(data, where),
            connect_timeout_s=_num(data, "connect_timeout_s", 3.05, where, 0.05, 60.0),
            read_timeout_s=read_s,
            inner_timer_margin_s=margin_s,
            max_concurrent=_int(data, "max_concurrent", 8, where, 1, 1000),
            max_body_bytes=_int(data, "max_body_bytes", 1024 * 1024, where, 1024, 64 << 20),
            breaker=BreakerSettings(
                failure_threshold=_int(
                    breaker, "failure_threshold", 5, where + "breaker.", 1, 1000
                ),
                reset_timeout_s=_num(
                    breaker, "reset_timeout_s", 60.0, where + "breaker.", 0.01, 86_400.0
                ),
            ),
            retry=RetrySettings(
                max_retries=_int(retry, "max_retries", 1, where + "retry.", 0, 1),
                backoff_base_s=_num(retry, "backoff_base_s", 0.5, where + "retry.", 0.0, 60.0),
                backoff_max_s=_num(retry, "backoff_max_s", 4.0, where + "retry.", 0.0, 60.0),
                min_attempt_s=_num(retry, "min_attempt_s", 1.0, where + "retry.", 0.0, 600.0),
            ),
            options=MappingProxyType(dict(options)),
        )

    def password(self, data: Mapping[str, Any], where: str) -> Secret | None:
        env_name = data.get("password_env")
        file_name = data.get("password_file")
        if env_name is not None and file_name is not None:
            raise ConfigError(f"{where}password_env and password_file are exclusive")
        if env_name is not None:
            if not isinstance(env_name, str) or not env_name:
                raise ConfigError(f"{where}password_env must name an environment variable")
            value = self.environ.get(env_name)
            if not value:
                raise ConfigError(f"{where}password_env: environment variable {env_name} is unset")
            return Secret(value)
        if file_name is not None:
            if not isinstance(file_name, str) or not file_name:
                raise ConfigError(f"{where}password_file must be a path")
            try:
                value = Path(file_name).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError(
                    f"{where}password_file: cannot read {file_name}: {exc.strerror}"
                ) from exc
            if not value:
                raise ConfigError(f"{where}password_file: {file_name} is empty")
            return Secret(value)
        return None


def _identifier(cid: str) -> str:
    if not cid.replace("_", "").replace("-", "").isalnum():
        raise ConfigError(f"carrier id {cid!r} must be letters, digits, '-' or '_'")
    return cid


def _no_unknown_keys(data: Mapping[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"unknown key(s) {', '.join(where + k for k in unknown)}")


def _table(data: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}{key} must be a table")
    return value


def _text(data: Mapping[str, Any], key: str, where: str, *, default: str | None = None) -> str:
    value = data.get(key, default)
    if value is None:
        raise ConfigError(f"{where}{key} is required")
    if not isinstance(value, str) or (default is None and not value):
        raise ConfigError(f"{where}{key} must be a non-empty string")
    return value


def _flag(data: Mapping[str, Any], key: str, default: bool, where: str) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{where}{key} must be true or false")
    return value


def _num(
    data: Mapping[str, Any], key: str, default: float, where: str, low: float, high: float
) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where}{key} must be a number")
    if not math.isfinite(value) or not low <= value <= high:
        raise ConfigError(f"{where}{key} must be within [{low}, {high}], got {value}")
    return float(value)


def _int(data: Mapping[str, Any], key: str, default: int, where: str, low: int, high: int) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{where}{key} must be an integer")
    if not low <= value <= high:
        raise ConfigError(f"{where}{key} must be within [{low}, {high}], got {value}")
    return value
