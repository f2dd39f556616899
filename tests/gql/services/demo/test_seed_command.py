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


def test_a_load_test_city_has_more_managers_each_with_a_share(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--managers-per-department makes a bigger organisation; every manager gets retailers."""
    import sqlalchemy as sa

    from gql.domain import Role
    from gql.store.db import create_engine_for
    from gql.store.models import RetailerRow, StaffRow

    assert main(["db", "upgrade"]) == 0
    args = ["--retailers", "600", "--no-history", "--managers-per-department", "8"]
    assert main(["demo", "seed", "--seed", "7", *args]) == 0
    assert "(24 managers)" in capsys.readouterr().out
    engine = create_engine_for(f"sqlite:///{data_dir / 'visitgis.sqlite3'}")
    try:
        with engine.connect() as connection:
            managers = set(
                connection.scalars(
                    sa.select(StaffRow.id).where(StaffRow.role == Role.ACCOUNT_MANAGER)
                )
            )
            counted = connection.execute(
                sa.select(RetailerRow.manager_id, sa.func.count()).group_by(RetailerRow.manager_id)
            )
            shares = {manager_id: count for manager_id, count in counted}
    finally:
        engine.dispose()
    assert len(managers) == 24
    assert set(shares) == managers  # nobody left without retailers, no retailer unassigned
    assert min(shares.values()) >= 5


@pytest.mark.parametrize("count", ["0", "1001"])
def test_a_manager_count_out_of_range_is_refused_before_writing(
    data_dir: Path, capsys: pytest.CaptureFixture[str], count: str
) -> None:
    """Zero managers (or more than the staff numbers hold) is a usage error; nothing is seeded."""
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["demo", "seed", "--no-history", "--managers-per-department", count]) == 2
    error = capsys.readouterr().err
    assert "--managers-per-department: managers per department must be 1 to 1000" in error
    assert main(["demo", "seed", "--if-empty", "--no-history", "--retailers", "150"]) == 0
    assert "not seeding" not in capsys.readouterr().out
