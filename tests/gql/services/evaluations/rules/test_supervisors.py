"""The head's and deputy's deductions from their managers' complaints and vetoes."""

from __future__ import annotations

import pytest

from gql.services.evaluations.rules import (
    DepartmentHeads,
    EventError,
    ScoringPolicy,
    SupervisorRole,
    supervisor_deductions,
    supervisor_totals,
)
from tests.gql.services.evaluations.rules.factory import complaint, veto

HEADS = {
    "m-001": DepartmentHeads("dept-1", head_id="h-1", deputy_ids=("d-1",)),
    "m-002": DepartmentHeads("dept-1", head_id="h-1", deputy_ids=("d-1",)),
}


def test_complaints_and_vetoes_cost_the_head_and_deputy_the_papers_points(
    policy: ScoringPolicy,
) -> None:
    """Head: −3 −3 −10 = −16 and honours lost; deputy: −1 −1 = −2; others cost nothing."""
    c1 = complaint(True)
    c2 = complaint(True, manager="m-002")
    events = [c1, c2, complaint(False), veto(True), veto(False)]
    ds = supervisor_deductions(events, HEADS, policy)
    totals = {t.person_id: t for t in supervisor_totals(ds)}
    assert totals["h-1"].points == pytest.approx(-16.0)
    assert totals["h-1"].honours_lost
    assert totals["d-1"].points == pytest.approx(-2.0)
    assert not totals["d-1"].honours_lost
    deputy_lines = [d for d in ds if d.role is SupervisorRole.DEPUTY]
    assert [d.event_id for d in deputy_lines] == [c1.event_id, c2.event_id]


def test_a_manager_without_known_heads_is_an_error(policy: ScoringPolicy) -> None:
    """A charge that cannot be assigned must not be dropped silently."""
    with pytest.raises(EventError, match="no department heads"):
        supervisor_deductions([complaint(True, manager="m-999")], HEADS, policy)
