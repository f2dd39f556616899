"""Customer types by area over the hand-built world of ``test_service`` (on 2 November).

M1 (department D1 "One") has R1 and R2; M2 (D2 "Two") has R3 (the assignment history: it
moves to M1 only on 5 November) and R9. Every retailer is ORDINARY, grade 10, orders on
Monday and opens 09:00-18:00 every day, in area "A"; R1 ordered 10 cartons on 2 November.
Here R2 becomes a CONVENIENCE store of grade 5 that orders on Friday and opens 07:00-12:00 and
14:00-22:00, and R9 moves to area "B".
"""

from __future__ import annotations

import io
from datetime import date
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
from gql.store.models import OpeningWindowRow, SalesOrderRow
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
        # R1's order has no brand: the unknown bucket, overall and for its type
        ("brand", "D1", None),
        ("type_brand", "D1", "ORDINARY"),
        ("brand", "COMPANY", None),
        ("type_brand", "COMPANY", "ORDINARY"),
    ]
    assert (records[0]["orders_mon"], records[0]["orders_fri"]) == (1, 1)
    assert records[0]["midday_break_share"] == 0.5
    assert records[0]["brand_untested_reason"] == "fewer than two brands"
    unknown = [(r["brand"], r["brand_known"], r["volume_cartons"], r["share"]) for r in records[8:]]
    assert unknown == [(None, False, 10.0, None)] * 4
    out = io.StringIO()
    assert run_report(world.session, command, out) == 12
    assert out.getvalue().splitlines()[0].startswith("period_first,period_last,area_kind")
    path = tmp_path / "areas.xlsx"
    assert write_report(world.session, command, path) == 12
    book = load_workbook(path)
    assert book.sheetnames == ["areas", "brand_mix"]
    assert (book["areas"].max_row, book["brand_mix"].max_row) == (9, 5)
    with pytest.raises(ReportCommandError, match="unknown area kind"):
        report_records(world.session, AreasCommand(DAY, DAY, area_kind="county"))


EARLY = (DAY, date(2026, 11, 4))
"""2-4 November: R3 is still M2's (D2's); R1's unknown-brand order of the 2nd is in."""


def _brand_orders(world: Analysis) -> None:
    """R1: 利群 20 (3rd), 中华 5 (4th); R2: 中华 7; R3 (D2): 利群 4; R9 nothing."""
    for retailer, day, cartons, brand in (
        (world.r1, 3, 20, "利群"),
        (world.r1, 4, 5, "中华"),
        (world.r2, 3, 7, "中华"),
        (world.r3, 3, 4, "利群"),
    ):
        world.session.add(
            SalesOrderRow(
                retailer_id=retailer.id,
                order_date=date(2026, 11, day),
                volume_cartons=cartons,
                amount_fen=100 * cartons,
                brand=brand,
            )
        )
    world.session.flush()


def test_brand_mix_per_district_beside_the_company(world: Analysis) -> None:
    """D1 sold 利群 20, 中华 12 and 10 of no brand: 0.625 / 0.375 of its 32 known cartons;
    the company 利群 24, 中华 12: 2/3 and 1/3. D2 sold 利群 4 only. Per type, D1's ORDINARY
    (R1) sold 利群 20, 中华 5 and the unknown 10; its CONVENIENCE (R2) 中华 7."""
    _brand_orders(world)
    report = world.as_(world.marketing).areas(AreaRequest(*EARLY))
    d1, d2 = report.areas
    cells = [(c.brand, c.orders, c.cartons, c.share, c.company_share) for c in d1.brands.by_brand]
    assert cells == [
        ("中华", 2, 12.0, 0.375, pytest.approx(1 / 3)),
        ("利群", 1, 20.0, 0.625, pytest.approx(2 / 3)),
        (None, 1, 10.0, None, None),
    ]  # fmt: skip
    assert d1.sales == sum(c.cartons for c in d1.brands.by_brand) == 42.0
    assert [(c.brand, c.cartons, c.share) for c in d2.brands.by_brand] == [
        ("中华", 0.0, 0.0),
        ("利群", 4.0, 1.0),
    ]
    by_type = [(c.business_type, c.brand, c.cartons, c.share) for c in d1.brands.by_type]
    assert by_type == [
        ("CONVENIENCE", "中华", 7.0, 1.0),
        ("ORDINARY", "中华", 5.0, 0.2),
        ("ORDINARY", "利群", 20.0, 0.8),
        ("ORDINARY", None, 10.0, None),
    ]
    # 4 orders of a known brand cannot meet 5 expected per brand: untested, with the reason
    assert not d1.brands.test.tested
    assert "below 5" in (d1.brands.test.reason or "")
    assert report.brand_tested == 0
    assert report.company is not None
    assert [c.cartons for c in report.company.brands.by_brand] == [12.0, 24.0, 10.0]


def test_a_head_sees_the_brand_mix_of_their_department_only(world: Analysis) -> None:
    """H1 (head of D1): D1 alone, and the company beside it is D1 (no D2 利群 in it)."""
    _brand_orders(world)
    report = world.as_(world.head1).areas(AreaRequest(*EARLY))
    assert [a.area for a in report.areas] == ["D1"]
    assert report.company is not None
    assert [(c.brand, c.cartons, c.company_share) for c in report.areas[0].brands.by_brand] == [
        ("中华", 12.0, 0.375),
        ("利群", 20.0, 0.625),
        (None, 10.0, None),
    ]
    assert report.company.brands.by_brand == report.areas[0].brands.by_brand
    mine = world.as_(world.m1).areas(AreaRequest(*EARLY, kind=AreaKind.TERRITORY))
    assert [a.area for a in mine.areas] == ["TM1"]


def test_the_brand_mix_sheet(world: Analysis, tmp_path: Path) -> None:
    """The XLSX's ``brand_mix`` sheet: one row per brand cell, with shares and the flag."""
    _brand_orders(world)
    command = AreasCommand(*EARLY, staff_no=world.marketing.staff_no)
    path = tmp_path / "areas.xlsx"
    write_report(world.session, command, path)
    sheet = load_workbook(path)["brand_mix"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    first = dict(zip(header, rows[1], strict=True))
    assert (first["area_key"], first["row"], first["brand"], first["share"]) == (
        "D1", "brand", "中华", 0.375,
    )  # fmt: skip
    assert first["company_share"] == 0.3333
    assert {r[header.index("row")] for r in rows[1:]} == {"brand", "type_brand"}
