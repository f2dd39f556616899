"""`visitgis demo seed`: the city and its history, one line per stage, --if-empty kept."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from gql.cli import main

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("VISITGIS_DATABASE_URL", raising=False)
    monkeypatch.delenv("VISITGIS_SETTINGS_FILE", raising=False)
    monkeypatch.setenv("VISITGIS_DATA_DIR", str(tmp_path / "var"))
    return tmp_path / "var"


def test_seed_writes_the_history_with_timed_stages(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each stage is one line with a count and seconds; --if-empty then leaves it alone."""
    small = ["--retailers", "150", "--weeks", "1", "--today", "2026-12-04"]
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["demo", "seed", "--seed", "7", *small]) == 0
    captured = capsys.readouterr()
    stages = captured.err.splitlines()
    assert stages
    assert all(re.search(r"\(\d+\.\d s\)$", line) for line in stages), stages
    assert any(line.startswith("  retailers: 150 ") for line in stages)
    assert any(line.startswith("  closed 2026-11: 15 month results") for line in stages)
    assert "history to 2026-12-04" in captured.out
    assert "months closed 2026-10, 2026-11" in captured.out
    assert main(["demo", "seed", "--if-empty", *small]) == 0
    assert "not seeding" in capsys.readouterr().out
    assert main(["demo", "seed", *small]) == 1
    assert "already holds" in capsys.readouterr().err


def test_a_bad_reference_day_is_a_usage_error(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--today takes an ISO date; anything else stops before touching the database."""
    with pytest.raises(SystemExit) as stopped:
        main(["demo", "seed", "--today", "4.12.2026"])
    assert stopped.value.code == 2
    assert "--today" in capsys.readouterr().err
    assert not data_dir.exists()
