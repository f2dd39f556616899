"""Published optima parsed from the READMEs in ../shared (tables are the source of truth)."""

from __future__ import annotations

import re
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def tsplib_optima() -> dict[str, tuple[int, int]]:
    """``name -> (n, optimal length)`` for every TSPLIB instance in the README table."""
    out: dict[str, tuple[int, int]] = {}
    for line in (SHARED / "tsplib" / "README.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| (\w+) \| (\d+) \| [^|]+\| (\d+) \| (yes|no)", line)
        if m:
            out[m[1]] = (int(m[2]), int(m[3]))
    return out


def tsptw_optima() -> dict[str, int]:
    """``instance -> optimal travel time`` for the 75 Dumas instances."""
    out: dict[str, int] = {}
    for line in (SHARED / "tsptw" / "README.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| (n\d+w\d+\.\d+) \| (\d+) \| (\d+) \| (\d+) \|", line)
        if m:
            out[m[1]] = int(m[4])
    return out
