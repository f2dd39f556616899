from __future__ import annotations

import json
from typing import TYPE_CHECKING

from tsp.cli import main

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def test_cli_prints_cost_method_optimality_and_order(
    tsplib_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Plain output has the cost, method, proof and order on their own lines."""
    assert main([str(tsplib_dir / "gr17.tsp")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "cost: 2085"
    assert lines[1] == "method: held-karp"
    assert lines[2] == "optimal: proven"
    assert sorted(int(v) for v in lines[3].removeprefix("order: ").split()) == list(range(17))


def test_cli_json_for_a_dumas_file_with_windows(
    tsptw_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--windows --json reproduces a Dumas row as one JSON object."""
    assert main([str(tsptw_dir / "n20w20.002.txt"), "--windows", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["cost"] == 286
    assert payload["proven_optimal"] is True
    assert payload["unserved"] == []


def test_cli_open_path_from_another_start(
    tsplib_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--open --start gives an open path that begins at the chosen stop."""
    assert main([str(tsplib_dir / "burma14.tsp"), "--open", "--start", "5", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["order"][0] == 5
    assert len(payload["order"]) == 14


def test_cli_bad_input_exits_two_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing file or an out-of-range start is an error message and exit code 2."""
    assert main([str(tmp_path / "missing.tsp")]) == 2
    assert "cannot read" in capsys.readouterr().err
    bad = tmp_path / "t.tsp"
    bad.write_text(
        "NAME: t\nDIMENSION: 2\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 3 4\n"
    )
    assert main([str(bad), "--start", "9"]) == 2
    assert "out of range" in capsys.readouterr().err
