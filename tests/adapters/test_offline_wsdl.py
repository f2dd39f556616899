"""WSDLs load from the package without any network access."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from adapters import ConfigError, load_wsdl_client

if TYPE_CHECKING:
    from pathlib import Path

REMOTE_IMPORT = """<?xml version="1.0"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" targetNamespace="urn:t">
  <wsdl:import namespace="urn:x" location="http://schemas.example/remote.wsdl"/>
</wsdl:definitions>"""


def test_a_wsdl_that_imports_a_remote_document_is_refused(tmp_path: Path) -> None:
    """Start-up never fetches schemas from the network: a remote import is a ConfigError."""
    wsdl = tmp_path / "remote.wsdl"
    wsdl.write_text(REMOTE_IMPORT, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cannot load WSDL remote\.wsdl"):
        load_wsdl_client(wsdl)


def test_missing_wsdl_file_is_a_config_error(tmp_path: Path) -> None:
    """A missing WSDL fails the start-up with its name."""
    with pytest.raises(ConfigError, match=r"nope\.wsdl"):
        load_wsdl_client(tmp_path / "nope.wsdl")
