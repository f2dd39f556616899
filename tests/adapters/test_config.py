"""Loading and validating the regional carrier configuration (TOML)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from adapters import ConfigError, Secret, load_region_config
from tests.adapters.conftest import region_dict

if TYPE_CHECKING:
    from pathlib import Path

TOML = """
region = "wenzhou"
fallback_order = ["mobile", "telecom"]
max_deadline_s = 30

[cache]
negative_ttl_s = 45

[carriers.telecom]
adapter = "telecom_ws"
endpoint = "http://10.1.2.3:8181/saye/services/Location"
app_id = "YC-GIS"
password_file = "{secret}"
read_timeout_s = 40
[carriers.telecom.breaker]
failure_threshold = 4
[carriers.telecom.options]
service_id = "LBS0001"

[carriers.mobile]
adapter = "mobile_ws"
endpoint = "http://10.1.2.4/websrvzjdw/service.asmx"
app_id = "YC-GIS"
password_env = "VISITGIS_CM_PASSWORD"
max_concurrent = 4
[carriers.mobile.options]
soap_version = "1.2"
"""


def test_toml_file_loads_with_secrets_from_file_and_environment(tmp_path: Path) -> None:
    """Fallback order, timeouts, breaker, options and both secret sources are read."""
    secret = tmp_path / "ct.secret"
    secret.write_text("ct-pass\n", encoding="utf-8")
    path = tmp_path / "wenzhou.toml"
    path.write_text(TOML.format(secret=secret), encoding="utf-8")
    region = load_region_config(path, environ={"VISITGIS_CM_PASSWORD": "cm-pass"})
    assert region.region == "wenzhou"
    assert [c.id for c in region.carriers] == ["mobile", "telecom"]
    telecom = region.carrier("telecom")
    assert telecom.password == Secret("ct-pass")
    assert telecom.read_timeout_s == 40
    assert telecom.breaker.failure_threshold == 4
    assert telecom.options["service_id"] == "LBS0001"
    mobile = region.carrier("mobile")
    assert mobile.password is not None
    assert mobile.password.reveal() == "cm-pass"
    assert mobile.max_concurrent == 4
    assert region.cache.negative_ttl_s == 45
    assert region.max_deadline_s == 30


def test_secrets_never_appear_in_repr() -> None:
    """Logging a config cannot leak a password."""
    region = load_region_config(region_dict(), environ={"CT_PASSWORD": "p1x", "CM_PASSWORD": "p2x"})
    text = repr(region)
    assert "p1x" not in text
    assert "p2x" not in text
    assert "***" in text


def test_missing_environment_variable_names_the_variable() -> None:
    """The error says which variable is unset."""
    with pytest.raises(ConfigError, match="CT_PASSWORD is unset"):
        load_region_config(region_dict(), environ={"CM_PASSWORD": "x"})


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"telecom": {"endpoint": "ftp://x"}}, "endpoint must be an http"),
        ({"telecom": {"read_timeout_s": 0}}, "read_timeout_s must be within"),
        ({"telecom": {"read_timeout_s": float("inf")}}, "read_timeout_s must be within"),
        ({"telecom": {"inner_timer_margin_s": 40}}, "inner_timer_margin_s must be below"),
        ({"telecom": {"max_concurrent": 0}}, "max_concurrent must be within"),
        ({"telecom": {"timeout": 3}}, "unknown key"),
        ({"telecom": {"retry": {"max_retries": 3}}}, "max_retries must be within"),
        ({"fallback_order": ["telecom"]}, "fallback_order"),
        ({"telecom": {"password_file": "/nonexistent/secret"}}, "password_env and password_file"),
    ],
)
def test_invalid_settings_are_rejected_with_the_key_named(
    overrides: dict[str, object], message: str
) -> None:
    """Each invalid value raises ConfigError naming its key."""
    with pytest.raises(ConfigError, match=message):
        load_region_config(
            region_dict(**overrides), environ={"CT_PASSWORD": "a", "CM_PASSWORD": "b"}
        )


def test_unreadable_and_invalid_toml_files_are_config_errors(tmp_path: Path) -> None:
    """A missing file or broken TOML is a ConfigError, not an OSError or TOMLDecodeError."""
    with pytest.raises(ConfigError, match="cannot read"):
        load_region_config(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("region = ", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_region_config(broken)


def test_integer_option_is_accepted_where_a_float_is_expected() -> None:
    """TOML writes 5 for 5.0; adapter options accept it, but not a string."""
    region = load_region_config(
        region_dict(telecom={"options": {"factor": 5, "name": "x"}}),
        environ={"CT_PASSWORD": "a", "CM_PASSWORD": "b"},
    )
    cfg = region.carrier("telecom")
    assert cfg.option("factor", 1.0) == 5.0
    with pytest.raises(ConfigError, match=r"options\.name must be float"):
        cfg.option("name", 1.0)
