"""The adapter's tests stay offline too (they also run outside the main tests/ tree)."""

from __future__ import annotations

import socket
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse every outbound connection; `responses` answers in-process."""

    def refuse(self: socket.socket, address: Any) -> None:
        raise RuntimeError(f"parlayx tests may not connect to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
