"""Customer types by area over the hand-built world of ``test_service`` (on 2 November).

M1 (department D1 "One") has R1 and R2; M2 (D2 "Two") has R3 (the assignment history: it
moves to M1 only on 5 November) and R9. Every retailer is ORDINARY, grade 10, orders on
Monday and opens 09:00-18:00 every day, in area "A"; R1 ordered 10 cartons on 2 November.
Here R2 becomes a CONVENIENCE store of grade 5 that orders on Friday and opens 07:00-12:00 and
14:00-22:00, and R9 moves to area "B".
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pytest
from openpyxl import load_workbook

from gql.domain import BusinessType
from gql.services.errors import InvalidInput, NotFound
from gql.services.reports.area_report import AreaKind, AreaRequest
from gql.services.reports.command import (
    AreasCommand,
    ReportCommandError,
    report_records,
    run_report,
    write_report,
)
from gql.store.models import OpeningWindowRow
from tests.gql.services.reports.test_analysis_service import Analysis
from tests.gql.services.reports.test_service import DAY

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.orm import Session

H = 3600


@pytest.fixture
def world(db_session: Session) -> Analysis:
    w = Analysis(db_session)
    w.r2.business_type = BusinessType.CONVENIENCE
    w.r2.grade = 5
    w.r2.order_weekday = 4
    db_session.query(OpeningWindowRow).filter_by(retailer_id=w.r2.id).delete()
    for open_s, close_s in ((7 * H, 12 * H), (14 * H, 22 * H)):
        db_session.add(
            OpeningWindowRow(retailer_id=w.r2.id, weekday=None, open_s=open_s, close_s=close_s)
        )
    other = next(r for r in w.session.query(type(w.r1)).all() if r.licence_no == "L9")
    other.area_code = "B"
    db_session.flush()
    db_session.expire_all()
    return w


def test_districts_by_type_grade_weekday_and_hours(world: Analysis) -> None:
    """D1: R1 (ORDINARY 10, 10 cartons) + R2 (CONVENIENCE 5); D2: R3 + R9, both ORDINARY 10.

    D1's hours: R2 opens before 9, after 21 and has a midday break; R1 none: ½ each.
    Company 3 ORDINARY : 1 CONVENIENCE; a district of 2 expects 1.5 and 0.5 < 5: untested.
    """
    report = world.as_(world.marketing).areas(AreaRequest(DAY, DAY))
    d1, d2 = report.areas
    assert (d1.area, report.names["D1"], d1.retailers, d1.sales) == ("D1", "One", 2, 10.0)
    assert d1.by_type == (("CONVENIENCE", 1), ("ORDINARY", 1))
    assert [(c.business_type, c.grade, c.retailers, c.sales) for c in d1.by_type_grade] == [
        ("CONVENIENCE", 5, 1, 0.0),
        ("ORDINARY", 10, 1, 10.0),
    ]
    assert d1.order_weekdays == (1, 0, 0, 0, 1, 0, 0)
    o = d1.opening
    assert (o.with_hours, o.open_before_9, o.open_after_21, o.past_midnight, o.midday_break) == (
        2, 0.5, 0.5, 0.0, 0.5,
    )  # fmt: skip
    assert (d2.area, d2.retailers, d2.by_type) == ("D2", 2, (("ORDINARY", 2),))
    assert d2.opening.open_before_9 == 0.0
    assert report.tested == 0
    assert not d1.test.tested
    assert d1.test.reason is not None
    assert report.company is not None
    assert (report.company.retailers, report.company.sales) == (4, 10.0)


def test_territories_area_codes_and_grid(world: Analysis) -> None:
    """A head of D1 sees M1's territory only; area codes A (3) and B (1); 1 km grid cells."""
    territory = world.as_(world.head1).areas(AreaRequest(DAY, DAY, kind=AreaKind.TERRITORY))
    assert [(a.area, a.retailers) for a in territory.areas] == [("TM1", 2)]
    assert territory.names == {"TM1": "M1"}
    codes = world.as_(world.marketing).areas(AreaRequest(DAY, DAY, kind=AreaKind.AREA_CODE))
    assert [(a.area, a.retailers) for a in codes.areas] == [("A", 3), ("B", 1)]
    grid = world.as_(world.marketing).areas(AreaRequest(DAY, DAY, kind=AreaKind.GRID))
    assert sum(a.retailers for a in grid.areas) == 4
    assert all(a.area.startswith("r") and a.area in grid.centres for a in grid.areas)
    assert grid.cell_m == 1000.0


def test_scope_and_bad_input(world: Analysis) -> None:
    """A manager reads themself only; bad cell sizes, levels and periods name their field."""
    mine = world.as_(world.m1).areas(AreaRequest(DAY, DAY))
    assert [a.area for a in mine.areas] == ["D1"]
    with pytest.raises(NotFound):
        world.as_(world.m1).areas(AreaRequest(DAY, DAY, department_id=world.d2.id))
    with pytest.raises(InvalidInput) as exc:
        world.as_(world.marketing).areas(AreaRequest(DAY, DAY, kind=AreaKind.GRID, cell_m=10))
    assert exc.value.field == ("filter", "cell_size_m")
    with pytest.raises(InvalidInput) as exc:
        world.as_(world.marketing).areas(AreaRequest(DAY, DAY, alpha=0))
    assert exc.value.field == ("filter", "alpha")
    with pytest.raises(InvalidInput):
        world.as_(world.marketing).areas(AreaRequest(DAY, DAY.replace(day=1)))


def test_command_writes_csv_and_xlsx(world: Analysis, tmp_path: Path) -> None:
    """``visitgis report areas``: one area record then its type × grade records; company last."""
    command = AreasCommand(DAY, DAY, staff_no=world.marketing.staff_no)
    records = report_records(world.session, command)
    assert [(r["row"], r["area_key"], r["business_type"]) for r in records] == [
        ("area", "D1", None),
        ("type_grade", "D1", "CONVENIENCE"),
        ("type_grade", "D1", "ORDINARY"),
        ("area", "D2", None),
        ("type_grade", "D2", "ORDINARY"),
        ("area", "COMPANY", None),
        ("type_grade", "COMPANY", "CONVENIENCE"),
        ("type_grade", "COMPANY", "ORDINARY"),
    ]
    assert (records[0]["orders_mon"], records[0]["orders_fri"]) == (1, 1)
    assert records[0]["midday_break_share"] == 0.5
    out = io.StringIO()
    assert run_report(world.session, command, out) == 8
    assert out.getvalue().splitlines()[0].startswith("period_first,period_last,area_kind")
    path = tmp_path / "areas.xlsx"
    assert write_report(world.session, command, path) == 8
    sheet = load_workbook(path).active
    assert sheet is not None
    assert sheet.max_row == 9
    with pytest.raises(ReportCommandError, match="unknown area kind"):
        report_records(world.session, AreasCommand(DAY, DAY, area_kind="county"))
