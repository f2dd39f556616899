"""A deterministic demo district around Wenzhou: organisation, ~3,000 retailers, 8 weeks of sales.

The same ``seed`` always writes the same data (no clock, no unordered iteration, one
``random.Random``), so demos, screenshots and tests agree. Retailers cluster in real towns
of the district and line up along streets; types, grades, opening hours (some with a midday
break), key customers and order days follow the mix a city company actually has.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from gql.domain import (
    BusinessType,
    Carrier,
    DepartmentKind,
    OpeningWindow,
    RetailerDraft,
    RetailerStatus,
    Role,
    SalesOrderDraft,
    yuan_from_fen,
)
from gql.services.demo.brands import BrandChooser
from gql.store.repositories import (
    DepartmentRepository,
    ManagerRepository,
    RetailerRepository,
    SalesRepository,
    StaffRepository,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy.orm import Session

__all__ = [
    "DEMO_FIRST_ORDER_DATE",
    "DEMO_MANAGERS_PER_DEPARTMENT",
    "DEMO_WEEKS",
    "MAX_MANAGERS_PER_DEPARTMENT",
    "DatabaseNotEmpty",
    "DemoSummary",
    "DemoUser",
    "ManagerCountOutOfRange",
    "demo_users",
    "has_data",
    "sales_span",
    "seed",
]

DEMO_FIRST_ORDER_DATE = date(2026, 9, 7)
"""A Monday; fixed so the same seed gives the same data on any day."""
DEMO_WEEKS = 8
DEMO_RETAILERS = 3_000
DEMO_MANAGERS_PER_DEPARTMENT = 5
MAX_MANAGERS_PER_DEPARTMENT = 1_000
"""Staff numbers run W0001 to W9999: three departments of this many fit with their heads."""
_CREATED_AT = datetime(2026, 9, 1, tzinfo=UTC)
_M_PER_DEG_LAT = 111_320.0
_CHUNK = 500


class DatabaseNotEmpty(RuntimeError):
    """The demo city is only seeded into an empty database."""


class ManagerCountOutOfRange(ValueError):
    """Managers per department outside 1 to :data:`MAX_MANAGERS_PER_DEPARTMENT`."""


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What :func:`seed` wrote."""

    departments: int
    staff: int
    managers: int
    retailers: int
    opening_windows: int
    orders: int
    targets: int
    first_order_date: date
    last_order_date: date

    def __str__(self) -> str:
        return (
            f"{self.departments} departments, {self.staff} staff ({self.managers} managers), "
            f"{self.retailers} retailers, {self.opening_windows} opening windows, "
            f"{self.orders} orders {self.first_order_date}..{self.last_order_date}, "
            f"{self.targets} monthly targets"
        )


@dataclass(frozen=True, slots=True)
class DemoUser:
    """One demo login per role, for ``make run`` to mint a token for."""

    staff_no: str
    name: str
    role: Role
    department: str


@dataclass(frozen=True, slots=True)
class _Town:
    name: str
    district: str
    area_code: str
    lat: float
    lon: float
    radius_m: float
    weight: float
    department: int  # index into _SERVICE_DEPARTMENTS


# Real towns of the district (positions approximate, WGS-84), inside lat 27.8–28.2, lon 120.5–121.0.
_TOWNS = (
    _Town("五马", "鹿城区", "330302", 28.0150, 120.6530, 1600, 9.0, 0),
    _Town("七都", "鹿城区", "330302", 28.0250, 120.7150, 1200, 2.0, 0),
    _Town("藤桥", "鹿城区", "330302", 28.0600, 120.5450, 1100, 1.6, 0),
    _Town("瓯北", "永嘉县", "330324", 28.0330, 120.6700, 1500, 3.5, 0),
    _Town("桥头", "永嘉县", "330324", 28.1700, 120.6100, 1000, 1.2, 0),
    _Town("梧田", "瓯海区", "330304", 27.9650, 120.6700, 1400, 4.0, 1),
    _Town("娄桥", "瓯海区", "330304", 27.9750, 120.6150, 1200, 2.5, 1),
    _Town("仙岩", "瓯海区", "330304", 27.8800, 120.6300, 1100, 1.8, 1),
    _Town("塘下", "瑞安市", "330381", 27.8500, 120.7200, 1400, 3.0, 1),
    _Town("状元", "龙湾区", "330303", 27.9850, 120.7750, 1300, 3.0, 2),
    _Town("永中", "龙湾区", "330303", 27.9250, 120.8050, 1500, 4.0, 2),
    _Town("海城", "龙湾区", "330303", 27.8850, 120.8300, 1100, 2.0, 2),
    _Town("灵昆", "龙湾区", "330303", 27.9600, 120.9200, 900, 1.0, 2),
)
_SERVICE_DEPARTMENTS = (
    ("KF01", "鹿城客户服务部"),
    ("KF02", "瓯海客户服务部"),
    ("KF03", "龙湾客户服务部"),
)
_STREETS = (
    "解放路", "人民路", "府前街", "信河街", "车站大道", "学院路", "新城大道", "锦绣路",
    "黎明路", "松台路", "望江路", "划龙桥路", "瓯海大道", "永强大道", "金海大道", "机场大道",
    "塘下大道", "罗东路", "兴业路", "振兴路", "建设路", "文化路", "府东路", "环城路",
    "南站路", "育英路", "双屿路", "江滨路", "东瓯路", "飞霞路",
)  # fmt: skip
_SURNAMES = "王李张陈林黄周吴郑徐潘叶金朱杨胡蔡林池戴章谢邵"
_GIVEN = "建国伟明华丽芳强军平海燕红霞杰涛勇斌磊静敏洁峰超宇鑫浩"
_TYPE_MIX = (
    (BusinessType.ORDINARY, 0.68),
    (BusinessType.CONVENIENCE, 0.15),
    (BusinessType.CHAIN_SUPERMARKET, 0.05),
    (BusinessType.HOTEL_ENTERTAINMENT, 0.08),
    (BusinessType.OTHER, 0.04),
)
_GRADE_RANGE = {  # (low, mode, high) of the class grade (档位) by business type
    BusinessType.ORDINARY: (1, 9, 26),
    BusinessType.CONVENIENCE: (8, 16, 28),
    BusinessType.CHAIN_SUPERMARKET: (18, 26, 30),
    BusinessType.HOTEL_ENTERTAINMENT: (6, 14, 26),
    BusinessType.OTHER: (2, 7, 18),
}
_SERVICE_TIME_S = {
    BusinessType.ORDINARY: 300,
    BusinessType.CONVENIENCE: 420,
    BusinessType.CHAIN_SUPERMARKET: 900,
    BusinessType.HOTEL_ENTERTAINMENT: 600,
    BusinessType.OTHER: 240,
}
_CHAINS = ("华联超市", "世纪联华", "人本超市", "物美超市")
_CONVENIENCE = ("快客便利", "好邻居便利", "十足便利", "可的便利")
_SHOP_SUFFIX = ("烟酒店", "商店", "食杂店", "副食店", "小卖部", "烟酒商行")
_HOTEL_SUFFIX = ("大酒店", "宾馆", "KTV", "足浴城", "商务酒店")
_OTHER_NAMES = ("加油站便利店", "报刊亭", "水果店", "药店烟柜")


def has_data(session: Session) -> bool:
    """Whether the database already holds retailers or staff (then :func:`seed` refuses)."""
    return _existing(session) != (0, 0)


def _existing(session: Session) -> tuple[int, int]:
    return (
        RetailerRepository(session).count(),
        StaffRepository(session).page(first=1).total_count,
    )


def seed(
    session: Session,
    *,
    seed: int = 7,
    progress: Callable[[str, int, int], None] | None = None,
    retailers: int = DEMO_RETAILERS,
    today: date | None = None,
    managers_per_department: int = DEMO_MANAGERS_PER_DEPARTMENT,
) -> DemoSummary:
    """Write the demo district into an empty database; the caller commits once.

    Parameters
    ----------
    session
        Session to write with; this function flushes but never commits.
    seed
        Seed of the random generators (the city's, and the orders' brands'): same seed, same
        data.
    progress
        Called as ``progress(step, done, total)`` during the long steps.
    retailers
        How many retailers (tests seed a small city; the managers stay the same).
    managers_per_department
        Account managers in each of the three service departments. More managers with more
        retailers is a bigger city of the same shape: a load test replays one handheld per
        manager, as a morning has.
    today
        Reference day of a demo with history (:mod:`gql.services.demo`): orders then run from
        the first day of the month two months back through ``today``, and
        no targets are written here (the history sets them through the targets service).
        ``None``: the fixed 8 weeks from :data:`DEMO_FIRST_ORDER_DATE` with their targets.

    Raises
    ------
    ManagerCountOutOfRange
        If ``managers_per_department`` is outside 1 to :data:`MAX_MANAGERS_PER_DEPARTMENT`;
        checked before anything is read or written.
    DatabaseNotEmpty
        If the database already holds retailers or staff.
    """
    if not 1 <= managers_per_department <= MAX_MANAGERS_PER_DEPARTMENT:
        raise ManagerCountOutOfRange(
            f"managers per department must be 1 to {MAX_MANAGERS_PER_DEPARTMENT}, "
            f"got {managers_per_department}"
        )
    retailer_count, staff_count = _existing(session)
    if retailer_count or staff_count:
        raise DatabaseNotEmpty(
            f"the database already holds {retailer_count} retailers and {staff_count} staff "
            "members; the demo city is only seeded into an empty database"
        )
    report = progress or _no_progress
    rng = random.Random(seed)
    departments, staff, managers_by_dept = _organisation(session, rng, managers_per_department)
    report("organisation", 1, 1)
    drafts = _retailers(rng, managers_by_dept, retailers)
    repository = RetailerRepository(session)
    ids: list[int] = []
    for start in range(0, len(drafts), _CHUNK):
        ids.extend(repository.add_many(drafts[start : start + _CHUNK], now=_CREATED_AT))
        report("retailers", min(start + _CHUNK, len(drafts)), len(drafts))
    first_day, weeks = sales_span(today)
    orders, targets = _sales(
        session,
        rng,
        list(zip(ids, drafts, strict=True)),
        report,
        first_day=first_day,
        weeks=weeks,
        last_day=today,
        seed=seed,
    )
    last_day = today or first_day + timedelta(weeks=weeks, days=-1)
    return DemoSummary(
        departments=departments,
        staff=staff,
        managers=sum(len(m) for m in managers_by_dept),
        retailers=len(drafts),
        opening_windows=sum(len(d.opening_windows) for d in drafts),
        orders=orders,
        targets=targets,
        first_order_date=first_day,
        last_order_date=last_day,
    )


def sales_span(today: date | None) -> tuple[date, int]:
    """First order day and the number of weeks (from that day's Monday) of the demo's sales.

    Examples
    --------
    >>> sales_span(None)
    (datetime.date(2026, 9, 7), 8)
    >>> sales_span(date(2026, 12, 4))
    (datetime.date(2026, 10, 1), 10)
    """
    if today is None:
        return DEMO_FIRST_ORDER_DATE, DEMO_WEEKS
    month = date(today.year, today.month, 1)
    for _ in range(2):
        month = (month - timedelta(days=1)).replace(day=1)
    monday = month - timedelta(days=month.weekday())
    return month, (today - monday).days // 7 + 1


def demo_users(session: Session) -> list[DemoUser]:
    """Return one active staff member per role (lowest staff number), in role order."""
    departments = {d.id: d.name for d in DepartmentRepository(session).all()}
    chosen: dict[Role, DemoUser] = {}
    page = StaffRepository(session).page(first=500)
    for _, staff in sorted(page.items, key=lambda item: item[1].staff_no):
        if staff.active and staff.role not in chosen:
            chosen[staff.role] = DemoUser(
                staff.staff_no, staff.name, staff.role, departments.get(staff.department_id, "")
            )
    return [chosen[role] for role in Role if role in chosen]


def _no_progress(step: str, done: int, total: int) -> None:
    """Ignore progress."""


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choices(_GIVEN, k=rng.choice((1, 2))))


def _organisation(
    session: Session, rng: random.Random, managers_per_department: int
) -> tuple[int, int, list[list[int]]]:
    departments = DepartmentRepository(session)
    staff = StaffRepository(session)
    managers = ManagerRepository(session)
    company = departments.add(
        code="WZ", name="温州市烟草公司", kind=DepartmentKind.COMPANY, parent_id=None
    )
    marketing = departments.add(
        code="YXB", name="营销部", kind=DepartmentKind.MARKETING, parent_id=company.id
    )
    audit = departments.add(
        code="KHZ", name="考核组", kind=DepartmentKind.AUDIT_TEAM, parent_id=company.id
    )
    service = [
        departments.add(
            code=code, name=name, kind=DepartmentKind.CUSTOMER_SERVICE, parent_id=marketing.id
        )
        for code, name in _SERVICE_DEPARTMENTS
    ]
    counter = iter(range(1, 10_000))

    def hire(role: Role, department_id: int) -> int:
        joined = date(2008, 1, 1) + timedelta(days=rng.randrange(0, 16 * 365))
        return staff.add(
            staff_no=f"W{next(counter):04d}",
            name=_person(rng),
            role=role,
            department_id=department_id,
            joined_on=joined,
        ).id

    hire(Role.ADMIN, company.id)
    for _ in range(3):
        hire(Role.MARKETING, marketing.id)
    for _ in range(3):
        hire(Role.AUDITOR, audit.id)
    managers_by_dept: list[list[int]] = []
    for index, department in enumerate(service):
        hire(Role.DEPARTMENT_HEAD, department.id)
        hire(Role.DEPUTY_HEAD, department.id)
        office = next(t for t in _TOWNS if t.department == index)
        ids = []
        for number in range(managers_per_department):
            staff_id = hire(Role.ACCOUNT_MANAGER, department.id)
            ported = number == 4 and index == 0  # a number ported between carriers (R1.2)
            carrier = Carrier.TELECOM if (number % 2 == 0) != ported else Carrier.MOBILE
            prefix = rng.choice(("133", "153", "189") if number % 2 == 0 else ("135", "139", "150"))
            at_home = number == 3
            lat, lon = _offset(office.lat, office.lon, rng.gauss(0, 600), rng.gauss(0, 600))
            managers.add(
                staff_id=staff_id,
                msisdn=f"{prefix}{rng.randrange(10**8):08d}",
                carrier=carrier,
                start_lat=round(lat, 6),
                start_lon=round(lon, 6),
                start_label="住所" if at_home else f"{department.name}办公室",
            )
            ids.append(staff_id)
        managers_by_dept.append(ids)
    return 3 + len(service), next(counter) - 1, managers_by_dept


def _offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    m_per_deg_lon = _M_PER_DEG_LAT * math.cos(math.radians(lat))
    return lat + north_m / _M_PER_DEG_LAT, lon + east_m / m_per_deg_lon


@dataclass(slots=True)
class _Site:
    lat: float
    lon: float
    town: _Town
    street: str
    number: int


def _sites(rng: random.Random, size: int) -> list[_Site]:
    """Place shops along each town's streets (80 %) and through its neighbourhoods."""
    total_weight = sum(t.weight for t in _TOWNS)
    sites: list[_Site] = []
    for town in _TOWNS:
        count = round(size * town.weight / total_weight)
        names = rng.sample(_STREETS, k=min(len(_STREETS), 3 + round(town.weight * 1.5)))
        streets = [
            (
                name,
                rng.uniform(0, math.pi),  # bearing of the street
                rng.gauss(0, town.radius_m / 3),  # a point it passes, metres north ...
                rng.gauss(0, town.radius_m / 3),  # ... and east of the town centre
                rng.uniform(0.5, 1.2) * town.radius_m,  # half its length
            )
            for name in names
        ]
        for _ in range(count):
            name, angle, north0, east0, half_m = rng.choice(streets)
            if rng.random() < 0.8:
                along, across = rng.uniform(-half_m, half_m), rng.gauss(0, 10)
                north = north0 + along * math.sin(angle) + across * math.cos(angle)
                east = east0 + along * math.cos(angle) - across * math.sin(angle)
            else:
                north, east = rng.gauss(0, town.radius_m / 2), rng.gauss(0, town.radius_m / 2)
            lat, lon = _offset(town.lat, town.lon, north, east)
            lat = min(max(lat, 27.8005), 28.1995)
            lon = min(max(lon, 120.5005), 120.9995)
            sites.append(_Site(round(lat, 6), round(lon, 6), town, name, rng.randint(1, 888)))
    return sites[:size]


def _retailers(
    rng: random.Random, managers_by_dept: Sequence[Sequence[int]], size: int
) -> list[RetailerDraft]:
    sites = _sites(rng, size)
    manager_of: dict[int, int] = {}
    weekday_of: dict[int, int] = {}
    for dept, managers in enumerate(managers_by_dept):
        members = [i for i, s in enumerate(sites) if s.town.department == dept]
        lat0 = sum(sites[i].lat for i in members) / len(members)
        lon0 = sum(sites[i].lon for i in members) / len(members)
        members.sort(key=lambda i: (math.atan2(sites[i].lat - lat0, sites[i].lon - lon0), i))
        share = math.ceil(len(members) / len(managers))
        for slot, manager_id in enumerate(managers):
            territory = members[slot * share : (slot + 1) * share]
            territory.sort(key=lambda i: (sites[i].lon, i))  # order days sweep west to east
            day_share = math.ceil(len(territory) / 5)
            for position, i in enumerate(territory):
                manager_of[i] = manager_id
                weekday_of[i] = position // day_share
    drafts = []
    serials: dict[str, int] = {}
    for i, site in enumerate(sites):
        business_type = rng.choices([t for t, _ in _TYPE_MIX], [w for _, w in _TYPE_MIX])[0]
        low, mode, high = _GRADE_RANGE[business_type]
        grade = round(rng.triangular(low, high, mode))
        key = business_type is BusinessType.CHAIN_SUPERMARKET or grade >= 26 or rng.random() < 0.03
        serials[site.town.area_code] = serials.get(site.town.area_code, 100_000) + rng.randint(1, 9)
        status_roll = rng.random()
        status = (
            RetailerStatus.ACTIVE
            if status_roll < 0.94
            else RetailerStatus.SUSPENDED
            if status_roll < 0.98
            else RetailerStatus.CLOSED
        )
        drafts.append(
            RetailerDraft(
                licence_no=f"{site.town.area_code}{serials[site.town.area_code]:06d}",
                name=_shop_name(rng, business_type, site),
                address=f"温州市{site.town.district}{site.town.name}{site.street}{site.number}号",
                lat=site.lat,
                lon=site.lon,
                business_type=business_type,
                grade=grade,
                key_customer=key,
                service_time_s=_SERVICE_TIME_S[business_type] + (300 if key else 0),
                order_weekday=weekday_of[i],
                status=status,
                manager_id=manager_of[i],
                area_code=site.town.area_code,
                opening_windows=_opening_hours(rng, business_type),
            )
        )
    return drafts


def _shop_name(rng: random.Random, business_type: BusinessType, site: _Site) -> str:
    if business_type is BusinessType.CHAIN_SUPERMARKET:
        return f"{rng.choice(_CHAINS)}（{site.town.name}{site.street}店）"
    if business_type is BusinessType.CONVENIENCE:
        return f"{rng.choice(_CONVENIENCE)}（{site.street}{site.number}号店）"
    if business_type is BusinessType.HOTEL_ENTERTAINMENT:
        return (
            f"{site.town.name}{rng.choice(_GIVEN)}{rng.choice(_GIVEN)}{rng.choice(_HOTEL_SUFFIX)}"
        )
    if business_type is BusinessType.OTHER:
        return f"{site.town.name}{rng.choice(_OTHER_NAMES)}"
    return f"{rng.choice(_SURNAMES)}{rng.choice(_GIVEN)}{rng.choice(_SHOP_SUFFIX)}"


def _clock(rng: random.Random, earliest_h: float, latest_h: float) -> int:
    quarters = rng.randint(round(earliest_h * 4), round(latest_h * 4))
    return quarters * 900


def _opening_hours(rng: random.Random, business_type: BusinessType) -> tuple[OpeningWindow, ...]:
    roll = rng.random()
    if business_type is BusinessType.CONVENIENCE and roll < 0.4:
        return (OpeningWindow(0, 86_400),)  # open around the clock
    if business_type is BusinessType.CHAIN_SUPERMARKET:
        return (OpeningWindow(_clock(rng, 8, 9), _clock(rng, 21.5, 22.5)),)
    if business_type is BusinessType.HOTEL_ENTERTAINMENT:
        if roll < 0.5:  # restaurant-style: lunch, then evening until midnight
            return (
                OpeningWindow(_clock(rng, 10.5, 11), 14 * 3600),
                OpeningWindow(17 * 3600, 86_400),
            )
        return (OpeningWindow(_clock(rng, 9, 10), 86_400),)
    opens, closes = _clock(rng, 6.5, 8), _clock(rng, 20.5, 22.5)
    if roll < 0.22:  # the classic midday break of a family shop
        return (
            OpeningWindow(opens, _clock(rng, 11.5, 12)),
            OpeningWindow(_clock(rng, 13.5, 14.5), closes),
        )
    if roll < 0.32:  # shorter Sunday hours
        weekdays = tuple(OpeningWindow(opens, closes, weekday=d) for d in range(6))
        return (*weekdays, OpeningWindow(_clock(rng, 8.5, 9.5), _clock(rng, 17, 19), weekday=6))
    return (OpeningWindow(opens, closes),)


def _sales(
    session: Session,
    rng: random.Random,
    retailers: Sequence[tuple[int, RetailerDraft]],
    report: Callable[[str, int, int], None],
    *,
    first_day: date,
    weeks: int,
    last_day: date | None,
    seed: int,
) -> tuple[int, int]:
    sales = SalesRepository(session)
    brands = BrandChooser(seed)
    profile = {}
    for retailer_id, draft in retailers:
        factor = 1.6 if draft.business_type is BusinessType.CHAIN_SUPERMARKET else 1.0
        weekly = max(1.0, (1.5 + 1.4 * draft.grade) * factor * rng.uniform(0.8, 1.2))
        price_fen = round(14_000 + 650 * draft.grade + rng.gauss(0, 1_500))
        profile[retailer_id] = (weekly, max(8_000, price_fen))
    active = [(rid, d) for rid, d in retailers if d.status is RetailerStatus.ACTIVE]
    orders = 0
    monday = first_day - timedelta(days=first_day.weekday())
    for week in range(weeks):
        drafts = []
        for retailer_id, draft in active:
            if rng.random() < 0.08:  # no order this week
                continue
            weekly, price_fen = profile[retailer_id]
            volume = max(1, round(rng.gauss(weekly, weekly * 0.25)))
            day = monday + timedelta(weeks=week, days=draft.order_weekday)
            if day < first_day or (last_day is not None and day > last_day):
                continue  # before the demo's first month, or not ordered yet
            drafts.append(
                SalesOrderDraft(
                    retailer_id,
                    day,
                    volume,
                    yuan_from_fen(volume * price_fen),
                    brands.brand(retailer_id, draft),
                )
            )
        sales.add_orders(drafts, roll_up=False)
        orders += len(drafts)
        report("orders", week + 1, weeks)
    sales.rebuild_roll_ups()  # once, not a refresh per week
    if last_day is not None:
        return orders, 0
    by_manager: dict[int, tuple[float, float]] = {}
    for retailer_id, draft in active:
        if draft.manager_id is None:
            continue
        weekly, price_fen = profile[retailer_id]
        sum_volume, sum_fen = by_manager.get(draft.manager_id, (0.0, 0.0))
        by_manager[draft.manager_id] = (sum_volume + weekly, sum_fen + weekly * price_fen)
    months = (date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1))
    targets = 0
    for manager_id in sorted(by_manager):
        weekly_volume, weekly_fen = by_manager[manager_id]
        for month in months:
            stretch = rng.uniform(1.00, 1.08)  # targets ask a little more than the trend
            target_volume = int(round(weekly_volume * 4.35 * stretch, -2))
            target_yuan = Decimal(int(round(weekly_fen * 4.35 * stretch / 100, -3)))
            sales.add_target(
                manager_id=manager_id,
                month=month,
                volume_cartons=target_volume,
                amount_yuan=target_yuan,
            )
            targets += 1
    report("targets", targets, targets)
    return orders, targets
