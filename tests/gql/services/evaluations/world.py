"""A small company for evaluation tests: two customer-service departments, their heads, three
managers each with three retailers, marketing and an auditor; services on a pinned clock.

Built inside the test's own rolled-back session (``db_session``), so every test starts from
the same company and leaves nothing behind, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
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
)
from gql.services.access import Principal
from gql.services.calendar import LOCAL_TZ
from gql.services.evaluations import rules as scoring
from gql.services.evaluations.boards import BoardService
from gql.services.evaluations.closing import PeriodService
from gql.services.evaluations.performance import PerformanceService
from gql.services.evaluations.service import EvaluationService
from gql.services.evaluations.targets import TargetService
from gql.store.repositories import (
    DepartmentRepository,
    ManagerRepository,
    RetailerRepository,
    SalesRepository,
    StaffRepository,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["Services", "World", "at", "build_world"]

JOINED = date(2020, 3, 1)


def at(day: date, hour: int = 10) -> datetime:
    """An instant on a company day (China Standard Time), as UTC."""
    return datetime.combine(day, time(hour), LOCAL_TZ).astimezone(UTC)


@dataclass
class Services:
    """The evaluation services of one caller at one instant."""

    evaluations: EvaluationService
    boards: BoardService
    periods: PeriodService
    targets: TargetService
    performance: PerformanceService


@dataclass
class World:
    """Ids of the company's people and retailers, and factories for services."""

    session: Session
    departments: tuple[int, int]
    marketing: Principal
    auditor: Principal
    heads: dict[int, Principal]
    deputies: dict[int, Principal]
    managers: dict[int, list[int]]
    retailers: dict[int, list[int]] = field(default_factory=dict)
    policy: scoring.ScoringPolicy = field(default_factory=scoring.default_policy)

    @property
    def all_managers(self) -> list[int]:
        """Every manager, department by department."""
        return [m for d in self.departments for m in self.managers[d]]

    def principal(self, staff_id: int) -> Principal:
        """The caller with this staff id."""
        staff = StaffRepository(self.session).get(staff_id)
        assert staff is not None
        return Principal.from_staff(staff)

    def services(self, who: Principal | None, now: datetime) -> Services:
        """The services as ``who`` sees them at ``now``."""
        evaluations = EvaluationService(self.session, who, policy=self.policy, clock=lambda: now)
        boards = BoardService(evaluations)
        return Services(
            evaluations,
            boards,
            PeriodService(evaluations, boards),
            TargetService(evaluations),
            PerformanceService(self.session, who, evaluations=evaluations),
        )

    def sell(self, retailer_id: int, day: date, cartons: int, yuan: str) -> None:
        """One day's order of a retailer."""
        SalesRepository(self.session).upsert_orders(
            [SalesOrderDraft(retailer_id, day, cartons, Decimal(yuan))]
        )

    def target(self, manager_id: int, month: date, cartons: int, yuan: str) -> None:
        """A manager's target for the month starting on ``month``."""
        SalesRepository(self.session).add_target(
            manager_id=manager_id, month=month, volume_cartons=cartons, amount_yuan=Decimal(yuan)
        )

    def targets_for_all(self, month: date, cartons: int = 100, yuan: str = "10000.00") -> None:
        """The same target for every manager."""
        for manager_id in self.all_managers:
            self.target(manager_id, month, cartons, yuan)

    def close_months(self, months: list[str], now: datetime, department: int | None = None) -> None:
        """Close months as marketing (every department unless one is named)."""
        periods = self.services(self.marketing, now).periods
        from gql.domain.evaluations import PeriodKind

        for month in months:
            periods.close(PeriodKind.MONTH, month, department)


def build_world(session: Session, *, managers_per_department: int = 3) -> World:
    """Create the company (nothing is committed; the test's session rolls it back)."""
    departments = DepartmentRepository(session)
    staff = StaffRepository(session)
    managers = ManagerRepository(session)
    company = departments.add(
        code="T", name="测试公司", kind=DepartmentKind.COMPANY, parent_id=None
    )
    marketing_dept = departments.add(
        code="TM", name="营销部", kind=DepartmentKind.MARKETING, parent_id=company.id
    )
    audit_dept = departments.add(
        code="TA", name="考核组", kind=DepartmentKind.AUDIT_TEAM, parent_id=company.id
    )
    service = [
        departments.add(
            code=f"TS{i}",
            name=f"客户服务部{i}",
            kind=DepartmentKind.CUSTOMER_SERVICE,
            parent_id=marketing_dept.id,
        )
        for i in (1, 2)
    ]
    numbers = iter(range(1, 1000))

    def hire(role: Role, department_id: int) -> Principal:
        person = staff.add(
            staff_no=f"T{next(numbers):04d}",
            name=f"{role.value.lower()}-{department_id}",
            role=role,
            department_id=department_id,
            joined_on=JOINED,
        )
        return Principal.from_staff(person)

    world = World(
        session=session,
        departments=(service[0].id, service[1].id),
        marketing=hire(Role.MARKETING, marketing_dept.id),
        auditor=hire(Role.AUDITOR, audit_dept.id),
        heads={},
        deputies={},
        managers={},
    )
    retailers = RetailerRepository(session)
    created = datetime(2026, 1, 5, tzinfo=UTC)
    for index, department in enumerate(service):
        world.heads[department.id] = hire(Role.DEPARTMENT_HEAD, department.id)
        world.deputies[department.id] = hire(Role.DEPUTY_HEAD, department.id)
        world.managers[department.id] = []
        for number in range(managers_per_department):
            manager = hire(Role.ACCOUNT_MANAGER, department.id)
            managers.add(
                staff_id=manager.staff_id,
                msisdn=f"1390000{manager.staff_id:04d}",
                carrier=Carrier.MOBILE,
                start_lat=28.0 + index * 0.01,
                start_lon=120.6 + number * 0.01,
                start_label="office",
            )
            world.managers[department.id].append(manager.staff_id)
            drafts = [
                RetailerDraft(
                    licence_no=f"330301{manager.staff_id:04d}{k:02d}",
                    name=f"shop {manager.staff_id}-{k}",
                    address="test road",
                    lat=28.0 + index * 0.01 + k * 0.001,
                    lon=120.6 + number * 0.01,
                    business_type=BusinessType.ORDINARY,
                    grade=5,
                    key_customer=False,
                    service_time_s=300,
                    order_weekday=k % 5,
                    status=RetailerStatus.ACTIVE,
                    manager_id=manager.staff_id,
                    area_code="330301",
                    opening_windows=(OpeningWindow(8 * 3600, 20 * 3600),),
                )
                for k in range(3)
            ]
            world.retailers[manager.staff_id] = retailers.add_many(drafts, now=created)
    session.flush()
    return world


def month_start(text: str) -> date:
    """The first day of a month given as 2026-10."""
    return date(int(text[:4]), int(text[5:7]), 1)


def day_after(d: date) -> date:
    """The next calendar day."""
    return d + timedelta(days=1)


def audit_plan(world: World, day: date, auditor: Principal, retailer_ids: list[int]) -> int:
    """A stored audit plan for ``day`` assigning ``auditor`` (no routing: the store directly)."""
    from gql.store.repositories.audits import AuditPlanDraft, AuditRepository, AuditStopDraft

    owners = {r: m for m, rs in world.retailers.items() for r in rs if r in set(retailer_ids)}
    return AuditRepository(world.session).add_plan(
        AuditPlanDraft(
            plan_date=day,
            seed=1,
            design={
                "allocation": "proportional",
                "size": len(retailer_ids),
                "per_stratum": None,
                "stratify_by": [],
                "exclude_audited_within_days": None,
                "weighted": False,
            },
            inputs_digest="0" * 64,
            department_id=None,
            area_code=None,
            manager_ids=sorted(set(owners.values())),
            auditor_ids=[auditor.staff_id],
            start_lat=28.0,
            start_lon=120.6,
            start_label="office",
            method="test",
            proven_optimal=True,
            gap=0.0,
            length_m=0,
            duration_s=0,
            baseline_length_m=None,
            optimised_against={},
            sample={"selected": [], "excluded": [], "strata": []},
            created_by=auditor.staff_id,
            created_at=at(day, 8),
        ),
        [
            AuditStopDraft(r, owners[r], True, (str(owners[r]),), None, None, None)
            for r in retailer_ids
        ],
    )


def audit_record(
    world: World,
    plan_id: int,
    retailer_id: int,
    auditor: Principal,
    day: date,
    *,
    price_tags_shown: bool = True,
    policy_promoted: bool = True,
    answer: str = "NO",
    auditor_verdict: str = "IN_PLACE",
    hour: int = 11,
) -> int:
    """A stored audit record made on ``day`` at ``hour`` (company time)."""
    from gql.domain import Verdict
    from gql.domain.audits import RetailerAnswer
    from gql.store.repositories.audits import AuditRecordDraft, AuditRepository

    manager = next(m for m, rs in world.retailers.items() if retailer_id in rs)
    return AuditRepository(world.session).add_record(
        AuditRecordDraft(
            plan_id=plan_id,
            retailer_id=retailer_id,
            manager_id=manager,
            auditor_id=auditor.staff_id,
            audited_on=day,
            recorded_at=at(day, hour),
            price_tags_shown=price_tags_shown,
            policy_promoted=policy_promoted,
            satisfaction=4,
            manager_visited=RetailerAnswer(answer),
            notes="",
            auditor_verdict=Verdict(auditor_verdict),
            auditor_distance_m=10.0,
            fix_lat=None,
            fix_lon=None,
            fix_coordinate_system=None,
            fix_accuracy_m=None,
            fix_captured_at=None,
            auditor_evidence={},
            audited_at=at(day, hour),
        )
    )
