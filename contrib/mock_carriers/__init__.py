"""Mock China Telecom and China Mobile location services speaking the real WSDLs over HTTP.

Run both with ``python -m contrib.mock_carriers --host 127.0.0.1 --telecom-port 8701
--mobile-port 8702``; tests start them in-process with :class:`MockCarrierServer`.
"""

from __future__ import annotations

from .mobile import mobile_app
from .server import MockCarrierServer
from .state import Behaviour, CarrierState
from .telecom import telecom_app

__all__ = ["Behaviour", "CarrierState", "MockCarrierServer", "mobile_app", "telecom_app"]
