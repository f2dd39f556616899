from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

import geo
from gql.domain import (
    BusinessType,
    Carrier,
    DepartmentKind,
    OpeningWindow,
    RetailerStatus,
    Role,
    canonical_windows,
    format_opening_hours,
    parse_opening_hours,
)
from gql.services.directory.importing import (
    ImportRejected,
    RowError,
    import_retailers,
    import_sales,
)
from gql.store.models import RetailerRow, SalesOrderRow
from gql.store.repositories import (
    DepartmentRepository,
    ManagerRepository,
    RetailerRepository,
    SalesRepository,
    StaffRepository,
)

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy.orm import Session

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
HEADER = [
    "licence_no",
    "name",
    "address",
    "lat",
    "lon",
    "coord_system",
    "business_type",
    "grade",
    "key_customer",
    "opening_hours",
    "order_weekday",
    "status",
    "manager_staff_no",
]
GOOD_ROWS = [
    ["330302100001", "老王烟酒店", "鹿城区五马街1号", "28.0150", "120.6530", "WGS84",
     "ORDINARY", "12", "否", "07:00-12:00;14:00-21:30", "1", "ACTIVE", "M001"],
    ["330302100002", "快客便利（解放路店）", "鹿城区解放路8号", "28.0181", "120.6580", "GCJ02",
     "便利店", "18", "true", "0-5@07:00-23:00;6@08:00-22:00", "2", "正常", "M001"],
    ["330303100003", "永中大酒店", "龙湾区永中街道永强大道9号", "27.9310", "120.8170", "BD09",
     "hotel_entertainment", "20", "1", "10:30-14:00;17:00-24:00", "3", "", ""],
]  # fmt: skip


def write_csv(directory: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    path = directory / "input.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def retailer_count(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(RetailerRow)) or 0


@pytest.fixture
def manager_id(db_session: Session) -> int:
    """An account manager with staff number M001 in a customer-service department."""
    department = DepartmentRepository(db_session).add(
        code="KF01", name="鹿城客户服务部", kind=DepartmentKind.CUSTOMER_SERVICE, parent_id=None
    )
    staff = StaffRepository(db_session).add(
        staff_no="M001",
        name="张伟",
        role=Role.ACCOUNT_MANAGER,
        department_id=department.id,
        joined_on=date(2019, 5, 1),
    )
    ManagerRepository(db_session).add(
        staff_id=staff.id,
        msisdn="13312345678",
        carrier=Carrier.TELECOM,
        start_lat=28.01,
        start_lon=120.65,
        start_label="办公室",
    )
    return staff.id


def test_valid_retailers_are_inserted_with_their_opening_hours(
    db_session: Session, tmp_path: Path, manager_id: int
) -> None:
    """A valid file inserts every row, parsing windows, aliases, flags and manager."""
    report = import_retailers(db_session, write_csv(tmp_path, GOOD_ROWS), now=NOW)
    assert (report.rows, report.inserted, report.updated, report.unchanged) == (3, 3, 0, 0)
    found = RetailerRepository(db_session).by_licence_nos(["330302100001", "330302100002"])
    shop, store = found["330302100001"], found["330302100002"]
    assert shop.opening_windows == (
        OpeningWindow(7 * 3600, 12 * 3600),
        OpeningWindow(14 * 3600, 77_400),
    )
    assert shop.manager_id == manager_id
    assert not shop.key_customer
    assert shop.service_time_s == 300
    assert shop.created_at == NOW
    assert store.business_type is BusinessType.CONVENIENCE
    assert store.status is RetailerStatus.ACTIVE
    assert store.key_customer
    assert len(store.windows_on(6)) == 1
    assert store.windows_on(6)[0].open_s == 8 * 3600
    assert store.windows_on(0)[0].close_s == 23 * 3600


def test_gcj02_and_bd09_coordinates_are_stored_as_wgs84(
    db_session: Session, tmp_path: Path, manager_id: int
) -> None:
    """GCJ-02 and BD-09 inputs are converted with geo.to_wgs84; WGS-84 is stored unchanged."""
    import_retailers(db_session, write_csv(tmp_path, GOOD_ROWS), now=NOW)
    found = RetailerRepository(db_session).by_licence_nos(r[0] for r in GOOD_ROWS)
    wgs = found["330302100001"]
    assert (wgs.lat, wgs.lon) == (28.0150, 120.6530)
    gcj = found["330302100002"]
    expected = geo.to_wgs84(geo.Gcj02(28.0181, 120.6580))
    assert (gcj.lat, gcj.lon) == pytest.approx((expected.lat, expected.lon), abs=1e-9)
    assert abs(gcj.lon - 120.6580) > 0.002  # the datum shift is hundreds of metres here
    bd = found["330303100003"]
    expected = geo.to_wgs84(geo.Bd09(27.9310, 120.8170))
    assert (bd.lat, bd.lon) == pytest.approx((expected.lat, expected.lon), abs=1e-9)
    assert abs(bd.lon - 120.8170) > 0.008


def test_reimporting_the_same_file_changes_nothing(
    db_session: Session, tmp_path: Path, manager_id: int
) -> None:
    """A second import of the same file reports every row unchanged and keeps versions."""
    path = write_csv(tmp_path, GOOD_ROWS)
    import_retailers(db_session, path, now=NOW)
    report = import_retailers(db_session, path, now=LATER)
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 3)
    assert retailer_count(db_session) == 3
    found = RetailerRepository(db_session).by_licence_nos(r[0] for r in GOOD_ROWS)
    assert {r.version for r in found.values()} == {1}
    assert {r.updated_at for r in found.values()} == {NOW}


def test_a_changed_row_is_updated_and_its_version_bumped(
    db_session: Session, tmp_path: Path, manager_id: int
) -> None:
    """Changing one row updates just that retailer, bumps its version, replaces its windows."""
    import_retailers(db_session, write_csv(tmp_path, GOOD_ROWS), now=NOW)
    changed = [list(r) for r in GOOD_ROWS]
    changed[0][1] = "老王烟酒商行"
    changed[0][9] = "06:30-22:00"
    report = import_retailers(db_session, write_csv(tmp_path, changed), now=LATER)
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 2)
    shop = RetailerRepository(db_session).by_licence_nos(["330302100001"])["330302100001"]
    assert shop.name == "老王烟酒商行"
    assert shop.version == 2
    assert shop.updated_at == LATER
    assert shop.created_at == NOW
    assert shop.opening_windows == (OpeningWindow(6 * 3600 + 1800, 22 * 3600),)


def test_optional_columns_left_out_keep_existing_values(
    db_session: Session, tmp_path: Path, manager_id: int
) -> None:
    """Re-importing without the manager/status columns does not unassign or reactivate."""
    import_retailers(db_session, write_csv(tmp_path, GOOD_ROWS), now=NOW)
    keep = [c for c in HEADER if c not in ("manager_staff_no", "status", "key_customer")]
    rows = [[v for c, v in zip(HEADER, row, strict=True) if c in keep] for row in GOOD_ROWS]
    report = import_retailers(db_session, write_csv(tmp_path, rows, keep), now=LATER)
    assert report.unchanged == 3
    shop = RetailerRepository(db_session).by_licence_nos(["330302100002"])["330302100002"]
    assert shop.manager_id == manager_id
    assert shop.key_customer


def test_every_bad_row_is_reported_and_nothing_is_written(
    db_session: Session, tmp_path: Path, manager_id: int
) -> None:
    """One file with many bad rows: each is listed with its line, column and reason."""
    good = GOOD_ROWS[0]
    bad = [
        good,  # line 2: fine
        [*good[:3], "95.0", *good[4:]],  # 3: latitude out of range
        ["330302100009", *good[1:7], "31", *good[8:]],  # 4: grade too high
        ["330302100010", *good[1:12], "NOBODY"],  # 5: unknown manager
        ["330302100011", *good[1:9], "22:00-02:00", *good[10:]],  # 6: crosses midnight
        good,  # 7: duplicate licence
        ["330302100012", "", *good[2:]],  # 8: empty name
        ["330302100013", *good[1:5], "MARS", *good[6:]],  # 9: unknown coordinate system
        ["3.30302E+11", *good[1:]],  # 10: spreadsheet-mangled licence
        ["330302100014", *good[1:10], "7", *good[11:]],  # 11: order weekday out of range
    ]
    with pytest.raises(ImportRejected) as caught:
        import_retailers(db_session, write_csv(tmp_path, bad), now=NOW)
    errors = caught.value.errors
    assert [(e.line, e.field) for e in errors] == [
        (3, "lat"),
        (4, "grade"),
        (5, "manager_staff_no"),
        (6, "opening_hours"),
        (7, "licence_no"),
        (8, "name"),
        (9, "coord_system"),
        (10, "licence_no"),
        (11, "order_weekday"),
    ]
    assert "already on line 2" in errors[4].reason
    assert "NOBODY" in errors[2].reason
    assert "closes before it opens" in errors[3].reason
    assert "spreadsheet" in errors[7].reason
    assert retailer_count(db_session) == 0


def test_every_bad_field_of_a_row_is_reported(
    db_session: Session, tmp_path: Path, manager_id: int
) -> None:
    """A row with five bad fields yields five errors on its line, not just the first."""
    row = ["330302100001", "坏店", "地址", "95", "120.65", "WGS84", "ORDINARY", "40", "",
           "25:00-26:00", "9", "ACTIVE", "NOPE"]  # fmt: skip
    with pytest.raises(ImportRejected) as caught:
        import_retailers(db_session, write_csv(tmp_path, [row]), now=NOW)
    assert {(e.line, e.field) for e in caught.value.errors} == {
        (2, "lat"),
        (2, "grade"),
        (2, "opening_hours"),
        (2, "order_weekday"),
        (2, "manager_staff_no"),
    }
    assert caught.value.bad_lines == 1


def test_missing_and_unknown_columns_are_reported_on_the_header_line(
    db_session: Session, tmp_path: Path
) -> None:
    """A header without required columns, or with a misspelt one, is refused as a whole."""
    header = [c for c in HEADER if c not in ("lat", "grade")] + ["grdae"]
    path = write_csv(tmp_path, [["x"] * len(header)], header)
    with pytest.raises(ImportRejected) as caught:
        import_retailers(db_session, path, now=NOW)
    assert set(caught.value.errors) == {
        RowError(1, "lat", "required column is missing"),
        RowError(1, "grade", "required column is missing"),
        RowError(1, "grdae", "unknown column"),
    }


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "is empty"),
        (",".join(HEADER).encode() + b"\n", "no data rows"),
        (",".join(HEADER).encode() + b"\n1,2\n", "has 2 fields"),
        (b"\xff\xfe\x00broken", "neither UTF-8 nor GB18030"),
    ],
)
def test_unusable_files_are_refused_with_a_reason(
    db_session: Session, tmp_path: Path, content: bytes, reason: str
) -> None:
    """Empty, header-only, ragged or undecodable files give one specific error."""
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(ImportRejected, match=reason):
        import_retailers(db_session, path, now=NOW)


def test_missing_file_is_refused(db_session: Session, tmp_path: Path) -> None:
    """A path that does not exist is an ImportRejected naming it, not an OSError."""
    with pytest.raises(ImportRejected, match="cannot read"):
        import_sales(db_session, tmp_path / "nope.csv")


def test_retailers_cannot_be_assigned_to_a_manager_who_left(
    db_session: Session, tmp_path: Path, manager_id: int
) -> None:
    """A manager whose staff record is inactive is refused like an unknown one."""
    db_session.execute(sa.text("UPDATE staff SET active = :no"), {"no": False})
    with pytest.raises(ImportRejected) as caught:
        import_retailers(db_session, write_csv(tmp_path, GOOD_ROWS[:1]), now=NOW)
    assert [(e.line, e.field) for e in caught.value.errors] == [(2, "manager_staff_no")]
    assert "no active account manager" in caught.value.errors[0].reason


def test_gb18030_files_from_chinese_excel_are_read(
    db_session: Session, tmp_path: Path, manager_id: int
) -> None:
    """A file saved in GB18030 (Excel on a Chinese PC) imports with the right names."""
    path = tmp_path / "gbk.csv"
    text = ",".join(HEADER) + "\n" + ",".join(GOOD_ROWS[0]) + "\n"
    path.write_bytes(text.encode("gb18030"))
    import_retailers(db_session, path, now=NOW)
    shop = RetailerRepository(db_session).by_licence_nos(["330302100001"])["330302100001"]
    assert shop.name == "老王烟酒店"


SALES_HEADER = ["licence_no", "order_date", "volume_cartons", "amount_yuan"]


def test_sales_import_is_idempotent_and_exact(
    db_session: Session, tmp_path: Path, manager_id: int
) -> None:
    """Orders insert once, re-import is unchanged, a changed amount updates exactly."""
    import_retailers(db_session, write_csv(tmp_path, GOOD_ROWS), now=NOW)
    rows = [
        ["330302100001", "2026-10-05", "12", "2345.60"],
        ["330302100002", "2026-10-06", "30", "7890.00"],
        ["330302100001", "2026-10-12", "8", "1500.05"],
    ]
    path = write_csv(tmp_path, rows, SALES_HEADER)
    first = import_sales(db_session, path)
    again = import_sales(db_session, path)
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    rows[2][3] = "1500.06"
    changed = import_sales(db_session, write_csv(tmp_path, rows, SALES_HEADER))
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 2)
    retailer_id = RetailerRepository(db_session).ids_by_licence_no(["330302100001"])["330302100001"]
    orders = SalesRepository(db_session).orders_for(
        retailer_id, date(2026, 10, 1), date(2026, 10, 31)
    )
    assert [o.amount_yuan for o in orders] == [Decimal("2345.60"), Decimal("1500.06")]


def test_every_bad_sales_row_is_reported_and_nothing_is_written(
    db_session: Session, tmp_path: Path, manager_id: int
) -> None:
    """Unknown licences, bad dates, negative volumes, sub-fen amounts and duplicates."""
    import_retailers(db_session, write_csv(tmp_path, GOOD_ROWS), now=NOW)
    rows = [
        ["330302100001", "2026-10-05", "12", "2345.60"],  # 2: fine
        ["330399999999", "2026-10-05", "12", "10"],  # 3: unknown retailer
        ["330302100001", "2026-13-01", "12", "10"],  # 4: bad date
        ["330302100002", "2026-10-05", "-1", "10"],  # 5: negative volume
        ["330302100002", "2026-10-06", "3", "10.001"],  # 6: fractions of a fen
        ["330302100001", "2026-10-05", "1", "1"],  # 7: same retailer and day as line 2
        ["330302100002", "2026-10-07", "3", "abc"],  # 8: not an amount
    ]
    with pytest.raises(ImportRejected) as caught:
        import_sales(db_session, write_csv(tmp_path, rows, SALES_HEADER))
    assert [(e.line, e.field) for e in caught.value.errors] == [
        (3, "licence_no"),
        (4, "order_date"),
        (5, "volume_cartons"),
        (6, "amount_yuan"),
        (7, "order_date"),
        (8, "amount_yuan"),
    ]
    assert db_session.scalar(sa.select(sa.func.count()).select_from(SalesOrderRow)) == 0


@st.composite
def opening_hours(draw: st.DrawFn) -> tuple[OpeningWindow, ...]:
    """Non-overlapping windows on quarter hours, every day or on one weekday each."""
    weekday = draw(st.one_of(st.none(), st.integers(0, 6)))
    cuts = sorted(draw(st.sets(st.integers(0, 96), min_size=2, max_size=8)))
    pairs = list(zip(cuts[::2], cuts[1::2], strict=False))
    return tuple(OpeningWindow(a * 900, b * 900, weekday) for a, b in pairs)


@given(opening_hours())
def test_opening_hours_text_round_trips(windows: tuple[OpeningWindow, ...]) -> None:
    """Formatting windows and parsing the text back gives the same canonical windows."""
    assert parse_opening_hours(format_opening_hours(windows)) == canonical_windows(windows)


def _brands(session: Session) -> list[tuple[str, date, str | None]]:
    rows = session.execute(
        sa.select(RetailerRow.licence_no, SalesOrderRow.order_date, SalesOrderRow.brand)
        .join(RetailerRow, RetailerRow.id == SalesOrderRow.retailer_id)
        .order_by(SalesOrderRow.order_date)
    )
    return [(licence, day, brand) for licence, day, brand in rows]


def test_sales_import_stores_the_optional_brand(
    db_session: Session, tmp_path: Path, manager_id: int
) -> None:
    """A trimmed brand is stored, an empty cell is unknown; ``product`` is the same column;
    re-importing is unchanged, a changed brand is an update."""
    import_retailers(db_session, write_csv(tmp_path, GOOD_ROWS), now=NOW)
    rows = [
        ["330302100001", "2026-10-05", "12", "2345.60", " 利群 "],
        ["330302100002", "2026-10-06", "30", "7890.00", ""],
    ]
    path = write_csv(tmp_path, rows, [*SALES_HEADER, "brand"])
    first = import_sales(db_session, path)
    assert (first.inserted, first.updated, first.unchanged) == (2, 0, 0)
    assert _brands(db_session) == [
        ("330302100001", date(2026, 10, 5), "利群"),
        ("330302100002", date(2026, 10, 6), None),
    ]
    rows[1][4] = "中华(软)"
    again = import_sales(db_session, write_csv(tmp_path, rows, [*SALES_HEADER, "Product"]))
    assert (again.inserted, again.updated, again.unchanged) == (0, 1, 1)
    assert _brands(db_session)[1][2] == "中华(软)"
    retailer_id = RetailerRepository(db_session).ids_by_licence_no(["330302100001"])["330302100001"]
    orders = SalesRepository(db_session).orders_for(
        retailer_id, date(2026, 10, 1), date(2026, 10, 31)
    )
    assert [o.brand for o in orders] == ["利群"]


def test_a_file_without_the_brand_column_keeps_the_stored_brands(
    db_session: Session, tmp_path: Path, manager_id: int
) -> None:
    """Without the column a changed amount updates the order and leaves its brand; new
    orders have none."""
    import_retailers(db_session, write_csv(tmp_path, GOOD_ROWS), now=NOW)
    branded = [["330302100001", "2026-10-05", "12", "2345.60", "利群"]]
    import_sales(db_session, write_csv(tmp_path, branded, [*SALES_HEADER, "brand"]))
    plain = [
        ["330302100001", "2026-10-05", "12", "2345.61"],
        ["330302100002", "2026-10-06", "30", "7890.00"],
    ]
    report = import_sales(db_session, write_csv(tmp_path, plain, SALES_HEADER))
    assert (report.inserted, report.updated, report.unchanged) == (1, 1, 0)
    assert [b for _, _, b in _brands(db_session)] == ["利群", None]
    again = import_sales(db_session, write_csv(tmp_path, plain, SALES_HEADER))
    assert again.unchanged == 2


def test_bad_brands_are_row_problems_and_nothing_is_written(
    db_session: Session, tmp_path: Path, manager_id: int
) -> None:
    """Too long, a tab or a line break inside: each reported with its line; no order written.
    Both ``brand`` and ``product`` in one header is a file problem."""
    import_retailers(db_session, write_csv(tmp_path, GOOD_ROWS), now=NOW)
    rows = [
        ["330302100001", "2026-10-05", "12", "2345.60", "利群"],  # 2: fine
        ["330302100001", "2026-10-06", "12", "10", "x" * 65],  # 3: too long
        ["330302100002", "2026-10-05", "3", "10", "利\t群"],  # 4: a tab
        ["330302100002", "2026-10-06", "3", "10", "中华\n软"],  # 5-6: a line break (quoted)
        ["330302100002", "2026-10-07", "3", "abc", "a" * 64],  # 7: 64 is fine; amount is not
    ]
    with pytest.raises(ImportRejected) as caught:
        import_sales(db_session, write_csv(tmp_path, rows, [*SALES_HEADER, "brand"]))
    errors = caught.value.errors
    assert [(e.line, e.field) for e in errors] == [
        (3, "brand"),
        (4, "brand"),
        (6, "brand"),  # the row ends on line 6
        (7, "amount_yuan"),
    ]
    assert "65 characters long; at most 64" in errors[0].reason
    assert "U+0009" in errors[1].reason
    assert "U+000A" in errors[2].reason
    assert db_session.scalar(sa.select(sa.func.count()).select_from(SalesOrderRow)) == 0
    with pytest.raises(ImportRejected) as both:
        import_sales(
            db_session,
            write_csv(tmp_path, [[*rows[0], "利群"]], [*SALES_HEADER, "brand", "product"]),
        )
    assert [(e.line, e.field) for e in both.value.errors] == [(1, "product")]
