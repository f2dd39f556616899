"""``visitgis privacy``: the retention job with a frozen clock, and a person's export."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from gql.cli import main
from gql.services.calendar import local_day
from gql.settings import load_settings
from gql.store.db import create_engine_for, session_factory
from tests.gql.conftest import people_in
from tests.gql.services.privacy.conftest import NOW, add_visit


@pytest.fixture
def manager_with_old_visit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated, seeded data directory whose first manager has a visit 200 days before NOW."""
    monkeypatch.delenv("VISITGIS_DATABASE_URL", raising=False)
    monkeypatch.delenv("VISITGIS_SETTINGS_FILE", raising=False)
    monkeypatch.setenv("VISITGIS_DATA_DIR", str(tmp_path / "var"))
    assert main(["db", "upgrade"]) == 0
    assert main(["demo", "seed", "--seed", "7", "--no-history"]) == 0
    engine = create_engine_for(load_settings().effective_database_url)
    try:
        staff_no = people_in(engine).manager
        with session_factory(engine)() as session:
            add_visit(session, staff_no, NOW - timedelta(days=200), "cli-old")
            session.commit()
    finally:
        engine.dispose()
    return staff_no


def test_reduce_runs_once_and_a_second_run_finds_nothing(
    manager_with_old_visit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the clock given, the old visit is reduced once; the job is idempotent."""
    now = NOW.isoformat()
    assert main(["privacy", "reduce", "--now", now]) == 0
    assert "reduced 1 visits" in capsys.readouterr().out
    assert main(["privacy", "reduce", "--now", now]) == 0
    assert "reduced 0 visits" in capsys.readouterr().out


def test_a_too_short_retention_or_a_naive_clock_is_refused(
    manager_with_old_visit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """10 days would break verification; a clock without offset would be a guess."""
    assert main(["privacy", "reduce", "--now", NOW.isoformat(), "--days", "10"]) == 1
    assert "at least 35 days; nothing was written" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["privacy", "reduce", "--now", "2026-12-01T02:00:00"])
    assert main(["privacy", "reduce", "--now", NOW.isoformat()]) == 0
    assert "reduced 1 visits" in capsys.readouterr().out


def test_export_writes_a_persons_file_with_their_visits(
    manager_with_old_visit: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The data-protection officer's export: staff record, profile, the period's visits."""
    day = local_day(NOW - timedelta(days=200))
    out = tmp_path / "file.json"
    args = ["privacy", "export", manager_with_old_visit, "--output", str(out)]
    assert main([*args, "--from", day.isoformat(), "--to", day.isoformat()]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["staff"]["staff_no"] == manager_with_old_visit
    assert [v["idempotency_key"] for v in data["visits"]] == ["cli-old"]
    assert data["visits"][0]["fixes"][0]["lat"] == 28.0012
    assert main(["privacy", "export", "NOBODY", "--output", str(out)]) == 1
    assert "staff member not found" in capsys.readouterr().err
