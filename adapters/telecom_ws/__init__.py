"""China Telecom ``GetPosition`` (Apache Axis 1.4, rpc/encoded) with MLP-style documents."""

from __future__ import annotations

from .client import TelecomWsProvider

__all__ = ["TelecomWsProvider"]
