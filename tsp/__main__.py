"""Entry point for ``python -m tsp``."""

from __future__ import annotations

from tsp.cli import main

raise SystemExit(main())
