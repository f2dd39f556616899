"""A department's day at once, at the service: all or nothing when routing runs out of time."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
import sqlalchemy as sa

from gql.services.access import Principal
from gql.services.day_plans.service import DepartmentDayRequest, PlanService, RoutingSettings
from gql.services.errors import ErrorCode, InvalidInput
from gql.store.repositories import StaffRepository
from tests.gql.api import Api
from tests.gql.conftest import DemoPeople


def test_a_routing_deadline_refuses_the_whole_department_and_writes_nothing(
    api: Api, people: DemoPeople
) -> None:
    """No time at all to route: DEADLINE_EXCEEDED naming the manager, no plan stored."""
    with api.state.sessions() as session:
        head = StaffRepository(session).get_by_staff_no(people.head)
        assert head is not None
        service = PlanService(
            session, Principal.from_staff(head), routing=RoutingSettings(deadline_s=0.0)
        )
        before = session.scalar(sa.text("SELECT count(*) FROM visit_plans"))
        with pytest.raises(InvalidInput) as refused:
            asyncio.run(
                service.publish_department(
                    DepartmentDayRequest(head.department_id, date(2027, 1, 4))
                )
            )
        assert refused.value.code is ErrorCode.DEADLINE_EXCEEDED
        assert refused.value.field == ("department_id",)
        assert refused.value.message.startswith("manager W")
        assert session.scalar(sa.text("SELECT count(*) FROM visit_plans")) == before
        session.rollback()
