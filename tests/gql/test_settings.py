from pathlib import Path

import pytest

from gql.settings import DEV_JWT_SECRET, SettingsError, load_settings, secret_problems

STRONG = "q7Vx2LmR9pTzK4wN8bYc1HfJ6sDg3Ae5Uo0iPkWl"
"""A 40-character secret drawn at random (as `openssl rand -base64 30` makes)."""


def test_defaults_start_a_development_service_on_embedded_sqlite() -> None:
    """With no configuration the service runs in development mode on a SQLite file."""
    settings = load_settings(env={})
    assert settings.mode == "development"
    assert settings.effective_database_url.startswith("sqlite:///")
    assert settings.effective_database_url.endswith("visitgis.sqlite3")


def test_environment_overrides_the_settings_file(tmp_path: Path) -> None:
    """Environment variables win over the TOML file, which wins over defaults."""
    file = tmp_path / "visitgis.toml"
    file.write_text('port = 9000\nlog_level = "debug"\n[carriers]\nregion = "wenzhou"\n')
    settings = load_settings(env={"VISITGIS_PORT": "9100"}, settings_file=file)
    assert settings.port == 9100
    assert settings.log_level == "DEBUG"
    assert settings.extra["carriers"] == {"region": "wenzhou"}


def test_every_bad_setting_is_reported_on_its_own_line(tmp_path: Path) -> None:
    """All problems are listed together, each naming the setting and the bad value."""
    with pytest.raises(SettingsError) as caught:
        load_settings(
            env={
                "VISITGIS_PORT": "eighty",
                "VISITGIS_EXECUTION_TIMEOUT_S": "-1",
                "VISITGIS_WARM_KERNELS": "perhaps",
            }
        )
    problems = caught.value.problems
    assert len(problems) == 2  # parse errors first: port and warm_kernels
    assert any(p.startswith("port:") and "'eighty'" in p for p in problems)
    assert any(p.startswith("warm_kernels:") for p in problems)


def test_semantic_problems_are_reported_together() -> None:
    """Out-of-range values are collected, not raised one at a time."""
    with pytest.raises(SettingsError) as caught:
        load_settings(
            env={
                "VISITGIS_PORT": "70000",
                "VISITGIS_EXECUTION_TIMEOUT_S": "0",
                "VISITGIS_DATABASE_URL": "mysql://root@localhost/db",
                "VISITGIS_MODE": "staging",
            }
        )
    text = str(caught.value)
    assert "port must be 1..65535, got 70000" in text
    assert "execution_timeout_s must be in (0, 300]" in text
    assert "database_url must be a sqlite: or postgresql: URL, got 'mysql'" in text
    assert "mode must be 'development' or 'production'" in text


def test_production_refuses_the_development_secret() -> None:
    """A production service cannot start with the published development secret."""
    with pytest.raises(SettingsError, match=r"jwt_secret must be set in production"):
        load_settings(env={"VISITGIS_MODE": "production"})
    with pytest.raises(SettingsError, match="at least 32 characters"):
        load_settings(env={"VISITGIS_MODE": "production", "VISITGIS_JWT_SECRET": "short"})
    ok = load_settings(env={"VISITGIS_MODE": "production", "VISITGIS_JWT_SECRET": STRONG})
    assert ok.is_production
    assert ok.jwt_secret != DEV_JWT_SECRET


def test_missing_or_broken_settings_file_is_a_clear_error(tmp_path: Path) -> None:
    """A settings file that cannot be read or parsed names the file."""
    missing = tmp_path / "nope.toml"
    with pytest.raises(SettingsError, match=r"nope\.toml"):
        load_settings(env={}, settings_file=missing)
    broken = tmp_path / "broken.toml"
    broken.write_text("port = = 1\n")
    with pytest.raises(SettingsError, match=r"broken\.toml"):
        load_settings(env={}, settings_file=broken)


def test_unknown_top_level_key_in_settings_file_is_refused(tmp_path: Path) -> None:
    """A typo in the settings file is reported instead of silently ignored."""
    file = tmp_path / "s.toml"
    file.write_text("prot = 8000\n")
    with pytest.raises(SettingsError, match="unknown key 'prot'"):
        load_settings(env={}, settings_file=file)


def test_a_regions_scoring_policy_is_checked_at_start_one_line_per_problem(
    tmp_path: Path,
) -> None:
    """VISITGIS_SCORING_POLICY names a region's file; every problem in it is its own line, and
    a good file is the policy the service runs on."""
    from importlib import resources

    from gql.app import build_state
    from gql.store.db import create_engine_for, session_factory

    text = (
        resources.files("gql.services.evaluations.rules").joinpath("policy.toml").read_text("utf-8")
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(
        text.replace("breach_points = 5.0", "breach_points = -5.0").replace(
            'breach_window = "rolling_12_months"', 'breach_window = "decade"'
        ),
        encoding="utf-8",
    )
    with pytest.raises(SettingsError) as info:
        load_settings({"VISITGIS_SCORING_POLICY": str(bad)})
    assert len(info.value.problems) == 2
    assert all(p.startswith(f"scoring_policy '{bad}': policy key") for p in info.value.problems)
    with pytest.raises(SettingsError, match="No such file"):
        load_settings({"VISITGIS_SCORING_POLICY": str(tmp_path / "missing.toml")})
    good = tmp_path / "region.toml"
    good.write_text(text.replace('version = "2026.1-paper"', 'version = "region-7"'), "utf-8")
    settings = load_settings({"VISITGIS_SCORING_POLICY": str(good)})
    engine = create_engine_for(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    try:
        state = build_state(settings, engine, session_factory(engine))
        assert state.policy.version == "region-7"
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        (" " * 40, "blank"),
        ("x" * 40, "too little entropy"),
        ("ab" * 20, "too little entropy"),
        ("0123456789" * 4, "repeats a block of 10"),
        ("Kq7#vP2m" * 5, "repeats a block of 8"),
        (f" {STRONG}", "leading or trailing whitespace"),
        (STRONG[:20], "at least 32 characters"),
    ],
)
def test_production_refuses_weak_secrets(secret: str, reason: str) -> None:
    """40 spaces, one repeated letter, a short or padded secret: refused, saying why."""
    assert any(reason in p for p in secret_problems(secret)), secret_problems(secret)
    with pytest.raises(SettingsError, match=reason):
        load_settings(env={"VISITGIS_MODE": "production", "VISITGIS_JWT_SECRET": secret})


def test_random_secrets_pass_the_entropy_check() -> None:
    """base64 and hex secrets of 32+ characters, as operators generate them."""
    import secrets

    for _ in range(500):
        assert secret_problems(secrets.token_urlsafe(32)) == []
        assert secret_problems(secrets.token_hex(16)) == []


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "gis.example.com"])
def test_development_secret_binds_only_loopback(host: str) -> None:
    """The published development secret on a reachable address would let anyone mint tokens."""
    with pytest.raises(SettingsError, match="binds only loopback"):
        load_settings(env={"VISITGIS_HOST": host})
    assert load_settings(env={"VISITGIS_HOST": host, "VISITGIS_JWT_SECRET": STRONG}).host == host
    for loopback in ("127.0.0.1", "::1", "localhost"):
        assert load_settings(env={"VISITGIS_HOST": loopback}).host == loopback


def test_database_pool_and_timeouts_are_settings_checked_at_start() -> None:
    """Pool size, statement and lock timeouts and the application name: set, or refused."""
    settings = load_settings(
        env={
            "VISITGIS_DATABASE_POOL_SIZE": "12",
            "VISITGIS_DATABASE_STATEMENT_TIMEOUT_S": "20",
            "VISITGIS_DATABASE_LOCK_TIMEOUT_S": "2.5",
            "VISITGIS_DATABASE_APPLICATION_NAME": "visitgis-api-2",
        }
    )
    options = settings.engine_options
    assert (options.pool_size, options.statement_timeout_s, options.lock_timeout_s) == (12, 20, 2.5)
    assert options.application_name == "visitgis-api-2"
    with pytest.raises(SettingsError) as caught:
        load_settings(
            env={
                "VISITGIS_DATABASE_POOL_SIZE": "0",
                "VISITGIS_DATABASE_LOCK_TIMEOUT_S": "-1",
                "VISITGIS_DATABASE_APPLICATION_NAME": "客户经理",
                "VISITGIS_API_PROCESSES": "0",
                "VISITGIS_OPERATION_LOOPS": "33",
            }
        )
    text = str(caught.value)
    assert "api_processes must be 1..1024, got 0" in text
    assert "operation_loops must be 0..32, got 33" in text
    assert "database_pool_size must be 1..200, got 0" in text
    assert "database_lock_timeout_s must be in [0, 3600] seconds, got -1" in text
    assert "database_application_name must be 1..63 printable ASCII" in text


def test_evidence_retention_defaults_to_180_days_and_allows_keeping_forever() -> None:
    """180 days unless configured; 0 keeps raw evidence forever; 35 is the shortest allowed."""
    assert load_settings(env={}).evidence_retention_days == 180
    assert load_settings(env={"VISITGIS_EVIDENCE_RETENTION_DAYS": "0"}).evidence_retention_days == 0
    assert (
        load_settings(env={"VISITGIS_EVIDENCE_RETENTION_DAYS": "35"}).evidence_retention_days == 35
    )


def test_evidence_retention_shorter_than_the_verification_look_back_is_refused() -> None:
    """Fewer than 35 days would strip fixes the 30-day reuse check still reads."""
    with pytest.raises(SettingsError) as caught:
        load_settings(env={"VISITGIS_EVIDENCE_RETENTION_DAYS": "30"})
    assert caught.value.problems == [
        "evidence_retention_days must be 0 (keep forever) or at least 35 "
        "(verification looks back 30 days), got 30"
    ]


def test_road_factors_by_area_are_read_and_each_bad_pair_is_named() -> None:
    """``A01=1.8, A02=1.2`` is read in order; a factor out of [1, 4], a pair without ``=``
    and a bad default speed are each reported."""
    settings = load_settings(env={"VISITGIS_AREA_ROAD_FACTORS": "A01=1.8, A02=1.2"})
    from gql.settings import area_factor_pairs

    assert area_factor_pairs(settings.area_road_factors) == (("A01", 1.8), ("A02", 1.2))
    with pytest.raises(SettingsError) as refused:
        load_settings(
            env={
                "VISITGIS_AREA_ROAD_FACTORS": "A01=9,A02",
                "VISITGIS_ROAD_FACTOR": "0.5",
                "VISITGIS_TRAVEL_SPEED_MPS": "0",
            }
        )
    said = "\n".join(refused.value.problems)
    assert "'A01=9' is not AREA=factor" in said
    assert "road_factor must be in [1, 4]" in said
    assert "travel_speed_mps must be 0.5..40" in said
