"""Domain enums exposed to GraphQL with a description on every value."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, TypeAlias, TypeVar

import strawberry

from gql.domain import BusinessType, Carrier, CoordinateSystem, DepartmentKind, RetailerStatus, Role

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "BusinessTypeEnum",
    "CarrierEnum",
    "CoordinateSystemEnum",
    "DepartmentKindEnum",
    "RetailerStatusEnum",
    "RoleEnum",
]

E = TypeVar("E", bound=enum.Enum)


def described_enum(
    cls: type[E], *, name: str, description: str, value_descriptions: Mapping[E, str]
) -> type[E]:
    """Expose a domain enum with a description on the type and on every value.

    strawberry marks the class itself, so annotations may use the domain enum directly; the
    ``...Enum`` aliases below exist so readers see which enums the API exposes.
    """
    missing = [member.name for member in cls if member not in value_descriptions]
    if missing:
        raise ValueError(f"{name}: values without a description: {missing}")
    wrapped = strawberry.enum(cls, name=name, description=description)
    definition = wrapped.__strawberry_definition__  # type: ignore[attr-defined]
    for value in definition.values:
        value.description = value_descriptions[cls[value.name]]
    return wrapped


described_enum(
    BusinessType,
    name="BusinessType",
    description="业态: the kind of shop; drives service time, brand mix and delivery times.",
    value_descriptions={
        BusinessType.ORDINARY: "普通零售户: an ordinary retailer (corner shop).",
        BusinessType.CONVENIENCE: "便利店: a convenience store.",
        BusinessType.CHAIN_SUPERMARKET: "连锁超市: a large chain supermarket.",
        BusinessType.HOTEL_ENTERTAINMENT: "宾馆娱乐: a hotel or entertainment venue.",
        BusinessType.OTHER: "其他: kiosks, petrol stations and the rest.",
    },
)
described_enum(
    RetailerStatus,
    name="RetailerStatus",
    description="Licence status; only ACTIVE retailers are planned and visited.",
    value_descriptions={
        RetailerStatus.ACTIVE: "Licensed and trading.",
        RetailerStatus.SUSPENDED: "Licence suspended; not planned.",
        RetailerStatus.CLOSED: "Closed for good; kept for history.",
    },
)
described_enum(
    Role,
    name="Role",
    description="A staff member's role; it decides what they may see and do.",
    value_descriptions={
        Role.ACCOUNT_MANAGER: "客户经理: sees and acts on their own retailers, plans and visits.",
        Role.DEPARTMENT_HEAD: "主任: head of a customer-service department; sees the department.",
        Role.DEPUTY_HEAD: "副主任: deputy head; sees the department.",
        Role.MARKETING: "营销部: the marketing department; sees everything, closes periods.",
        Role.AUDITOR: "考核组: audit team member; sees what their audit plans assign.",
        Role.ADMIN: "Administrator: manages reference data.",
    },
)
described_enum(
    Carrier,
    name="Carrier",
    description="The carrier whose network location service can locate a manager's phone.",
    value_descriptions={
        Carrier.TELECOM: "China Telecom (GetPosition).",
        Carrier.MOBILE: "China Mobile (GetAddress).",
    },
)
described_enum(
    DepartmentKind,
    name="DepartmentKind",
    description="What a department does.",
    value_descriptions={
        DepartmentKind.COMPANY: "The city company itself (root).",
        DepartmentKind.MARKETING: "营销部: the marketing department.",
        DepartmentKind.CUSTOMER_SERVICE: "客户服务部: a customer-service department.",
        DepartmentKind.AUDIT_TEAM: "考核组: an audit team.",
    },
)

described_enum(
    CoordinateSystem,
    name="CoordinateSystem",
    description="The datum of a pair of coordinates; everything is stored in WGS-84.",
    value_descriptions={
        CoordinateSystem.WGS84: "GPS and international maps.",
        CoordinateSystem.GCJ02: "国测局 GCJ-02: AMap (高德) and Tencent maps.",
        CoordinateSystem.BD09: "百度 BD-09: Baidu maps.",
    },
)

BusinessTypeEnum: TypeAlias = BusinessType
RetailerStatusEnum: TypeAlias = RetailerStatus
RoleEnum: TypeAlias = Role
CarrierEnum: TypeAlias = Carrier
DepartmentKindEnum: TypeAlias = DepartmentKind
CoordinateSystemEnum: TypeAlias = CoordinateSystem
