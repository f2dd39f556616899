"""Service settings: read once at start-up from the environment and an optional TOML file.

Every problem is collected and reported together, one line each, so an operator fixes a bad
deployment in one round instead of one error per restart.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from gql.store.db import EngineOptions

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = [
    "DEV_JWT_SECRET",
    "MIN_EVIDENCE_RETENTION_DAYS",
    "Mode",
    "Settings",
    "SettingsError",
    "area_factor_pairs",
    "bind_problem",
    "is_loopback",
    "load_settings",
    "secret_problems",
]

Mode = Literal["development", "production"]

MIN_EVIDENCE_RETENTION_DAYS = 35
"""Verification reads a manager's last 30 days of fixes; five days' margin for late syncs."""
DEV_JWT_SECRET = "visitgis-development-secret-not-for-production"
_ENV_PREFIX = "VISITGIS_"


class SettingsError(ValueError):
    """The configuration cannot start a service; ``problems`` lists each reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid settings:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True, slots=True)
class Settings:
    """Validated settings; build with :func:`load_settings`, never mutate."""

    mode: Mode = "development"
    data_dir: Path = Path("var")
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    jwt_secret: str = DEV_JWT_SECRET
    jwt_issuer: str = "visitgis"
    token_ttl_s: int = 12 * 3600
    oidc_jwks: str = ""
    """The company identity provider's JWKS: an ``https://`` URL or a file path; ``""``: off."""
    oidc_issuer: str = ""
    """The ``iss`` its tokens must carry (required with ``oidc_jwks``)."""
    oidc_audience: str = ""
    """The ``aud`` its tokens must carry: this service's client id (required with ``oidc_jwks``)."""
    oidc_staff_claim: str = "sub"
    """The claim that holds the staff number (e.g. ``employee_id``)."""
    oidc_algorithms: str = "RS256,ES256"
    """Signature algorithms accepted from the provider (asymmetric only)."""
    oidc_jwks_cache_s: float = 300.0
    """How long fetched keys are trusted before the set is fetched again."""
    oidc_jwks_cooldown_s: float = 30.0
    """Least time between forced refetches for an unknown key id (rotation, abuse guard)."""
    oidc_jwks_timeout_s: float = 5.0
    """Deadline of one JWKS fetch."""
    carriers_file: Path | None = None
    console_dir: Path | None = None
    """A folder of static files served at ``/console`` (``contrib/console``); ``None``: off."""
    scoring_policy: Path | None = None
    """A region's scoring policy (``policy.toml`` with the same keys); ``None``: the paper's."""
    log_level: str = "INFO"
    log_format: Literal["json", "text"] = "json"
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2_000
    max_query_cost: int = 5_000
    max_query_nodes: int = 500_000
    """Items all connections of one operation may return, nested pages multiplied (GitHub's)."""
    max_body_bytes: int = 1_000_000
    """A larger request body is refused (413) before it is read to the end."""
    max_upload_bytes: int = 20_000_000
    """The same for a multipart request (a CSV upload: ``csvImport``)."""
    max_query_chars: int = 20_000
    max_variables_bytes: int = 100_000
    max_variables_depth: int = 10
    max_string_chars: int = 10_000
    """Any string argument or variable (search text, titles, notes)."""
    max_id_chars: int = 128
    """An ``ID`` argument or variable (global ids and cursors are short)."""
    heavy_query_cost: int = 1_000
    """Queries costing this much run in the heavy lane, off the main loop."""
    heavy_query_lane: Literal["process", "thread"] = "process"
    """``process``: worker processes with their own GIL (cheap requests keep their latency);
    ``thread``: threads of this process (no extra memory; for tests that pin the clock)."""
    heavy_query_workers: int = 1
    operation_loops: int = 1
    """Event loops, each on its own thread, that run queries and mutations; the server's loop
    only reads requests and writes answers (:mod:`gql.operation_loops`). ``0``: operations run
    on the server's loop."""
    balance_connections: bool = True
    """With ``serve --workers N``: a worker holding more keep-alive connections than its share
    answers one with ``Connection: close`` so that the split stays even
    (:mod:`gql.connection_balance`)."""
    pin_workers: bool = False
    """With ``serve --workers N``: worker ``i`` runs on core ``i`` only (:mod:`gql.supervisor`);
    for a host whose cores serve these workers (not one shared with other busy services)."""
    heavy_query_queue: int = 4
    """Heavy queries waiting for the lane; more are refused at once (503, Retry-After)."""
    rate_limit_per_ip: str = "20000/1000"
    """``capacity/restore-per-second`` of each client address's cost bucket; ``""``: off."""
    rate_limit_per_role: str = "DEFAULT=10000/500"
    """``ROLE=capacity/restore-per-second`` pairs (comma-separated) for each caller's bucket;
    ``DEFAULT`` applies to roles not named; ``""``: off."""
    execution_timeout_s: float = 10.0
    locate_deadline_s: float = 8.0
    evidence_retention_days: int = 180
    """Days raw fixes and carrier text are kept before ``visitgis privacy reduce`` strips them
    (PIPL: precise location is sensitive); at least 35, as verification looks back 30 days;
    ``0``: keep forever."""
    warm_kernels: bool = True
    database_pool_size: int = 5
    """PostgreSQL connections kept per process (twice as many more under a burst)."""
    database_statement_timeout_s: float = 30.0
    """PostgreSQL cancels a statement running longer (0: no limit)."""
    database_lock_timeout_s: float = 5.0
    """A PostgreSQL statement waiting longer for a lock gives up, answered as busy (0: none)."""
    cors_origins: str = ""
    """Browser origins allowed to call the API (comma-separated, e.g. the console's host);
    empty: no cross-origin access."""
    gzip_min_bytes: int = 1_000
    """Answers at least this large are gzip-compressed for clients that accept it (0: never)."""
    api_processes: int = 1
    """API processes serving this database in all (``serve --workers N`` sets it for its
    workers): each holds its share of every carrier's concurrency limit and breaker threshold."""
    database_application_name: str = "visitgis"
    """The name this service's connections show in ``pg_stat_activity``."""
    jobs_in_process: bool = True
    """``visitgis serve`` also runs planning jobs (SQLite needs it; with PostgreSQL, turn it off
    where separate ``visitgis worker`` processes run them)."""
    job_lease_s: float = 300.0
    """A running job not reported on for this long lost its worker: it runs once more."""
    road_factor: float = 1.35
    """Road over great-circle distance where no area factor applies (R2.3)."""
    travel_speed_mps: float = 6.0
    """Door-to-door speed between stops, parking included, for routed days."""
    area_road_factors: str = ""
    """``AREA=factor`` pairs (comma-separated) by 片区 code: an old town of lanes ``1.8``, a
    suburb of straight roads ``1.2``; a leg takes the mean of its ends' factors."""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        """Production hides introspection, suggestions and GraphiQL."""
        return self.mode == "production"

    @property
    def cors_origin_list(self) -> list[str]:
        """The allowed browser origins, parsed."""
        return _origins(self.cors_origins)

    @property
    def engine_options(self) -> EngineOptions:
        """How the service's PostgreSQL connections are pooled and bounded."""
        return EngineOptions(
            pool_size=self.database_pool_size,
            statement_timeout_s=self.database_statement_timeout_s,
            lock_timeout_s=self.database_lock_timeout_s,
            application_name=self.database_application_name,
        )

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the embedded SQLite file in ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'visitgis.sqlite3').resolve()}"


_ROAD_FACTOR_RANGE = (1.0, 4.0)


def area_factor_pairs(raw: str) -> tuple[tuple[str, float], ...]:
    """``A01=1.6,A02=1.2`` as ``(("A01", 1.6), ("A02", 1.2))``; ``ValueError`` naming a bad pair."""
    pairs = []
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        code, sep, value = part.partition("=")
        try:
            factor = float(value)
        except ValueError:
            factor = math.nan
        low, high = _ROAD_FACTOR_RANGE
        if not sep or not code.strip() or not low <= factor <= high:
            raise ValueError(f"{part!r} is not AREA=factor with a factor in [{low:g}, {high:g}]")
        pairs.append((code.strip(), factor))
    return tuple(pairs)


def _road_problems(values: dict[str, Any]) -> list[str]:
    problems = []
    low, high = _ROAD_FACTOR_RANGE
    if not low <= values["road_factor"] <= high:
        problems.append(f"road_factor must be in [{low:g}, {high:g}], got {values['road_factor']}")
    if not 0.5 <= values["travel_speed_mps"] <= 40:
        problems.append(f"travel_speed_mps must be 0.5..40, got {values['travel_speed_mps']}")
    try:
        area_factor_pairs(values["area_road_factors"])
    except ValueError as exc:
        problems.append(f"area_road_factors: {exc}")
    return problems


def _origins(raw: str) -> list[str]:
    return [o.strip().rstrip("/") for o in raw.split(",") if o.strip()]


def _as_int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError("expected an integer, got a boolean")
    return int(raw)


def _as_float(raw: Any) -> float:
    if isinstance(raw, bool):
        raise ValueError("expected a number, got a boolean")
    return float(raw)


def _as_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected true/false, got {raw!r}")


def _as_path(raw: Any) -> Path:
    return Path(str(raw)).expanduser()


def _optional_path(raw: Any) -> Path | None:
    return None if raw in (None, "") else _as_path(raw)


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "mode": str,
    "data_dir": _as_path,
    "database_url": str,
    "host": str,
    "port": _as_int,
    "jwt_secret": str,
    "jwt_issuer": str,
    "token_ttl_s": _as_int,
    "oidc_jwks": str,
    "oidc_issuer": str,
    "oidc_audience": str,
    "oidc_staff_claim": str,
    "oidc_algorithms": str,
    "oidc_jwks_cache_s": _as_float,
    "oidc_jwks_cooldown_s": _as_float,
    "oidc_jwks_timeout_s": _as_float,
    "carriers_file": _optional_path,
    "console_dir": _optional_path,
    "scoring_policy": _optional_path,
    "log_level": lambda v: str(v).upper(),
    "log_format": str,
    "max_query_depth": _as_int,
    "max_aliases": _as_int,
    "max_tokens": _as_int,
    "max_query_cost": _as_int,
    "max_query_nodes": _as_int,
    "max_body_bytes": _as_int,
    "max_upload_bytes": _as_int,
    "max_query_chars": _as_int,
    "max_variables_bytes": _as_int,
    "max_variables_depth": _as_int,
    "max_string_chars": _as_int,
    "max_id_chars": _as_int,
    "heavy_query_cost": _as_int,
    "heavy_query_lane": str,
    "heavy_query_workers": _as_int,
    "operation_loops": _as_int,
    "balance_connections": _as_bool,
    "pin_workers": _as_bool,
    "heavy_query_queue": _as_int,
    "rate_limit_per_ip": str,
    "rate_limit_per_role": str,
    "execution_timeout_s": _as_float,
    "locate_deadline_s": _as_float,
    "evidence_retention_days": _as_int,
    "warm_kernels": _as_bool,
    "database_pool_size": _as_int,
    "database_statement_timeout_s": _as_float,
    "database_lock_timeout_s": _as_float,
    "database_application_name": str,
    "api_processes": _as_int,
    "cors_origins": str,
    "gzip_min_bytes": _as_int,
    "jobs_in_process": _as_bool,
    "job_lease_s": _as_float,
    "road_factor": _as_float,
    "travel_speed_mps": _as_float,
    "area_road_factors": str,
}


def _check(values: dict[str, Any]) -> list[str]:
    """Semantic checks on parsed values; one message per problem."""
    problems: list[str] = []
    if values["mode"] not in ("development", "production"):
        problems.append(f"mode must be 'development' or 'production', got {values['mode']!r}")
    if not 1 <= values["port"] <= 65535:
        problems.append(f"port must be 1..65535, got {values['port']}")
    if values["log_level"] not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        problems.append(f"log_level must be DEBUG/INFO/WARNING/ERROR, got {values['log_level']!r}")
    if values["log_format"] not in ("json", "text"):
        problems.append(f"log_format must be 'json' or 'text', got {values['log_format']!r}")
    if values["heavy_query_lane"] not in ("process", "thread"):
        problems.append(
            f"heavy_query_lane must be 'process' or 'thread', got {values['heavy_query_lane']!r}"
        )
    url = values["database_url"]
    scheme = url.split(":", 1)[0].split("+", 1)[0]
    if url and scheme not in ("sqlite", "postgresql", "postgres"):
        problems.append(f"database_url must be a sqlite: or postgresql: URL, got {scheme!r}:")
    for name in ("token_ttl_s", "max_query_depth", "max_aliases", "max_tokens", "max_query_cost"):
        if values[name] <= 0:
            problems.append(f"{name} must be positive, got {values[name]}")
    problems += _limit_problems(values)
    for origin in _origins(values["cors_origins"]):
        if origin == "*" or not re.fullmatch(r"https?://[A-Za-z0-9.\-]+(:\d{1,5})?", origin):
            problems.append(
                f"cors_origins: {origin!r} is not an origin like https://console.example.cn "
                "(no wildcard: tokens travel in headers the browser must be told to allow)"
            )
    problems += _road_problems(values)
    if not 10 <= values["job_lease_s"] <= 86_400:
        problems.append(f"job_lease_s must be 10..86400, got {values['job_lease_s']:g}")
    if values["gzip_min_bytes"] < 0:
        problems.append(f"gzip_min_bytes must be 0 (off) or more, got {values['gzip_min_bytes']}")
    if not 1 <= values["api_processes"] <= 1024:
        problems.append(f"api_processes must be 1..1024, got {values['api_processes']}")
    if not 0 <= values["operation_loops"] <= 32:
        problems.append(f"operation_loops must be 0..32, got {values['operation_loops']}")
    if not 1 <= values["database_pool_size"] <= 200:
        problems.append(f"database_pool_size must be 1..200, got {values['database_pool_size']}")
    for name in ("database_statement_timeout_s", "database_lock_timeout_s"):
        if not 0 <= values[name] <= 3600:
            problems.append(f"{name} must be in [0, 3600] seconds, got {values[name]}")
    name = values["database_application_name"]
    if not (0 < len(name) <= 63 and name.isascii() and name.isprintable()):
        problems.append(f"database_application_name must be 1..63 printable ASCII, got {name!r}")
    for name in ("execution_timeout_s", "locate_deadline_s"):
        if not 0 < values[name] <= 300:
            problems.append(f"{name} must be in (0, 300] seconds, got {values[name]}")
    retention = values["evidence_retention_days"]
    if retention != 0 and retention < MIN_EVIDENCE_RETENTION_DAYS:
        problems.append(
            f"evidence_retention_days must be 0 (keep forever) or at least "
            f"{MIN_EVIDENCE_RETENTION_DAYS} (verification looks back 30 days), got {retention}"
        )
    if values["mode"] == "production":
        problems += secret_problems(values["jwt_secret"])
    else:
        problem = bind_problem(values["host"], values["jwt_secret"], values["mode"])
        if problem:
            problems.append(problem)
    console = values["console_dir"]
    if console is not None and not (console / "index.html").is_file():
        problems.append(f"console_dir {str(console)!r} has no index.html")
    carriers = values["carriers_file"]
    if carriers is not None and not carriers.is_file():
        problems.append(f"carriers_file {str(carriers)!r} does not exist")
    problems += _policy_problems(values["scoring_policy"])
    problems += _oidc_problems(values)
    return problems


_OIDC_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256"})


def _oidc_problems(values: Mapping[str, Any]) -> list[str]:
    """The identity provider's settings hang together (only checked when ``oidc_jwks`` is set)."""
    source = values["oidc_jwks"].strip()
    if not source:
        return []
    problems = [
        f"{name} must be set with oidc_jwks"
        for name in ("oidc_issuer", "oidc_audience", "oidc_staff_claim")
        if not values[name].strip()
    ]
    scheme = source.split("://", 1)[0].lower() if "://" in source else ""
    if scheme == "http" and values["mode"] == "production":
        problems.append("oidc_jwks must be an https:// URL in production (keys in clear text)")
    elif scheme not in ("", "http", "https"):
        problems.append(f"oidc_jwks must be an https:// URL or a file path, got {scheme}://")
    elif not scheme and not Path(source).expanduser().is_file():
        problems.append(f"oidc_jwks file {source!r} does not exist")
    algorithms = {a.strip() for a in values["oidc_algorithms"].split(",") if a.strip()}
    if not algorithms or not algorithms <= _OIDC_ALGORITHMS:
        problems.append(f"oidc_algorithms must name some of {', '.join(sorted(_OIDC_ALGORITHMS))}")
    for name, low, high in (
        ("oidc_jwks_cache_s", 1.0, 86_400.0),
        ("oidc_jwks_cooldown_s", 0.0, 3_600.0),
        ("oidc_jwks_timeout_s", 0.1, 60.0),
    ):
        if not low <= values[name] <= high:
            problems.append(f"{name} must be in [{low:g}, {high:g}], got {values[name]}")
    return problems


_SIZE_LIMITS = (
    "max_query_nodes",
    "max_body_bytes",
    "max_upload_bytes",
    "max_query_chars",
    "max_variables_bytes",
    "max_variables_depth",
    "max_string_chars",
    "max_id_chars",
    "heavy_query_cost",
    "heavy_query_workers",
)


def _limit_problems(values: Mapping[str, Any]) -> list[str]:
    """Size limits positive, rate-limit specs readable (``gql.ratelimit.parse_rates``)."""
    from gql.ratelimit import RateSpecError, parse_rate, parse_rates

    problems = [
        f"{name} must be positive, got {values[name]}" for name in _SIZE_LIMITS if values[name] <= 0
    ]
    try:
        parse_rate(values["rate_limit_per_ip"])
    except RateSpecError as exc:
        problems.append(f"rate_limit_per_ip: {exc}")
    try:
        parse_rates(values["rate_limit_per_role"])
    except RateSpecError as exc:
        problems.append(f"rate_limit_per_role: {exc}")
    return problems


MIN_SECRET_CHARS = 32
MIN_SECRET_DISTINCT_CHARS = 8
MIN_SECRET_BITS_PER_CHAR = 2.5
"""A random hex secret of 32 characters measures 3.4-3.8 bits per character (below 2.6 about three
times in a million draws) and base64 more; ``aaaa...`` or ``abab...`` measures 0-1."""


def secret_problems(secret: str) -> list[str]:
    """Why ``secret`` cannot sign production tokens (empty when it can).

    Length alone lets 40 spaces or one repeated letter through; the character entropy of the
    secret itself (Shannon, bits per character) and its distinct characters catch those, and a
    repeated block (``0123456789`` four times) is caught by its period.
    """
    if secret == DEV_JWT_SECRET:
        return ["jwt_secret must be set in production (VISITGIS_JWT_SECRET)"]
    if not secret.strip():
        return ["jwt_secret is blank (whitespace only)"]
    problems: list[str] = []
    if secret != secret.strip():
        problems.append("jwt_secret has leading or trailing whitespace (a copy-paste slip?)")
    if len(secret) < MIN_SECRET_CHARS:
        problems.append(f"jwt_secret must be at least {MIN_SECRET_CHARS} characters in production")
    counts = Counter(secret)
    bits = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values())
    if len(counts) < MIN_SECRET_DISTINCT_CHARS or bits < MIN_SECRET_BITS_PER_CHAR:
        problems.append(
            f"jwt_secret has too little entropy ({len(counts)} distinct characters, "
            f"{bits:.1f} bits per character; need {MIN_SECRET_DISTINCT_CHARS} and "
            f"{MIN_SECRET_BITS_PER_CHAR:g}): use e.g. `openssl rand -base64 48`"
        )
    elif (period := _period(secret)) <= len(secret) // 2:
        problems.append(
            f"jwt_secret repeats a block of {period} characters: use e.g. `openssl rand -base64 48`"
        )
    return problems


def _period(text: str) -> int:
    """The shortest p with text[i] == text[i + p] for every i (len(text) when none is shorter).

    Only a period of at most half the text means a block that repeats; a longer one is just
    an equal prefix and suffix, which random secrets have by chance.
    """
    return next(
        (p for p in range(1, len(text) // 2 + 1) if text[p:] == text[:-p]),
        len(text),
    )


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name or a wildcard: assume reachable from elsewhere


def bind_problem(host: str, secret: str, mode: str) -> str | None:
    """Why serving on ``host`` is refused: the public development secret off loopback."""
    if mode != "production" and secret == DEV_JWT_SECRET and not is_loopback(host):
        return (
            f"development mode with the public development secret binds only loopback, not "
            f"{host!r}: set VISITGIS_JWT_SECRET or bind 127.0.0.1"
        )
    return None


def _policy_problems(path: Path | None) -> list[str]:
    """Every problem of a region's scoring policy file, one line each (checked at start)."""
    if path is None:
        return []
    from gql.services.evaluations.rules import PolicyError, load_policy

    try:
        load_policy(path)
    except OSError as exc:
        return [f"scoring_policy {str(path)!r}: {exc.strerror or exc}"]
    except PolicyError as exc:
        return [f"scoring_policy {str(path)!r}: {line}" for line in exc.lines()]
    return []


def load_settings(
    env: Mapping[str, str] | None = None, settings_file: Path | None = None
) -> Settings:
    """Read settings: defaults < TOML file (``VISITGIS_SETTINGS_FILE``) < environment.

    Raises
    ------
    SettingsError
        With every problem found, one per line.
    """
    env = os.environ if env is None else env
    problems: list[str] = []
    raw: dict[str, Any] = {}
    file_path = settings_file or (
        Path(env[_ENV_PREFIX + "SETTINGS_FILE"]) if env.get(_ENV_PREFIX + "SETTINGS_FILE") else None
    )
    extra: dict[str, Any] = {}
    if file_path is not None:
        try:
            document = tomllib.loads(file_path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise SettingsError([f"settings file {str(file_path)!r}: {exc.strerror}"]) from exc
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError([f"settings file {str(file_path)!r}: {exc}"]) from exc
        for key, value in document.items():
            if key in _PARSERS:
                raw[key] = value
            elif isinstance(value, dict):
                extra[key] = value  # sections owned by other parts (carriers, scoring policy)
            else:
                problems.append(f"settings file: unknown key {key!r}")
    for name in _PARSERS:
        env_value = env.get(_ENV_PREFIX + name.upper())
        if env_value is not None:
            raw[name] = env_value

    defaults = Settings()
    values: dict[str, Any] = {f.name: getattr(defaults, f.name) for f in fields(Settings)}
    for name, value in raw.items():
        try:
            values[name] = _PARSERS[name](value)
        except (TypeError, ValueError) as exc:
            problems.append(f"{name}: cannot read {value!r} ({exc})")
    if problems:
        raise SettingsError(problems)
    problems = _check(values)
    if problems:
        raise SettingsError(problems)
    values["extra"] = extra
    return Settings(**values)
