"""Readers for TSPLIB ``.tsp`` files and Dumas TSPTW instance files.

Distances follow TSPLIB95 exactly, including the two rules that published optima depend on:
GEO truncates degrees (``int(x)``, not ``nint``) and uses ``PI = 3.141592``; ATT rounds up.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tsp.errors import TsplibFormatError

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["read_dumas", "read_tsplib", "tsplib_distances"]

_GEO_PI = 3.141592
_GEO_RRR = 6378.388
_MAX_DIMENSION = 100_000


def _nint(x: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    return (x + 0.5).astype(np.int64)


def tsplib_distances(kind: str, xy: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """Integer distance matrix for coordinates under a TSPLIB ``EDGE_WEIGHT_TYPE``.

    Parameters
    ----------
    kind
        ``"EUC_2D"``, ``"CEIL_2D"``, ``"ATT"`` or ``"GEO"``.
    xy
        ``n × 2`` coordinates as written in the file (for GEO: latitude, longitude in
        DDD.MM).

    Examples
    --------
    >>> tsplib_distances("EUC_2D", np.array([[0.0, 0.0], [3.0, 4.0]])).tolist()
    [[0, 5], [5, 0]]
    """
    dx = xy[:, None, 0] - xy[None, :, 0]
    dy = xy[:, None, 1] - xy[None, :, 1]
    if kind == "EUC_2D":
        out = _nint(np.sqrt(dx * dx + dy * dy))
    elif kind == "CEIL_2D":
        out = np.ceil(np.sqrt(dx * dx + dy * dy)).astype(np.int64)
    elif kind == "ATT":
        r = np.sqrt((dx * dx + dy * dy) / 10.0)
        t = _nint(r)
        out = np.where(t < r, t + 1, t)
    elif kind == "GEO":
        deg = np.trunc(xy)
        rad = _GEO_PI * (deg + 5.0 * (xy - deg) / 3.0) / 180.0
        lat, lon = rad[:, 0], rad[:, 1]
        q1 = np.cos(lon[:, None] - lon[None, :])
        q2 = np.cos(lat[:, None] - lat[None, :])
        q3 = np.cos(lat[:, None] + lat[None, :])
        arg = np.clip(0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3), -1.0, 1.0)
        out = (_GEO_RRR * np.arccos(arg) + 1.0).astype(np.int64)
    else:
        raise TsplibFormatError(f"unsupported EDGE_WEIGHT_TYPE {kind!r}")
    np.fill_diagonal(out, 0)
    return out


def _explicit(fmt: str, n: int, values: list[float]) -> npt.NDArray[np.int64]:
    m = np.zeros((n, n), dtype=np.float64)
    it = iter(values)
    try:
        if fmt == "FULL_MATRIX":
            for i in range(n):
                for j in range(n):
                    m[i, j] = next(it)
            return m.astype(np.int64)
        pairs: list[tuple[int, int]]
        if fmt == "UPPER_ROW":
            pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
        elif fmt == "LOWER_ROW":
            pairs = [(i, j) for i in range(n) for j in range(i)]
        elif fmt == "UPPER_DIAG_ROW":
            pairs = [(i, j) for i in range(n) for j in range(i, n)]
        elif fmt == "LOWER_DIAG_ROW":
            pairs = [(i, j) for i in range(n) for j in range(i + 1)]
        else:
            raise TsplibFormatError(f"unsupported EDGE_WEIGHT_FORMAT {fmt!r}")
        for i, j in pairs:
            m[i, j] = m[j, i] = next(it)
    except StopIteration:
        raise TsplibFormatError(f"EDGE_WEIGHT_SECTION is too short for {fmt} n={n}") from None
    return m.astype(np.int64)


def read_tsplib(path: str | Path) -> tuple[str, npt.NDArray[np.int64]]:
    """Read a TSPLIB ``.tsp`` file into ``(name, integer cost matrix)``.

    Supports EUC_2D, CEIL_2D, ATT, GEO and EXPLICIT (FULL_MATRIX, UPPER_ROW, LOWER_ROW,
    UPPER_DIAG_ROW, LOWER_DIAG_ROW); numbers may wrap across lines, header keys may have
    trailing blanks and either ``KEY:`` or ``KEY :`` spacing.

    Raises
    ------
    TsplibFormatError
        When the file is unreadable, truncated or uses an unsupported type.
    """
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise TsplibFormatError(f"cannot read {path}: {exc.strerror}") from None
    header: dict[str, str] = {}
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line == "EOF":
            continue
        key = line.split(":", 1)[0].strip().upper()
        if key.endswith("_SECTION"):
            current = key
            sections[current] = []
            continue
        if (":" in line and current is None) or key in {"NAME", "TYPE", "DIMENSION"}:
            header[key] = line.split(":", 1)[1].strip() if ":" in line else ""
            current = None
            continue
        if current is None:
            raise TsplibFormatError(f"{path}: unexpected line {line[:40]!r}")
        sections[current].extend(line.split())
    name = header.get("NAME", Path(path).stem)
    try:
        n = int(header["DIMENSION"])
    except (KeyError, ValueError):
        raise TsplibFormatError(f"{path}: missing or bad DIMENSION") from None
    if not 1 <= n <= _MAX_DIMENSION:
        raise TsplibFormatError(f"{path}: DIMENSION {n} out of range")
    kind = header.get("EDGE_WEIGHT_TYPE", "").upper()
    try:
        if kind == "EXPLICIT":
            values = [float(v) for v in sections.get("EDGE_WEIGHT_SECTION", [])]
            fmt = header.get("EDGE_WEIGHT_FORMAT", "").upper()
            return name, _explicit(fmt, n, values)
        coords = sections.get("NODE_COORD_SECTION", [])
        if len(coords) < 3 * n:
            raise TsplibFormatError(f"{path}: NODE_COORD_SECTION has fewer than {n} nodes")
        xy = np.array([float(v) for v in coords[: 3 * n]], dtype=np.float64).reshape(n, 3)
    except ValueError as exc:
        raise TsplibFormatError(f"{path}: bad number ({exc})") from None
    return name, tsplib_distances(kind, xy[:, 1:])


def read_dumas(
    path: str | Path,
) -> tuple[str, npt.NDArray[np.int64], list[tuple[int, int]]]:
    """Read a Dumas et al. (1995) TSPTW file into ``(name, travel times, windows)``.

    The file is a stream of integers: ``N``, the ``N × N`` matrix, then ``N`` lines of
    ``ready due``. Node 0 is the depot; its window bounds the return.

    Raises
    ------
    TsplibFormatError
        When the file is unreadable, truncated or has non-integer values.
    """
    p = Path(path)
    try:
        tokens = p.read_text(encoding="utf-8", errors="replace").split()
        values = [float(t) for t in tokens]
    except OSError as exc:
        raise TsplibFormatError(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise TsplibFormatError(f"{path}: bad number ({exc})") from None
    if not values or values[0] != int(values[0]) or not 1 <= values[0] <= 10_000:
        raise TsplibFormatError(f"{path}: first value must be the node count")
    n = int(values[0])
    need = 1 + n * n + 2 * n
    if len(values) < need:
        raise TsplibFormatError(f"{path}: expected {need} numbers, found {len(values)}")
    body = np.array(values[1:need], dtype=np.float64)
    if not np.all(np.isfinite(body)) or np.any(body != np.round(body)):
        raise TsplibFormatError(f"{path}: values must be whole numbers")
    matrix = body[: n * n].reshape(n, n).astype(np.int64)
    tw = body[n * n :].reshape(n, 2).astype(np.int64)
    windows = [(int(a), int(b)) for a, b in tw]
    name = p.name.removesuffix(".txt")
    if not math.isfinite(float(n)):
        raise TsplibFormatError(f"{path}: bad size")
    return name, matrix, windows
