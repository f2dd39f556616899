"""The visitgis command: exit codes and one clear line per problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from gql.cli import main


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("VISITGIS_DATABASE_URL", raising=False)
    monkeypatch.delenv("VISITGIS_SETTINGS_FILE", raising=False)
    monkeypatch.setenv("VISITGIS_DATA_DIR", str(tmp_path / "var"))
    return tmp_path / "var"


def test_bad_settings_stop_every_command_with_one_line_each(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2 and one 'setting …' line per problem; nothing else happens."""
    monkeypatch.setenv("VISITGIS_PORT", "0")
    monkeypatch.setenv("VISITGIS_LOG_LEVEL", "LOUD")
    assert main(["db", "upgrade"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert all(line.startswith("visitgis: setting ") for line in err)
    assert not data_dir.exists()


def test_an_unreachable_database_is_one_clear_sentence(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A PostgreSQL server that does not answer: exit 1, a message, no traceback."""
    monkeypatch.setenv("VISITGIS_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    assert main(["db", "upgrade"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("visitgis: ")
    assert "Traceback" not in err


def test_migrate_seed_and_token_work_in_order(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """upgrade → seed → seed again refused → --if-empty skips → a token for a demo user."""
    assert main(["db", "upgrade"]) == 0
    assert main(["demo", "seed", "--seed", "7", "--no-history"]) == 0
    assert main(["demo", "seed"]) == 1
    assert "already holds" in capsys.readouterr().err
    assert main(["demo", "seed", "--if-empty"]) == 0
    assert main(["demo", "tokens"]) == 0
    out = capsys.readouterr().out
    assert "ACCOUNT_MANAGER" in out
    assert "Bearer " in out
    assert main(["token", "NOBODY"]) == 1
    assert "no staff member" in capsys.readouterr().err


def test_a_bad_csv_imports_nothing_and_lists_every_bad_row(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two bad rows out of three: exit 1, both named with their line, no row written."""
    assert main(["db", "upgrade"]) == 0
    csv = tmp_path / "retailers.csv"
    csv.write_text(
        "licence_no,name,address,lat,lon,business_type,grade,order_weekday,opening_hours\n"
        "330300000001,A,Street 1,28.0,120.7,ORDINARY,5,1,08:00-20:00\n"
        "330300000002,B,Street 2,95.0,120.7,ORDINARY,5,1,08:00-20:00\n"
        "330300000003,C,Street 3,28.0,120.7,NOT_A_TYPE,5,1,08:00-20:00\n",
        encoding="utf-8",
    )
    assert main(["import", "retailers", str(csv)]) == 1
    err = capsys.readouterr().err
    assert f"{csv}:3:" in err
    assert f"{csv}:4:" in err
    assert "nothing was imported" in err
    assert main(["export-schema", "--output", str(tmp_path / "s.graphql")]) == 0
    from gql.store.db import create_engine_for, session_factory
    from gql.store.repositories import RetailerRepository

    engine = create_engine_for(f"sqlite:///{data_dir / 'visitgis.sqlite3'}")
    with session_factory(engine)() as session:
        assert RetailerRepository(session).count() == 0
    engine.dispose()


def test_schema_check_reports_drift(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--check passes on a fresh export and fails, naming breaking changes, on a stale file."""
    sdl = tmp_path / "schema.graphql"
    assert main(["export-schema", "--output", str(sdl)]) == 0
    assert main(["export-schema", "--check", str(sdl)]) == 0
    sdl.write_text(sdl.read_text().replace("type Query {", "type Query {\n  retired: Int"))
    capsys.readouterr()
    assert main(["export-schema", "--check", str(sdl)]) == 1
    assert "BREAKING" in capsys.readouterr().err


def test_targets_import_is_all_or_nothing_and_idempotent(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`visitgis import targets`: a bad row fails the file naming its line; a good file inserts
    and, imported again, changes nothing."""
    assert main(["db", "upgrade"]) == 0
    assert main(["demo", "seed", "--seed", "7", "--no-history"]) == 0
    capsys.readouterr()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "manager_staff_no,month,volume_cartons,amount_yuan\n"
        "W0010,2027-01,1200,245000.00\nW0010,2027-13,1200,245000.00\n",
        encoding="utf-8",
    )
    assert main(["import", "targets", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:3: month:" in err
    assert "nothing was imported" in err
    good = tmp_path / "good.csv"
    good.write_text(
        "manager_staff_no,month,volume_cartons,amount_yuan\n"
        "W0010,2027-01,1200,245000.00\nW0011,2027-01,900,180000.50\n",
        encoding="utf-8",
    )
    assert main(["import", "targets", str(good)]) == 0
    assert "2 inserted, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert main(["import", "targets", str(good)]) == 0
    assert "0 inserted, 0 updated, 2 unchanged" in capsys.readouterr().out


def test_production_mints_no_tokens(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`demo tokens` and `token` (with or without the old hidden --force) refuse production."""
    assert main(["db", "upgrade"]) == 0
    assert main(["demo", "seed", "--seed", "7"]) == 0
    capsys.readouterr()
    monkeypatch.setenv("VISITGIS_MODE", "production")
    monkeypatch.setenv("VISITGIS_JWT_SECRET", "q7Vx2LmR9pTzK4wN8bYc1HfJ6sDg3Ae5Uo0iPkWl")
    assert main(["demo", "tokens"]) == 1
    assert main(["token", "M001"]) == 1
    with pytest.raises(SystemExit):
        main(["token", "M001", "--force"])
    captured = capsys.readouterr()
    assert "Bearer" not in captured.out
    assert "eyJ" not in captured.out
    assert captured.err.count("refusing to mint") == 2


def test_serve_refuses_a_public_address_with_the_development_secret(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`serve --host 0.0.0.0` in development with the public secret: exit 1, nothing bound."""
    assert main(["serve", "--host", "0.0.0.0"]) == 1
    assert "binds only loopback" in capsys.readouterr().err


def test_people_imports_through_the_cli(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`visitgis import departments|staff|managers`: a bad file exits 1 naming its line; a good
    one imports and, again, changes nothing."""
    assert main(["db", "upgrade"]) == 0
    assert main(["demo", "seed", "--seed", "7", "--no-history"]) == 0
    capsys.readouterr()
    departments = tmp_path / "departments.csv"
    departments.write_text(
        "code,name,kind,parent_code\nXC,新城客服部,CUSTOMER_SERVICE,YXB\n", encoding="utf-8"
    )
    managers = tmp_path / "managers.csv"
    managers.write_text(
        "staff_no,name,department_code,joined_on,msisdn,carrier,start_lat,start_lon,start_label\n"
        "XM01,冯经理,XC,2022-01-01,13912345601,MOBILE,28.0,120.7,新城办公室\n",
        encoding="utf-8",
    )
    assert main(["import", "managers", str(managers)]) == 1
    assert f"{managers}:2: department_code:" in capsys.readouterr().err
    assert main(["import", "departments", str(departments)]) == 0
    assert main(["import", "managers", str(managers)]) == 0
    assert "1 inserted" in capsys.readouterr().out
    assert main(["import", "managers", str(managers)]) == 0
    assert "0 inserted, 0 updated, 1 unchanged" in capsys.readouterr().out


def test_report_refresh_builds_the_aggregates_first_then_folds_marks_in(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first refresh is a full build whatever is asked; the next one is incremental."""
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["report", "refresh"]) == 0
    assert "report aggregates rebuilt: 0 manager-days written" in capsys.readouterr().out
    assert main(["report", "refresh"]) == 0
    assert "report aggregates refreshed: 0 manager-days written" in capsys.readouterr().out
