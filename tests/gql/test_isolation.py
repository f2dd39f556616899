"""Tests never see each other's writes: the harness itself is tested here.

``api`` runs a test's operations in one transaction that is rolled back afterwards, and the
shared demo city refuses any commit that wrote, so a leftover cannot creep back in unnoticed.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from gql.domain import DepartmentKind
from gql.store.db import session_factory
from gql.store.models import DepartmentRow
from tests.gql.api import rolled_back
from tests.gql.conftest import AppState, DemoPeople

COUNT = "{ departments { id } }"


def test_a_tests_writes_are_seen_by_its_own_operations_and_gone_after(
    demo_state: AppState, people: DemoPeople
) -> None:
    """A mutation's write is visible to the test's next operation, and to nobody afterwards."""
    licence = "ISOLATION-0001"
    create = """mutation($i: RetailerCreateInput!) { retailerCreate(input: $i) {
      retailer { id } userErrors { message } } }"""
    find = "query($s: String!) { retailers(filter: {search: $s}) { totalCount } }"
    retailer = {
        "licenceNo": licence,
        "name": "隔离测试店",
        "address": "测试路 2 号",
        "lat": 27.93,
        "lon": 120.93,
        "businessType": "ORDINARY",
        "grade": 5,
        "orderWeekday": 1,
        "openingWindows": [{"openS": 28_800, "closeS": 72_000}],
    }
    with rolled_back(demo_state) as api:
        made = api.data(create, {"i": retailer}, as_=people.admin)["retailerCreate"]
        assert made["userErrors"] == []
        assert api.data(find, {"s": licence}, as_=people.marketing)["retailers"]["totalCount"] == 1
    with rolled_back(demo_state) as later:
        assert (
            later.data(find, {"s": licence}, as_=people.marketing)["retailers"]["totalCount"] == 0
        )


def test_a_commit_that_writes_to_the_shared_city_fails_loudly(demo_engine: sa.Engine) -> None:
    """The guard on the shared demo city: writing and committing there is a test bug."""
    with session_factory(demo_engine)() as session:
        session.execute(
            sa.insert(DepartmentRow).values(
                code="LEFTOVER", name="leftover", kind=DepartmentKind.MARKETING
            )
        )
        with pytest.raises(AssertionError, match="shared demo city"):
            session.commit()
        session.rollback()
    with session_factory(demo_engine)() as session:
        found = session.scalar(sa.select(DepartmentRow.id).where(DepartmentRow.code == "LEFTOVER"))
    assert found is None
