"""Two proposals compared, worked by hand."""

from __future__ import annotations

from gql.domain.territories import ProposalAssignment
from gql.services.territories.comparison import compare


def test_retailers_placed_differently_and_measures_side_by_side() -> None:
    a = [
        ProposalAssignment(1, 10, 10),
        ProposalAssignment(2, 10, 11),
        ProposalAssignment(3, 11, 11),
    ]
    b = [
        ProposalAssignment(1, 10, 10),
        ProposalAssignment(2, 11, 11),
        ProposalAssignment(4, 11, None),
    ]
    metrics_a = {"proposal": {"workload": {"cv": 0.02}}, "movedRetailers": 1}
    metrics_b = {"proposal": {"workload": {"cv": 0.05}}, "movedRetailers": 0}
    found = compare(a, b, metrics_a, metrics_b)
    assert found.compared_retailers == 4
    assert [(d.retailer_id, d.manager_a, d.manager_b) for d in found.disagreements] == [
        (2, 10, 11),
        (3, 11, None),
        (4, None, 11),
    ]
    measures = {m.name: (m.a, m.b) for m in found.measures}
    assert measures["workloadCv"] == (0.02, 0.05)
    assert measures["movedRetailers"] == (1.0, 0.0)
    assert measures["meanDistanceToCentreM"] == (None, None)  # not stored: shown as missing
