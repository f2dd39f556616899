"""CSV import of retailers, sales and monthly targets: validate every row, write all or nothing.

Every row is checked before anything is written; one bad row rejects the whole file with
*every* problem listed (line, column, reason), so the sender fixes the file in one round.
Re-importing the same file changes nothing: rows are upserted by natural key (licence
number; licence number + order date; manager + month). Columns are documented in
``docs/csv-import.md``. A retailer whose manager changes gets a new period in its assignment
history (from the day of the import), so its past sales stay with the manager of their day.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Protocol, TypeVar

from sqlalchemy.exc import IntegrityError

import geo
from gql.domain import (
    MAX_GRADE,
    BusinessType,
    CoordinateSystem,
    MonthlyTarget,
    OpeningWindow,
    RetailerDraft,
    RetailerStatus,
    SalesOrderDraft,
    parse_opening_hours,
)
from gql.domain.evaluations import PeriodKind
from gql.domain.sales import brand_problem
from gql.services.evaluations.targets import target_problems
from gql.store.repositories import (
    EvaluationRepository,
    ManagerRepository,
    RetailerRepository,
    SalesRepository,
    StaleRetailer,
    UpsertCounts,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from sqlalchemy.orm import Session

    from gql.domain import Retailer

__all__ = [
    "MAX_ROWS",
    "RETAILER_COLUMNS",
    "SALES_BRAND_COLUMNS",
    "SALES_COLUMNS",
    "TARGET_COLUMNS",
    "CsvFile",
    "CsvSource",
    "ImportRejected",
    "ImportReport",
    "RowError",
    "import_retailers",
    "import_sales",
    "import_targets",
    "read_csv",
]

MAX_ROWS = 200_000
"""Larger files are refused: split them (each file is one transaction held in memory)."""

RETAILER_REQUIRED = (
    "licence_no", "name", "address", "lat", "lon", "business_type", "grade", "opening_hours",
    "order_weekday",
)  # fmt: skip
RETAILER_OPTIONAL = (
    "coord_system", "key_customer", "service_time_s", "status", "manager_staff_no", "area_code",
)  # fmt: skip
RETAILER_COLUMNS = RETAILER_REQUIRED + RETAILER_OPTIONAL
SALES_COLUMNS = ("licence_no", "order_date", "volume_cartons", "amount_yuan")
SALES_BRAND_COLUMNS = ("brand", "product")
"""Optional, either name (not both): the order's brand; an empty cell is an unknown brand."""
TARGET_COLUMNS = ("manager_staff_no", "month", "volume_cartons", "amount_yuan")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")

DEFAULT_SERVICE_TIME_S = {
    BusinessType.ORDINARY: 300,
    BusinessType.CONVENIENCE: 420,
    BusinessType.CHAIN_SUPERMARKET: 900,
    BusinessType.HOTEL_ENTERTAINMENT: 600,
    BusinessType.OTHER: 240,
}
_BUSINESS_ALIASES = {
    "普通": BusinessType.ORDINARY, "普通零售户": BusinessType.ORDINARY,
    "便利店": BusinessType.CONVENIENCE, "连锁超市": BusinessType.CHAIN_SUPERMARKET,
    "商超": BusinessType.CHAIN_SUPERMARKET, "宾馆娱乐": BusinessType.HOTEL_ENTERTAINMENT,
    "娱乐服务": BusinessType.HOTEL_ENTERTAINMENT, "其他": BusinessType.OTHER,
}  # fmt: skip
_STATUS_ALIASES = {
    "正常": RetailerStatus.ACTIVE, "暂停": RetailerStatus.SUSPENDED,
    "歇业": RetailerStatus.SUSPENDED, "注销": RetailerStatus.CLOSED,
}  # fmt: skip
_TRUE = {"true", "1", "yes", "y", "是"}
_FALSE = {"false", "0", "no", "n", "否", ""}
_LICENCE = re.compile(r"[0-9A-Za-z]{6,32}")
_AREA = re.compile(r"[0-9]{6,12}")
_MAX_SERVICE_TIME_S = 4 * 3600
_T = TypeVar("_T")
_NO_WINDOWS: tuple[OpeningWindow, ...] = ()
_E = TypeVar("_E", BusinessType, RetailerStatus, CoordinateSystem)


class CsvSource(Protocol):
    """Where a CSV comes from: a :class:`pathlib.Path` (the CLI) or a :class:`CsvFile`."""

    @property
    def name(self) -> str:
        """The file's name, for messages and the change log."""
        ...

    def read_bytes(self) -> bytes:
        """The file's bytes."""
        ...


@dataclass(frozen=True, slots=True)
class CsvFile:
    """A CSV already in memory (an upload), read like a path."""

    name: str
    data: bytes

    def read_bytes(self) -> bytes:
        """The file's bytes."""
        return self.data


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem: the file line (1 = header, 0 = the file as a whole), column and reason."""

    line: int
    field: str
    reason: str


class ImportRejected(ValueError):
    """The file was refused and nothing was written; ``errors`` lists every problem."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = tuple(sorted(errors, key=lambda e: (e.line, e.field)))
        first = self.errors[0]
        super().__init__(
            f"{len(self.errors)} problem(s), nothing imported; first: line {first.line}, "
            f"{first.field}: {first.reason}"
        )

    @property
    def bad_lines(self) -> int:
        """How many distinct lines have problems (a row can have several)."""
        return len({e.line for e in self.errors})


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an accepted import did, by natural key."""

    kind: str
    rows: int
    inserted: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return (
            f"{self.rows} {self.kind} rows: {self.inserted} inserted, {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )


class _RowProblem(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


class _Checks:
    """Collects every problem of one row instead of stopping at the first."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.errors: list[RowError] = []

    def __call__(self, parse: Callable[[], _T], fallback: _T) -> _T:
        """Return ``parse()``, or record its problem and return ``fallback``."""
        try:
            return parse()
        except _RowProblem as problem:
            self.add(problem.field, problem.reason)
            return fallback

    def add(self, field: str, reason: str) -> None:
        """Record a problem found by a check outside :meth:`__call__`."""
        self.errors.append(RowError(self.line, field, reason))


@dataclass(frozen=True, slots=True)
class _RetailerRow:
    line: int
    draft: RetailerDraft
    given: frozenset[str]  # optional columns with a value in this row


def import_retailers(
    session: Session, path: CsvSource, *, now: datetime | None = None
) -> ImportReport:
    """Validate and upsert retailers from a CSV file; the caller commits.

    Optional columns that are absent or empty keep an existing retailer's value and take
    the documented default for a new one (``manager_staff_no``: empty means unassigned).

    Raises
    ------
    ImportRejected
        If the file or any row is invalid; nothing is written then.
    """
    rows = _read(path, RETAILER_REQUIRED, RETAILER_OPTIONAL)
    managers = ManagerRepository(session).ids_by_staff_no(
        (r["manager_staff_no"].strip() for _, r in rows if r.get("manager_staff_no", "").strip()),
        active_only=True,
    )
    errors: list[RowError] = []
    parsed: list[_RetailerRow] = []
    seen: dict[str, int] = {}
    for line, raw in rows:
        row = _retailer(line, raw, managers)
        if isinstance(row, list):
            errors.extend(row)
            continue
        licence = row.draft.licence_no
        if licence in seen:
            errors.append(
                RowError(line, "licence_no", f"{licence} already on line {seen[licence]}")
            )
            continue
        seen[licence] = line
        parsed.append(row)
    if errors:
        raise ImportRejected(errors)
    repository = RetailerRepository(session)
    existing = repository.by_licence_nos(seen)
    drafts = [_merge(r, existing.get(r.draft.licence_no)) for r in parsed]
    counts = _write(
        lambda: repository.upsert_many(drafts, now=now or datetime.now(UTC), existing=existing)
    )
    return ImportReport("retailer", len(drafts), counts.inserted, counts.updated, counts.unchanged)


def import_sales(session: Session, path: CsvSource) -> ImportReport:
    """Validate and upsert sales orders by (licence number, order date); the caller commits.

    Raises
    ------
    ImportRejected
        If the file or any row is invalid (including unknown licence numbers).
    """
    rows = _read(path, SALES_COLUMNS, SALES_BRAND_COLUMNS)
    given = [c for c in SALES_BRAND_COLUMNS if c in rows[0][1]]
    if len(given) > 1:
        raise ImportRejected(
            [RowError(1, "product", "give the brand as brand or product, not both")]
        )
    brand_column = given[0] if given else None
    retailer_ids = RetailerRepository(session).ids_by_licence_no(
        r["licence_no"].strip() for _, r in rows
    )
    errors: list[RowError] = []
    drafts: list[SalesOrderDraft] = []
    seen: dict[tuple[str, date], int] = {}
    for line, raw in rows:
        sale = _sale(line, raw, retailer_ids, brand_column)
        if isinstance(sale, list):
            errors.extend(sale)
            continue
        licence, day, volume, amount, brand = sale
        if (licence, day) in seen:
            errors.append(
                RowError(
                    line, "order_date", f"{licence} on {day} already on line {seen[licence, day]}"
                )
            )
            continue
        seen[licence, day] = line
        drafts.append(SalesOrderDraft(retailer_ids[licence], day, volume, amount, brand))
    if errors:
        raise ImportRejected(errors)
    counts = _write(
        lambda: SalesRepository(session).upsert_orders(drafts, with_brands=brand_column is not None)
    )
    return ImportReport("sales", len(drafts), counts.inserted, counts.updated, counts.unchanged)


def import_targets(
    session: Session,
    path: CsvSource,
    *,
    now: datetime | None = None,
    actor_id: int | None = None,
) -> ImportReport:
    """Validate and upsert monthly sales targets by (manager, month); the caller commits.

    A target for a month already closed for its manager is refused (the business part of a
    closed month changes by amendment, or after a reopening).

    Raises
    ------
    ImportRejected
        If the file or any row is invalid; nothing is written then.
    """
    rows = _read(path, TARGET_COLUMNS, ())
    managers = ManagerRepository(session).ids_by_staff_no(
        (r["manager_staff_no"].strip() for _, r in rows), active_only=True
    )
    errors: list[RowError] = []
    targets: list[tuple[int, MonthlyTarget]] = []
    seen: dict[tuple[int, date], int] = {}
    for line, raw in rows:
        target = _target(line, raw, managers)
        if isinstance(target, list):
            errors.extend(target)
            continue
        key = (target.manager_id, target.month)
        if key in seen:
            errors.append(
                RowError(line, "month", f"{raw['month'].strip()} already on line {seen[key]}")
            )
            continue
        seen[key] = line
        targets.append((line, target))
    closed = EvaluationRepository(session)
    for line, target in targets:
        month = target.month.strftime("%Y-%m")
        if closed.closed_managers(PeriodKind.MONTH, month, [target.manager_id]):
            errors.append(
                RowError(line, "month", f"{month} is closed for this manager; amend it instead")
            )
    if errors:
        raise ImportRejected(errors)
    counts = _write(
        lambda: SalesRepository(session).upsert_targets(
            [t for _, t in targets], set_by=actor_id, at=now or datetime.now(UTC)
        )
    )
    return ImportReport("target", len(targets), counts.inserted, counts.updated, counts.unchanged)


def _target(
    line: int, raw: dict[str, str], managers: dict[str, int]
) -> MonthlyTarget | list[RowError]:
    """Parse one target row, collecting every bad field for the report."""
    check = _Checks(line)
    staff_no = raw["manager_staff_no"].strip()
    if staff_no not in managers:
        check.add("manager_staff_no", f"no active account manager with staff number {staff_no!r}")
    month = check(lambda: _month(raw["month"]), date.min)
    volume = check(lambda: _int("volume_cartons", raw, 0, 10**12), 0)
    amount = check(lambda: _yuan(raw["amount_yuan"]), Decimal(0))
    if not check.errors:
        for field, message in target_problems(volume, amount):
            check.add(field, message)
    if check.errors:
        return check.errors
    return MonthlyTarget(0, managers[staff_no], month, volume, amount)


def _month(value: str) -> date:
    text = value.strip()
    match = _MONTH.fullmatch(text)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise _RowProblem("month", f"{text!r} is not a month like 2026-12")
    return date(int(match.group(1)), int(match.group(2)), 1)


def _write(action: Callable[[], UpsertCounts]) -> UpsertCounts:
    try:
        return action()
    except StaleRetailer as exc:
        raise ImportRejected([RowError(0, "file", str(exc))]) from exc
    except IntegrityError as exc:  # e.g. another import inserted the same licence meanwhile
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "constraint violated"
        raise ImportRejected(
            [RowError(0, "file", f"the database refused the rows: {reason}")]
        ) from exc


def read_csv(
    path: CsvSource, required: tuple[str, ...], optional: tuple[str, ...]
) -> list[tuple[int, dict[str, str]]]:
    """The data rows of a CSV file with their line numbers, header checked (UTF-8 or GB18030).

    Raises :class:`ImportRejected` for an unreadable, empty or malformed file or header.
    """
    return _read(path, required, optional)


def _read(
    path: CsvSource, required: tuple[str, ...], optional: tuple[str, ...]
) -> list[tuple[int, dict[str, str]]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRejected(
            [RowError(0, "file", f"cannot read {path.name}: {exc.strerror}")]
        ) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")  # what Excel writes on a Chinese-locale PC
        except UnicodeDecodeError as exc:
            raise ImportRejected(
                [RowError(0, "file", "is neither UTF-8 nor GB18030 text")]
            ) from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ImportRejected([RowError(0, "file", "is empty; expected a header row")]) from None
    except csv.Error as exc:
        raise ImportRejected([RowError(1, "file", f"malformed CSV: {exc}")]) from exc
    errors = [RowError(1, c, "required column is missing") for c in required if c not in header]
    known = set(required) | set(optional)
    errors += [RowError(1, c or "(blank)", "unknown column") for c in header if c not in known]
    errors += [
        RowError(1, c, "column appears more than once")
        for c in sorted(set(header))
        if header.count(c) > 1
    ]
    if errors:
        raise ImportRejected(errors)
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue  # blank lines carry no row
            if len(values) != len(header):
                errors.append(
                    RowError(
                        reader.line_num,
                        "row",
                        f"has {len(values)} fields, header has {len(header)}",
                    )
                )
                continue
            rows.append((reader.line_num, dict(zip(header, values, strict=True))))
            if len(rows) > MAX_ROWS:
                raise ImportRejected(
                    [RowError(0, "file", f"has more than {MAX_ROWS} rows; split it")]
                )
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, "file", f"malformed CSV: {exc}"))
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected([RowError(0, "file", "has a header but no data rows")])
    return rows


def _retailer(
    line: int, raw: dict[str, str], managers: dict[str, int]
) -> _RetailerRow | list[RowError]:
    """Parse one row, collecting every bad field (not just the first) for the report."""
    check = _Checks(line)
    given = frozenset(c for c in RETAILER_OPTIONAL if raw.get(c, "").strip())
    licence = check(lambda: _licence(raw["licence_no"]), "")
    name = check(lambda: _text("name", raw, 120), "")
    address = check(lambda: _text("address", raw, 255), "")
    raw_lat = check(lambda: _float("lat", raw), math.nan)
    raw_lon = check(lambda: _float("lon", raw), math.nan)
    system = CoordinateSystem.WGS84
    if "coord_system" in given:
        system = check(lambda: _choice("coord_system", raw, CoordinateSystem, {}), system)
    lat, lon = raw_lat, raw_lon
    if not check.errors:  # a conversion needs a valid pair and datum
        lat, lon = check(lambda: _to_wgs84(raw_lat, raw_lon, system), (math.nan, math.nan))
    business_type = check(
        lambda: _choice("business_type", raw, BusinessType, _BUSINESS_ALIASES),
        BusinessType.ORDINARY,
    )
    grade = check(lambda: _int("grade", raw, 1, MAX_GRADE), 1)
    weekday = check(lambda: _int("order_weekday", raw, 0, 6), 0)
    windows = check(lambda: _opening_hours(raw["opening_hours"]), _NO_WINDOWS)
    manager_no = raw.get("manager_staff_no", "").strip()
    if manager_no and manager_no not in managers:
        check.add("manager_staff_no", f"no active account manager with staff number {manager_no}")
    area = raw.get("area_code", "").strip() or licence[:6]
    if (licence or "area_code" in given) and not _AREA.fullmatch(area):
        source = "" if "area_code" in given else " (taken from the licence number; add it)"
        check.add("area_code", f"{area!r} must be 6-12 digits{source}")
    key = check(lambda: _bool("key_customer", raw), False) if "key_customer" in given else False
    service = DEFAULT_SERVICE_TIME_S[business_type] + (300 if key else 0)
    if "service_time_s" in given:
        service = check(lambda: _int("service_time_s", raw, 1, _MAX_SERVICE_TIME_S), service)
    status = RetailerStatus.ACTIVE
    if "status" in given:
        status = check(lambda: _choice("status", raw, RetailerStatus, _STATUS_ALIASES), status)
    if check.errors:
        return check.errors
    draft = RetailerDraft(
        licence_no=licence,
        name=name,
        address=address,
        lat=lat,
        lon=lon,
        business_type=business_type,
        grade=grade,
        key_customer=key,
        service_time_s=service,
        order_weekday=weekday,
        status=status,
        manager_id=managers.get(manager_no),
        area_code=area,
        opening_windows=windows,
    )
    given = given | ({"manager_staff_no"} if "manager_staff_no" in raw else set())
    return _RetailerRow(line, draft, given)


def _sale(
    line: int, raw: dict[str, str], retailer_ids: dict[str, int], brand_column: str | None
) -> tuple[str, date, int, Decimal, str | None] | list[RowError]:
    """Parse one sales row, collecting every bad field for the report."""
    check = _Checks(line)
    licence = check(lambda: _licence(raw["licence_no"]), "")
    if licence and licence not in retailer_ids:
        check.add("licence_no", f"no retailer with licence number {licence}")
    day = check(
        lambda: _field("order_date", raw, date.fromisoformat, "a date like 2026-10-31"), date.min
    )
    volume = check(lambda: _int("volume_cartons", raw, 0, 1_000_000), 0)
    amount = check(lambda: _yuan(raw["amount_yuan"]), Decimal(0))
    brand = None if brand_column is None else check(lambda: _brand(brand_column, raw), None)
    return check.errors or (licence, day, volume, amount, brand)


def _brand(field: str, raw: dict[str, str]) -> str | None:
    """The trimmed brand; an empty cell is an unknown brand (``None``)."""
    value = raw[field].strip()
    if not value:
        return None
    problem = brand_problem(value)
    if problem is not None:
        shown = value if len(value) <= 20 else value[:20] + "…"
        raise _RowProblem(field, f"{shown!r} {problem}")
    return value


def _merge(row: _RetailerRow, current: Retailer | None) -> RetailerDraft:
    """Keep an existing retailer's values for optional columns the file did not give."""
    if current is None:
        return row.draft
    old = current.draft()
    given = row.given
    return replace(
        row.draft,
        key_customer=row.draft.key_customer if "key_customer" in given else old.key_customer,
        service_time_s=(
            row.draft.service_time_s if "service_time_s" in given else old.service_time_s
        ),
        status=row.draft.status if "status" in given else old.status,
        manager_id=row.draft.manager_id if "manager_staff_no" in given else old.manager_id,
        area_code=row.draft.area_code if "area_code" in given else old.area_code,
    )


def _to_wgs84(lat: float, lon: float, system: CoordinateSystem) -> tuple[float, float]:
    if not (-90 <= lat <= 90):
        raise _RowProblem("lat", f"{lat} is outside -90..90 degrees")
    if not (-180 <= lon <= 180):
        raise _RowProblem("lon", f"{lon} is outside -180..180 degrees")
    try:
        if system is CoordinateSystem.GCJ02:
            wgs = geo.to_wgs84(geo.Gcj02(lat, lon))
        elif system is CoordinateSystem.BD09:
            wgs = geo.to_wgs84(geo.Bd09(lat, lon))
        else:
            wgs = geo.to_wgs84(geo.Wgs84(lat, lon))
    except geo.GeoError as exc:
        raise _RowProblem("lat", f"({lat}, {lon}) {system.value}: {exc}") from exc
    return wgs.lat, wgs.lon


def _opening_hours(value: str) -> tuple[OpeningWindow, ...]:
    try:
        return parse_opening_hours(value)
    except ValueError as exc:
        raise _RowProblem("opening_hours", str(exc)) from None


def _licence(value: str) -> str:
    licence = value.strip()
    if not _LICENCE.fullmatch(licence):
        hint = (
            " (a spreadsheet turned it into a number; format the column as text)"
            if ("E+" in licence.upper() or "." in licence)
            else ""
        )
        raise _RowProblem("licence_no", f"{licence!r} must be 6-32 letters or digits{hint}")
    return licence


def _text(field: str, raw: dict[str, str], max_len: int) -> str:
    value = raw[field].strip()
    if not value:
        raise _RowProblem(field, "must not be empty")
    if len(value) > max_len:
        raise _RowProblem(field, f"is {len(value)} characters long; at most {max_len}")
    return value


def _field(field: str, raw: dict[str, str], parse: Callable[[str], _T], expected: str) -> _T:
    value = raw[field].strip()
    try:
        return parse(value)
    except ValueError:
        raise _RowProblem(field, f"{value!r} is not {expected}") from None


def _float(field: str, raw: dict[str, str]) -> float:
    value = _field(field, raw, float, "a decimal number")
    if not math.isfinite(value):
        raise _RowProblem(field, f"{value} is not a finite number")
    return value


def _int(field: str, raw: dict[str, str], low: int, high: int) -> int:
    value = _field(field, raw, int, "a whole number")
    if not low <= value <= high:
        raise _RowProblem(field, f"{value} is outside {low}..{high}")
    return value


def _bool(field: str, raw: dict[str, str]) -> bool:
    value = raw[field].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise _RowProblem(field, f"{value!r} is not one of true/false, 1/0, yes/no, 是/否")


def _choice(field: str, raw: dict[str, str], enum: type[_E], aliases: Mapping[str, _E]) -> _E:
    value = raw[field].strip()
    key = value.upper().replace("-", "").replace(" ", "_")
    for member in enum:
        if member.value.replace("_", "") == key.replace("_", ""):
            return member
    if value in aliases:
        return aliases[value]
    allowed = ", ".join(m.value for m in enum)
    raise _RowProblem(field, f"{value!r} is not one of {allowed}")


def _yuan(value: str) -> Decimal:
    text = value.strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise _RowProblem("amount_yuan", f"{text!r} is not an amount like 1234.50") from None
    if not amount.is_finite() or amount < 0:
        raise _RowProblem("amount_yuan", f"{text} must be a non-negative amount")
    if amount != amount.quantize(Decimal("0.01")):
        raise _RowProblem("amount_yuan", f"{text} has more than 2 decimal places (fen)")
    return amount
