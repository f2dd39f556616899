"""Entry-point discovery and the package's public surface."""

from __future__ import annotations

import pytest

import adapters
from adapters import CarrierHub, ConfigError, RegistryError, load_registry
from adapters.telecom_ws import TelecomWsProvider
from tests.adapters.conftest import make_region


def test_builtin_adapters_are_registered_through_entry_points() -> None:
    """telecom_ws resolves to the provider's from_config via the visitgis.carriers group."""
    registry = load_registry(["telecom_ws"])
    assert registry["telecom_ws"] == TelecomWsProvider.from_config


def test_requesting_an_uninstalled_adapter_fails_loudly() -> None:
    """A region naming an adapter nobody installed stops the start-up."""
    with pytest.raises(RegistryError, match="no carrier adapter installed for nope"):
        load_registry(["nope"])


def test_hub_rejects_a_region_whose_adapter_is_not_in_the_registry() -> None:
    """from_config names the carrier and the adapters it knows."""
    with pytest.raises(
        ConfigError, match=r"carriers\.telecom\.adapter 'telecom_ws' is not installed"
    ):
        CarrierHub.from_config(make_region(only=["telecom"]), {})


def test_every_exported_name_exists() -> None:
    """adapters.__all__ lists only real attributes (contrib may import exactly these)."""
    for name in adapters.__all__:
        assert hasattr(adapters, name), name
    assert sorted(adapters.__all__) == sorted(set(adapters.__all__))


def test_telecom_provider_rejects_missing_credentials() -> None:
    """A telecom carrier without a password is a configuration error at start-up."""
    region = make_region(only=["telecom"])
    cfg = region.carriers[0]
    import dataclasses

    with pytest.raises(ConfigError, match="needs app_id and a password"):
        TelecomWsProvider.from_config(dataclasses.replace(cfg, password=None))
