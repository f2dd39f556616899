"""Retailers, account managers and departments as the API shows them."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from gql.context import Context
from gql.domain import (
    AccountManager,
    Department,
    OpeningWindow,
    Retailer,
    Role,
    Staff,
    hh_mm,
)
from gql.schema.paging import AfterArg, BeforeArg, FirstArg, LastArg, page_request
from gql.schema.relay import Connection, Node, encode_global_id, to_connection
from gql.schema.types.enums import (
    BusinessTypeEnum,
    CarrierEnum,
    DepartmentKindEnum,
    RetailerStatusEnum,
    RoleEnum,
)
from gql.schema.types.geometry import WGS84, CoordinateSystemArg, GeoPoint
from gql.schema.types.retailer_status import RetailerStatusChangeType
from gql.services.directory.service import RetailerQuery

if TYPE_CHECKING:
    from gql.services.paging import Page

Info = strawberry.Info[Context, None]

__all__ = [
    "DepartmentType",
    "ManagerType",
    "OpeningWindowType",
    "RetailerType",
    "StaffType",
    "retailer_connection",
]


@strawberry.type(name="OpeningWindow", description="One opening interval of a retailer.")
class OpeningWindowType:
    """An opening interval; several per day are common (midday break)."""

    weekday: int | None = strawberry.field(
        description="0 = Monday .. 6 = Sunday; null means every day."
    )
    open_s: int = strawberry.field(description="Opens, seconds since local midnight.")
    close_s: int = strawberry.field(description="Closes, seconds since local midnight.")
    opens: str = strawberry.field(description="Opening time as HH:MM.")
    closes: str = strawberry.field(description="Closing time as HH:MM.")

    @classmethod
    def from_domain(cls, window: OpeningWindow) -> OpeningWindowType:
        """Map a domain window."""
        return cls(
            weekday=window.weekday,
            open_s=window.open_s,
            close_s=window.close_s,
            opens=hh_mm(window.open_s),
            closes=hh_mm(window.close_s),
        )


async def load_retailer(info: Info, retailer_pk: int) -> RetailerType | None:
    """A retailer by id, batched through the loader; null when outside the caller's scope."""
    retailer = await info.context.loaders.retailers.load(retailer_pk)
    return None if retailer is None else RetailerType.from_domain(retailer)


def retailer_connection(page: Page[Retailer], info: Info) -> Connection[RetailerType]:
    """A page of retailers; their managers are announced, so the page loads them at once."""
    info.context.loaders.managers.expect(retailer.manager_id for _, retailer in page.items)
    return to_connection(page, RetailerType.from_domain)


@strawberry.type(name="Department", description="A department of the city company.")
class DepartmentType(Node):
    """A department: marketing, customer service or an audit team."""

    pk: strawberry.Private[int]
    parent_pk: strawberry.Private[int | None]
    code: str = strawberry.field(description="Short code.")
    name: str = strawberry.field(description="Name.")
    kind: DepartmentKindEnum = strawberry.field(description="What the department does.")

    @strawberry.field(description="The department above this one; null for the company.")
    async def parent(self, info: Info) -> DepartmentType | None:
        """Batched through the request's department loader."""
        if self.parent_pk is None:
            return None
        department = await info.context.loaders.departments.load(self.parent_pk)
        return None if department is None else DepartmentType.from_domain(department)

    @strawberry.field(description="The active head (负责人), if any.")
    def head(self, info: Info) -> StaffType | None:
        """Who leads a department is no secret to anyone signed in."""
        staff = info.context.organisation.holder(self.pk, Role.DEPARTMENT_HEAD)
        return None if staff is None else StaffType.from_domain(staff)

    @strawberry.field(description="The active deputy head, if any.")
    def deputy(self, info: Info) -> StaffType | None:
        """Who deputises is no secret to anyone signed in."""
        staff = info.context.organisation.holder(self.pk, Role.DEPUTY_HEAD)
        return None if staff is None else StaffType.from_domain(staff)

    @strawberry.field(
        description="The department's people you may see (everyone for marketing, admins and "
        "the department's heads; otherwise its heads and yourself), by staff number."
    )
    def people(
        self,
        info: Info,
        role: Annotated[RoleEnum | None, strawberry.argument(description="Only this role.")] = None,
    ) -> list[StaffType]:
        """One query per department shown (a company has a handful)."""
        return [
            StaffType.from_domain(s) for s in info.context.organisation.people_of(self.pk, role)
        ]

    @classmethod
    def from_domain(cls, department: Department) -> DepartmentType:
        """Map a domain department."""
        return cls(
            id=strawberry.ID(encode_global_id("Department", department.id)),
            pk=department.id,
            parent_pk=department.parent_id,
            code=department.code,
            name=department.name,
            kind=department.kind,
        )


@strawberry.type(name="Staff", description="A staff member (the caller, a head, an auditor).")
class StaffType(Node):
    """A staff member."""

    pk: strawberry.Private[int]
    department_pk: strawberry.Private[int]
    staff_no: str = strawberry.field(description="Staff number.")
    name: str = strawberry.field(description="Name.")
    role: RoleEnum = strawberry.field(description="Role.")
    active: bool = strawberry.field(
        description="Still employed; inactive people keep their history but cannot sign in."
    )
    joined_on: date = strawberry.field(description="First day of employment.")

    @strawberry.field(description="The staff member's department.")
    async def department(self, info: Info) -> DepartmentType | None:
        """Batched through the request's department loader."""
        department = await info.context.loaders.departments.load(self.department_pk)
        return None if department is None else DepartmentType.from_domain(department)

    @strawberry.field(
        description="The same person as an account manager (`Manager` has their carrier, "
        "start point and retailers); null for other roles or outside your scope."
    )
    async def manager(self, info: Info) -> ManagerType | None:
        """One person, two views: the manager row shares the staff row's key."""
        return ManagerType.maybe(await info.context.loaders.managers.load(self.pk))

    @classmethod
    def from_domain(cls, staff: Staff) -> StaffType:
        """Map a domain staff member."""
        return cls(
            id=strawberry.ID(encode_global_id("Staff", staff.id)),
            pk=staff.id,
            department_pk=staff.department_id,
            staff_no=staff.staff_no,
            name=staff.name,
            role=staff.role,
            active=staff.active,
            joined_on=staff.joined_on,
        )


@strawberry.type(name="Manager", description="An account manager (客户经理).")
class ManagerType(Node):
    """An account manager with what routing and locating need."""

    pk: strawberry.Private[int]
    department_pk: strawberry.Private[int]
    staff_no: str = strawberry.field(description="Staff number.")
    name: str = strawberry.field(description="Name.")
    active: bool = strawberry.field(description="Still employed and assignable.")
    carrier: CarrierEnum = strawberry.field(description="Carrier of the work phone.")
    msisdn_masked: str = strawberry.field(
        description="Work phone number with all but the last 4 digits masked."
    )
    start_wgs84: strawberry.Private[tuple[float, float]]
    start_label: str = strawberry.field(description="Name of the start point (office, home).")

    @strawberry.field(description="Where the day's route starts.")
    def start_point(self, coordinate_system: CoordinateSystemArg = WGS84) -> GeoPoint:
        """Converted to the datum asked for."""
        return GeoPoint.of(*self.start_wgs84, coordinate_system)

    @strawberry.field(description="The manager's customer-service department.")
    async def department(self, info: Info) -> DepartmentType | None:
        """Batched through the request's department loader."""
        department = await info.context.loaders.departments.load(self.department_pk)
        return None if department is None else DepartmentType.from_domain(department)

    @strawberry.field(
        description="The same person as a staff member (role, staff record); null outside "
        "your staff scope."
    )
    def staff(self, info: Info) -> StaffType | None:
        """One person, two views: the staff row shares the manager row's key."""
        found = info.context.organisation.staff_member(self.pk)
        return None if found is None else StaffType.from_domain(found)

    @strawberry.field(description="The retailers assigned to this manager, in ID order.")
    def retailers(
        self,
        info: Info,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[RetailerType]:
        """One scoped retailer query per manager shown."""
        query = RetailerQuery(manager_ids=frozenset({self.pk}))
        page = info.context.directory.retailers(query, page_request(first, after, last, before))
        return retailer_connection(page, info)

    @classmethod
    def maybe(cls, manager: AccountManager | None) -> ManagerType | None:
        """Map a loader's answer (``None``: missing or outside the caller's scope)."""
        return None if manager is None else cls.from_domain(manager)

    @classmethod
    def from_domain(cls, manager: AccountManager) -> ManagerType:
        """Map a domain manager; the full MSISDN never leaves the server."""
        return cls(
            id=strawberry.ID(encode_global_id("Manager", manager.staff_id)),
            pk=manager.staff_id,
            department_pk=manager.department_id,
            staff_no=manager.staff_no,
            name=manager.name,
            active=manager.active,
            carrier=manager.carrier,
            msisdn_masked="*" * max(0, len(manager.msisdn) - 4) + manager.msisdn[-4:],
            start_wgs84=(manager.start_lat, manager.start_lon),
            start_label=manager.start_label,
        )


@strawberry.type(name="Retailer", description="A licensed tobacco retailer (零售户).")
class RetailerType(Node):
    """A licensed retailer; positions are stored in WGS-84."""

    pk: strawberry.Private[int]
    manager_pk: strawberry.Private[int | None]
    licence_no: str = strawberry.field(description="专卖许可证号: the tobacco licence number.")
    name: str = strawberry.field(description="Shop name.")
    address: str = strawberry.field(description="Street address.")
    position_wgs84: strawberry.Private[tuple[float, float]]
    business_type: BusinessTypeEnum = strawberry.field(description="业态: kind of shop.")
    grade: int = strawberry.field(description="档位: class grade 1..30 by purchases.")
    key_customer: bool = strawberry.field(description="重点客户: key customer.")
    service_time_s: int = strawberry.field(description="Expected visit duration in seconds.")
    order_weekday: int = strawberry.field(description="Ordering weekday, 0 = Monday.")
    status: RetailerStatusEnum = strawberry.field(description="Licence status.")
    area_code: str = strawberry.field(description="Area (片区) code for road factors and reports.")
    updated_at: datetime = strawberry.field(description="Last change.")
    version: int = strawberry.field(description="Row version for optimistic concurrency.")
    windows: strawberry.Private[Sequence[OpeningWindow]]

    @strawberry.field(description="Registered position (stored in WGS-84).")
    def position(self, coordinate_system: CoordinateSystemArg = WGS84) -> GeoPoint:
        """Converted to the datum asked for."""
        return GeoPoint.of(*self.position_wgs84, coordinate_system)

    @strawberry.field(
        description="Suspensions, closures and reopenings with their effective days, oldest "
        "first (`retailerSuspend` / `retailerClose` / `retailerReopen`)."
    )
    async def status_history(self, info: Info) -> list[RetailerStatusChangeType]:
        """Batched per request (scoped like the retailer)."""
        changes = await info.context.loaders.status_histories.load(self.pk)
        return [RetailerStatusChangeType.from_domain(c) for c in changes]

    @strawberry.field(description="Opening hours; several windows per day are common.")
    def opening_windows(self) -> list[OpeningWindowType]:
        """Mapped only when asked for (list pages rarely do)."""
        return [OpeningWindowType.from_domain(w) for w in self.windows]

    @strawberry.field(
        description="The assigned account manager; null if unassigned or not yours.",
        graphql_type=ManagerType | None,
    )
    def manager(self, info: Info) -> ManagerType | Awaitable[ManagerType | None] | None:
        """Through the manager loader: at once for a listed page, else batched."""
        if self.manager_pk is None:
            return None
        return info.context.loaders.managers.get(self.manager_pk, ManagerType.maybe)

    @classmethod
    def from_domain(cls, retailer: Retailer) -> RetailerType:
        """Map a domain retailer."""
        return cls(
            id=strawberry.ID(encode_global_id("Retailer", retailer.id)),
            pk=retailer.id,
            manager_pk=retailer.manager_id,
            licence_no=retailer.licence_no,
            name=retailer.name,
            address=retailer.address,
            position_wgs84=(retailer.lat, retailer.lon),
            business_type=retailer.business_type,
            grade=retailer.grade,
            key_customer=retailer.key_customer,
            service_time_s=retailer.service_time_s,
            order_weekday=retailer.order_weekday,
            status=retailer.status,
            area_code=retailer.area_code,
            windows=retailer.opening_windows,
            updated_at=retailer.updated_at,
            version=retailer.version,
        )
