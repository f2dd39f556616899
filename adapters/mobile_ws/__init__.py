"""China Mobile ``GetAddress`` (ASP.NET .asmx, SOAP 1.1 or 1.2) with flat documents."""

from __future__ import annotations

from .client import MobileWsProvider

__all__ = ["MobileWsProvider"]
