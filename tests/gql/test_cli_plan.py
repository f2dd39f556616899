"""``visitgis plan``: batch proposals with progress, clear one-line errors, nothing half-done."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from gql.cli import main
from gql.store.db import create_engine_for, sqlite_url


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, seeded demo city in a data directory of its own."""
    path = tmp_path_factory.mktemp("plan") / "var"
    with pytest.MonkeyPatch.context() as mp:
        _env(mp, path)
        assert main(["db", "upgrade"]) == 0
        assert main(["demo", "seed", "--seed", "7", "--no-history"]) == 0
    return path


def _env(mp: pytest.MonkeyPatch, path: Path) -> None:
    mp.delenv("VISITGIS_DATABASE_URL", raising=False)
    mp.delenv("VISITGIS_SETTINGS_FILE", raising=False)
    mp.setenv("VISITGIS_DATA_DIR", str(path))


def _owners(path: Path) -> dict[int, int | None]:
    engine = create_engine_for(sqlite_url(path))
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT id, manager_id FROM retailers")).all()
    finally:
        engine.dispose()
    return {int(r[0]): r[1] for r in rows}


def test_plan_territories_prints_progress_and_a_comparison_without_applying(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 0, progress on stderr, proposal and current metrics on stdout, retailers unchanged."""
    _env(monkeypatch, data_dir)
    before = _owners(data_dir)
    assert main(["plan", "territories", "--department", "KF01"]) == 0
    captured = capsys.readouterr()
    assert "allocate" in captured.err
    assert "(TERRITORIES, PROPOSED)" in captured.out
    assert "current " in captured.out
    assert "not applied" in captured.out
    assert _owners(data_dir) == before


def test_plan_territories_with_apply_reassigns_and_plan_schedule_follows(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--apply moves the retailers it reports; a schedule on the new territories then fits."""
    _env(monkeypatch, data_dir)
    before = _owners(data_dir)
    assert main(["plan", "territories", "--department", "KF02", "--apply"]) == 0
    out = capsys.readouterr().out
    moved = int(out.split("applied: ")[1].split()[0])
    after = _owners(data_dir)
    assert sum(before[r] != after[r] for r in before) == moved
    assert main(["plan", "schedule", "--department", "KF02"]) == 0
    out = capsys.readouterr().out
    assert "(SCHEDULE, PROPOSED)" in out
    assert "over cap 0" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["plan", "territories", "--department", "NOPE"], "no department with code 'NOPE'"),
        (["plan", "territories", "--managers", "99999"], "use at most"),
        (["plan", "schedule", "--department", "KF03", "--cap-hours", "0.5"], "raise the cap"),
        (["plan", "territories", "--as", "NOBODY"], "no active staff member"),
    ],
)
def test_bad_plan_requests_exit_1_with_one_line_and_write_nothing(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    needle: str,
) -> None:
    """Unknown department, too many managers, an infeasible cap: exit 1, one clear line."""
    _env(monkeypatch, data_dir)
    before = _owners(data_dir)
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("visitgis: ")
    assert needle in err
    assert "nothing was written" in err
    assert _owners(data_dir) == before


def _plans(path: Path) -> list[tuple[int, str]]:
    engine = create_engine_for(sqlite_url(path))
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT id, status FROM visit_plans")).all()
    finally:
        engine.dispose()
    return sorted((int(r[0]), str(r[1])) for r in rows)


def test_plan_day_publishes_every_managers_plan_and_needs_a_reason_to_replan(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One line per active manager, published; again without --reason: exit 1, nothing new."""
    _env(monkeypatch, data_dir)
    argv = ["plan", "day", "--department", "KF03", "--date", "2027-01-04"]
    assert main(argv) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 6
    assert all(" v1, " in line for line in lines[:5])
    assert lines[-1].startswith("published 5 plan(s) for 2027-01-04 in ")
    before = _plans(data_dir)
    assert [status for _, status in before].count("PUBLISHED") >= 5
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "give a reason to re-plan them" in err
    assert "nothing was written" in err
    assert _plans(data_dir) == before
    assert main([*argv, "--reason", "road works"]) == 0
    assert all(" v2, " in line for line in capsys.readouterr().out.splitlines()[:5])


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--department", "NOPE"], "no department with code 'NOPE'"),
        (["--department", "KF01", "--as", "NOBODY"], "no active staff member"),
        (["--department", "KF01", "--as", "W0010"], "your role may not"),
    ],
)
def test_bad_plan_day_requests_exit_1_and_write_nothing(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    needle: str,
) -> None:
    """Unknown department or person, a manager acting: exit 1, one clear line, no plan."""
    _env(monkeypatch, data_dir)
    before = _plans(data_dir)
    assert main(["plan", "day", "--date", "2027-01-05", *argv]) == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert needle in err
    assert "nothing was written" in err
    assert _plans(data_dir) == before


def _proposal_ids(path: Path) -> list[int]:
    engine = create_engine_for(sqlite_url(path))
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT id FROM territory_proposals WHERE kind = 'TERRITORIES' ORDER BY id")
            ).all()
    finally:
        engine.dispose()
    return [int(r[0]) for r in rows]


def _proposal_rows(path: Path, proposal_id: int) -> list[int]:
    engine = create_engine_for(sqlite_url(path))
    try:
        with engine.connect() as connection:
            return list(
                connection.execute(
                    sa.text("SELECT retailer_id FROM proposal_assignments WHERE proposal_id = :p"),
                    {"p": proposal_id},
                ).scalars()
            )
    finally:
        engine.dispose()


def _manager_of_retailers(path: Path) -> tuple[str, set[int]]:
    engine = create_engine_for(sqlite_url(path))
    try:
        with engine.connect() as connection:
            staff_no, manager_id = connection.execute(
                sa.text(
                    "SELECT s.staff_no, s.id FROM staff s JOIN departments d ON d.id = "
                    "s.department_id WHERE d.code = 'KF01' AND s.role = 'ACCOUNT_MANAGER' "
                    "ORDER BY s.id LIMIT 1"
                )
            ).one()
            retailers = connection.execute(
                sa.text("SELECT id FROM retailers WHERE manager_id = :m AND status = 'ACTIVE'"),
                {"m": manager_id},
            ).scalars()
            return str(staff_no), {int(r) for r in retailers}
    finally:
        engine.dispose()


def test_a_locked_manager_keeps_the_whole_territory_and_proposals_export_and_compare(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """A re-plan with one manager's territory locked plans the others without it (none of
    their retailers is in the proposal, so applying it cannot move one); its assignments
    export as CSV (one row per retailer, by licence number) and its territories as GeoJSON;
    against a free re-plan, compare names what differs."""
    _env(monkeypatch, data_dir)
    staff_no, kept = _manager_of_retailers(data_dir)
    assert main(["plan", "territories", "--department", "KF01", "--lock-manager", staff_no]) == 0
    locked = _proposal_ids(data_dir)[-1]
    assert main(["plan", "territories", "--department", "KF01"]) == 0
    free = _proposal_ids(data_dir)[-1]
    capsys.readouterr()
    csv_file, geojson_file = tmp_path / "a.csv", tmp_path / "t.geojson"
    assert main(["plan", "export", str(locked), "--output", str(csv_file)]) == 0
    assert (
        main(["plan", "export", str(locked), "--format", "geojson", "--output", str(geojson_file)])
        == 0
    )
    assert main(["plan", "compare", str(locked), str(free)]) == 0
    out = capsys.readouterr().out
    header, *rows = list(csv.reader(io.StringIO(csv_file.read_text(encoding="utf-8-sig"))))
    assert header[:3] == ["licence_no", "retailer", "manager_staff_no"]
    assert kept
    assert not [r for r in rows if staff_no in (r[2], r[4])]  # their territory is not replanned
    free_rows = len(_proposal_rows(data_dir, free))
    assert len(rows) == free_rows - len(kept)
    features = json.loads(geojson_file.read_text(encoding="utf-8"))["features"]
    assert sum(f["properties"]["retailers"] for f in features) == len(rows)
    assert {f["geometry"]["type"] for f in features} == {"MultiPolygon"}
    assert f"proposals {locked} and {free}: {free_rows} retailers" in out
    assert "workloadCv" in out


def test_export_of_a_missing_proposal_exits_1(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    _env(monkeypatch, data_dir)
    assert main(["plan", "export", "999999", "--output", str(tmp_path / "x.csv")]) == 1
    assert "proposal" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_a_proposal_applies_territory_by_territory_from_the_command_line(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """``plan apply ID --manager S`` applies that manager's territory only (the CSV's reason
    column says why each moved retailer moves), ``plan apply ID`` the rest; a stranger's staff
    number and a second apply exit 1 and change nothing."""
    _env(monkeypatch, data_dir)
    assert main(["plan", "territories", "--department", "KF01", "--lock-manager",
                 _manager_of_retailers(data_dir)[0]]) == 0  # fmt: skip
    proposal = _proposal_ids(data_dir)[-1]
    csv_file = tmp_path / "a.csv"
    assert main(["plan", "export", str(proposal), "--output", str(csv_file)]) == 0
    header, *rows = list(csv.reader(io.StringIO(csv_file.read_text(encoding="utf-8-sig"))))
    column = {name: i for i, name in enumerate(header)}
    moved = [r for r in rows if r[column["moved"]] == "yes"]
    assert moved
    assert {r[column["reason"]] for r in moved} <= {"REPLAN", "CONTIGUITY", "BALANCE"}
    assert {r[column["reason"]] for r in rows if r not in moved} <= {"KEPT", "UNASSIGNED"}
    gainer = moved[0][column["manager_staff_no"]]
    capsys.readouterr()
    assert main(["plan", "apply", str(proposal), "--manager", "NOBODY"]) == 1
    assert "NOBODY" in capsys.readouterr().err
    assert main(["plan", "apply", str(proposal), "--manager", gainer]) == 0
    first = capsys.readouterr().out
    assert main(["plan", "apply", str(proposal)]) == 0
    second = capsys.readouterr().out
    assert main(["plan", "apply", str(proposal)]) == 1
    assert "only PROPOSED applies" in capsys.readouterr().err
    touching = sum(
        1 for r in moved if gainer in (r[column["manager_staff_no"]],
                                       r[column["previous_manager_staff_no"]])
    )  # fmt: skip
    assert f"{touching} retailer(s) reassigned" in first
    assert f"{len(moved) - touching} retailer(s) reassigned; applied" in second


def test_barriers_are_set_from_a_file_refused_whole_when_wrong_and_cleared(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """``plan barriers FILE --department KF01`` stores a river and its bridge; a file with a
    bad feature names it and stores nothing; ``--clear`` removes them."""
    _env(monkeypatch, data_dir)
    river = {
        "type": "Feature",
        "properties": {"role": "barrier", "kind": "river"},
        "geometry": {"type": "LineString", "coordinates": [[120.6, 27.9], [120.7, 28.1]]},
    }
    bridge = {
        "type": "Feature",
        "properties": {"role": "crossing", "kind": "bridge"},
        "geometry": {"type": "LineString", "coordinates": [[120.64, 28.0], [120.66, 28.0]]},
    }
    good, bad = tmp_path / "good.geojson", tmp_path / "bad.geojson"
    good.write_text(json.dumps({"type": "FeatureCollection", "features": [river, bridge]}))
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [river, {"x": 1}]}))
    assert main(["plan", "barriers", str(good), "--department", "KF01"]) == 0
    assert "1 barrier line(s) and 1 crossing(s) stored" in capsys.readouterr().out
    assert main(["plan", "barriers", str(bad), "--department", "KF01"]) == 1
    assert "features.1: must be a GeoJSON Feature" in capsys.readouterr().err
    assert _barriers(data_dir) == 1  # the good file stays
    assert main(["plan", "barriers", "--clear", "--department", "KF01"]) == 0
    assert _barriers(data_dir) == 0


def _barriers(path: Path) -> int:
    engine = create_engine_for(sqlite_url(path))
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(sa.text("SELECT count(*) FROM district_barriers")).scalar_one()
            )
    finally:
        engine.dispose()


def test_plan_territories_move_cap_and_cold_start_reach_the_partition(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--max-moves 0 leaves only the contiguity repair (the cap counts moves for balance),
    so it moves fewer than the uncapped repair; --cold re-partitions from scratch and moves
    more than either. Nothing is applied."""
    _env(monkeypatch, data_dir)
    before = _owners(data_dir)

    def moved(*extra: str) -> int:
        assert main(["plan", "territories", "--department", "KF01", *extra]) == 0
        out = capsys.readouterr().out
        return int(out.split("retailers that change manager: ")[1].split()[0])

    free, capped, cold = moved(), moved("--max-moves", "0"), moved("--cold")
    assert capped < free < cold
    assert _owners(data_dir) == before
