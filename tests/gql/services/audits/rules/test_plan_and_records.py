"""Audit plans with recorded manual edits; audit records; risk weights."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from gql.services.audits.rules import (
    AuditPlan,
    AuditRecord,
    Candidate,
    EditAction,
    PlanEdit,
    PlanEditError,
    RecordError,
    SampleDesign,
    SamplingError,
    VisitAnswer,
    create_plan,
    risk_weight,
)

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _plan() -> AuditPlan:
    cs = [Candidate(f"r{i}", f"m{i % 3}") for i in range(12)]
    return create_plan(
        "p-1",
        cs,
        SampleDesign(size=4),
        seed=99,
        plan_date=date(2026, 3, 2),
        created_by="audit-lead",
        created_at=T0,
    )


def _edit(action: EditAction, retailer: str, minutes: int) -> PlanEdit:
    return PlanEdit(
        action,
        retailer,
        "audit-lead",
        "road closed" if action is EditAction.REMOVE else "complaint received",
        T0 + timedelta(minutes=minutes),
    )


def test_manual_edits_change_the_list_and_stay_in_the_plans_history() -> None:
    """Remove one drawn retailer, add one not drawn: both edits are kept in order."""
    plan = _plan()
    drawn = plan.sample.retailer_ids
    extra = next(f"r{i}" for i in range(12) if f"r{i}" not in drawn)
    edited = plan.with_edit(_edit(EditAction.REMOVE, drawn[0], 1)).with_edit(
        _edit(EditAction.ADD, extra, 2)
    )
    assert edited.retailer_ids == (*drawn[1:], extra)
    assert edited.added == {extra}
    assert [(e.action, e.retailer_id, e.reason) for e in edited.edits] == [
        (EditAction.REMOVE, drawn[0], "road closed"),
        (EditAction.ADD, extra, "complaint received"),
    ]
    assert edited.sample == plan.sample  # the stored draw (and seed) is untouched
    assert plan.retailer_ids == drawn
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.edits = ()  # type: ignore[misc]


def test_impossible_or_unordered_edits_are_rejected() -> None:
    """Adding a retailer already in, removing one not in, or editing back in time."""
    plan = _plan()
    drawn = plan.sample.retailer_ids
    with pytest.raises(PlanEditError, match="already in plan"):
        plan.with_edit(_edit(EditAction.ADD, drawn[0], 1))
    with pytest.raises(PlanEditError, match="not in plan"):
        plan.with_edit(_edit(EditAction.REMOVE, "r-unknown", 1))
    with pytest.raises(PlanEditError, match="out of order"):
        plan.with_edit(_edit(EditAction.REMOVE, drawn[0], 0))
    with pytest.raises(PlanEditError, match="reason"):
        PlanEdit(EditAction.ADD, "r1", "audit-lead", "", T0)


def _record(**kw: object) -> AuditRecord:
    fields: dict[str, object] = {
        "audit_id": "a1",
        "plan_id": "p-1",
        "retailer_id": "r1",
        "manager_id": "m1",
        "auditor_id": "aud-1",
        "audited_on": date(2026, 3, 2),
        "recorded_at": T0,
        "price_tags_shown": True,
        "policy_promoted": True,
        "satisfaction": 4,
        "manager_visited": VisitAnswer.YES,
    }
    fields.update(kw)
    return AuditRecord(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"satisfaction": 0}, "satisfaction"),
        ({"satisfaction": 6}, "satisfaction"),
        ({"satisfaction": True}, "satisfaction"),
        ({"manager_visited": "yes"}, "VisitAnswer"),
        ({"recorded_at": datetime(2026, 3, 2)}, "timezone-aware"),
        ({"auditor_id": ""}, "auditor_id"),
        ({"price_tags_shown": "yes"}, "price_tags_shown"),
    ],
)
def test_malformed_audit_records_are_rejected(change: dict[str, object], message: str) -> None:
    """Satisfaction 1–5, a typed answer, an aware time and an auditor are required."""
    with pytest.raises(RecordError, match=message):
        _record(**change)


def test_risk_weight_grows_with_each_signal_and_stays_at_least_one() -> None:
    """Fully verified, no complaints, just audited → 1; each signal adds its coefficient."""
    assert risk_weight(verified_share=1.0, recent_complaints=0, days_since_audit=0) == 1.0
    # 1 + 1·(1 − 0) + 0.5·min(5, 2) + 1·1 (never audited) = 4
    assert risk_weight(verified_share=0.0, recent_complaints=5, days_since_audit=None) == 4.0
    with pytest.raises(SamplingError, match="verified_share"):
        risk_weight(verified_share=1.2, recent_complaints=0, days_since_audit=0)
