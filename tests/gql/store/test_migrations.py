from __future__ import annotations

import re
from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from gql.store.db import create_engine_for, sqlite_url
from gql.store.migrate import alembic_config, current_revision, head_revision, is_current, upgrade
from gql.store.models import Base

if TYPE_CHECKING:
    import re
from pathlib import Path


def test_models_and_migrations_agree(engine: sa.Engine) -> None:
    """Autogenerate finds no difference between the migrated schema and the ORM models."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_migrated_database_is_at_head(engine: sa.Engine) -> None:
    """The session engine is at the head revision, and is_current says so."""
    assert current_revision(engine) == head_revision()
    assert is_current(engine)


def test_upgrading_twice_is_a_no_op(engine: sa.Engine) -> None:
    """Running the upgrade on a database already at head changes nothing and does not fail."""
    upgrade(engine)
    assert current_revision(engine) == head_revision()


def test_fresh_sqlite_database_has_no_revision_until_upgraded(tmp_path: Path) -> None:
    """A never-migrated database reports no revision and is not current; upgrade fixes it."""
    fresh = create_engine_for(sqlite_url(tmp_path))
    try:
        assert current_revision(fresh) is None
        assert not is_current(fresh)
        upgrade(fresh)
        assert is_current(fresh)
        assert "retailers" in sa.inspect(fresh).get_table_names()
    finally:
        fresh.dispose()


def test_downgrade_to_base_removes_every_table(tmp_path: Path) -> None:
    """The initial revision's downgrade drops what its upgrade created, leaving no tables."""
    fresh = create_engine_for(sqlite_url(tmp_path))
    try:
        upgrade(fresh)
        with fresh.begin() as connection:
            command.downgrade(alembic_config(connection), "base")
        assert current_revision(fresh) is None
        assert set(sa.inspect(fresh).get_table_names()) <= {"alembic_version"}
    finally:
        fresh.dispose()


def _enum_columns() -> list[tuple[str, str, set[str]]]:
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, sa.Enum):
                found.append((table.name, column.name, set(column.type.enums)))
    return found


def test_enum_checks_in_the_database_match_the_domain_enums(engine: sa.Engine) -> None:
    """Every enum column's CHECK allows exactly the enum's values (autogenerate cannot see it)."""
    inspector = sa.inspect(engine)
    mismatches = []
    for table, column, values in _enum_columns():
        checks = [
            c["sqltext"]
            for c in inspector.get_check_constraints(table)
            if c["name"] == f"ck_{table}_{column}"
        ]
        allowed = set(re.findall(r"'([^']*)'", checks[0])) if checks else set()
        if allowed != values:
            mismatches.append((table, column, sorted(allowed), sorted(values)))
    assert mismatches == []


def test_0007_starts_every_retailers_history_with_its_current_manager(tmp_path: Path) -> None:
    """Upgrading a database with retailers gives each one period from 1900-01-01 with the
    manager it has (none for an unassigned one), so past sales keep their manager."""
    fresh = create_engine_for(sqlite_url(tmp_path))
    try:
        with fresh.begin() as connection:
            command.upgrade(alembic_config(connection), "0004")
            connection.execute(
                sa.text(
                    "INSERT INTO departments (id, code, name, kind, parent_id) "
                    "VALUES (1, 'C', 'c', 'COMPANY', NULL)"
                )
            )
            connection.execute(
                sa.text(
                    "INSERT INTO staff (id, staff_no, name, role, department_id, active, "
                    "joined_on) VALUES (5, 'M1', 'm', 'ACCOUNT_MANAGER', 1, 1, '2020-01-01')"
                )
            )
            connection.execute(
                sa.text(
                    "INSERT INTO account_managers (staff_id, msisdn, carrier, start_lat, "
                    "start_lon, start_label) VALUES (5, '13900000000', 'MOBILE', 28, 120, 'o')"
                )
            )
            for rid, manager in ((1, 5), (2, None)):
                connection.execute(
                    sa.text(
                        "INSERT INTO retailers (id, licence_no, name, address, lat, lon, "
                        "business_type, grade, key_customer, service_time_s, order_weekday, "
                        "status, manager_id, area_code, created_at, updated_at, version) VALUES "
                        "(:id, :licence, 'r', 'a', 28, 120, 'ORDINARY', 5, 0, 300, 1, 'ACTIVE', "
                        ":manager, '330301', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"
                    ),
                    {"id": rid, "licence": f"33030100000{rid}", "manager": manager},
                )
        upgrade(fresh)
        with fresh.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT retailer_id, manager_id, valid_from, valid_to "
                    "FROM retailer_assignments ORDER BY retailer_id"
                )
            ).all()
        assert [(r[0], r[1], str(r[2]), r[3]) for r in rows] == [
            (1, 5, "1900-01-01", None),
            (2, None, "1900-01-01", None),
        ]
    finally:
        fresh.dispose()
