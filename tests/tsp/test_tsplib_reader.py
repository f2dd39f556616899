from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

from tsp import TsplibFormatError, read_dumas, read_tsplib, tsplib_distances

if TYPE_CHECKING:
    from pathlib import Path


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "x.tsp"
    path.write_text(body)
    return path


@pytest.mark.parametrize(
    ("fmt", "numbers"),
    [
        ("FULL_MATRIX", "0 1 2\n1 0 3\n2 3 0"),
        ("UPPER_ROW", "1 2\n3"),
        ("LOWER_ROW", "1\n2 3"),
        ("UPPER_DIAG_ROW", "0 1 2 0\n 3 0"),
        ("LOWER_DIAG_ROW", "0 1 0 2 3 0"),
    ],
)
def test_explicit_formats_give_the_same_matrix(fmt: str, numbers: str, tmp_path: Path) -> None:
    """All explicit layouts, with numbers wrapped anyhow, decode to the same matrix."""
    path = _write(
        tmp_path,
        f"NAME : t\nTYPE: TSP\nDIMENSION: 3 \nEDGE_WEIGHT_TYPE: EXPLICIT \n"
        f"EDGE_WEIGHT_FORMAT: {fmt}\nEDGE_WEIGHT_SECTION\n{numbers}\nEOF\n",
    )
    name, cost = read_tsplib(path)
    assert name == "t"
    assert cost.tolist() == [[0, 1, 2], [1, 0, 3], [2, 3, 0]]


def test_euclidean_distances_round_to_nearest() -> None:
    """EUC_2D is nint(sqrt(dx²+dy²)); 0.5 rounds up."""
    xy = np.array([[0.0, 0.0], [0.5, 0.0], [1.5, 0.0]])
    assert tsplib_distances("EUC_2D", xy)[0].tolist() == [0, 1, 2]


def test_att_distances_round_up_pseudo_euclidean() -> None:
    """ATT: r = sqrt(d²/10), nint, plus one when the rounding went down."""
    xy = np.array([[0.0, 0.0], [10.0, 0.0]])
    assert tsplib_distances("ATT", xy)[0, 1] == 4  # r = 3.162..., nint 3 < r -> 4


def test_truncated_section_is_a_format_error(tmp_path: Path) -> None:
    """Too few matrix numbers raise TsplibFormatError, not IndexError."""
    path = _write(
        tmp_path,
        "NAME: t\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: UPPER_ROW\n"
        "EDGE_WEIGHT_SECTION\n1 2\nEOF\n",
    )
    with pytest.raises(TsplibFormatError, match="too short"):
        read_tsplib(path)


@pytest.mark.parametrize(
    "body",
    [
        "NAME: t\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 0\n",
        "NAME: t\nDIMENSION: 2\nEDGE_WEIGHT_TYPE: MAN_3D\nNODE_COORD_SECTION\n1 0 0\n2 1 1\n",
        "NAME: t\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 0\n",
        "NAME: t\nDIMENSION: 2\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 a 0\n2 1 1\n",
    ],
)
def test_bad_headers_and_sections_are_format_errors(body: str, tmp_path: Path) -> None:
    """Missing DIMENSION, unknown types, short or non-numeric sections are all typed errors."""
    with pytest.raises(TsplibFormatError):
        read_tsplib(_write(tmp_path, body))


def test_missing_file_is_a_format_error(tmp_path: Path) -> None:
    """An unreadable path raises TsplibFormatError naming the path."""
    with pytest.raises(TsplibFormatError, match="cannot read"):
        read_tsplib(tmp_path / "nope.tsp")


def test_dumas_reader_returns_matrix_and_depot_window(tsptw_dir: Path) -> None:
    """The Dumas reader yields an (n+1)² matrix and one window per node, depot first."""
    name, cost, windows = read_dumas(tsptw_dir / "n20w20.001.txt")
    assert name == "n20w20.001"
    assert cost.shape == (21, 21)
    assert len(windows) == 21
    assert windows[0] == (0, 408)


def test_truncated_dumas_file_is_a_format_error(tmp_path: Path) -> None:
    """A Dumas file with too few numbers raises TsplibFormatError."""
    path = tmp_path / "d.txt"
    path.write_text("3\n0 1 2\n1 0 3\n")
    with pytest.raises(TsplibFormatError, match="expected"):
        read_dumas(path)
