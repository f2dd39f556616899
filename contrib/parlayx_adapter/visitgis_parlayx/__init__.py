"""Parlay X 2.x Terminal Location (``getLocation``) adapter for visitgis.

Installed separately (``pip install -e contrib/parlayx_adapter``) and discovered through the
``visitgis.carriers`` entry point ``parlayx_tl``: the core never imports it by name.
"""

from __future__ import annotations

from .provider import ParlayXProvider

__all__ = ["ParlayXProvider"]
