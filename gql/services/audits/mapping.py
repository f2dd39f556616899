"""Conversions between stored audit plans/records and the pure audit rules' types.

The rules (:mod:`gql.services.audits.rules`) work on string ids and frozen dataclasses; the store
keeps integers and JSON. Keeping the mapping in one place means a stored plan can always be
rebuilt into the exact :class:`~gql.services.audits.rules.AuditPlan` it was drawn as.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from gql.services.audits import rules as audits
from gql.services.errors import InvalidInput
from gql.store.repositories.audits import AuditStopDraft

if TYPE_CHECKING:
    from gql.domain.audits import AuditPlanInfo, AuditRecordInfo
    from gql.services.audits.commands import AuditDesign
    from gql.services.audits.routing import RoutedDay

__all__ = [
    "design_json",
    "pure_plan",
    "pure_record",
    "sample_design",
    "sample_json",
    "stop_drafts",
]


def sample_design(design: AuditDesign) -> audits.SampleDesign:
    """The rules' design from the API's, or a clear error naming what is wrong."""
    try:
        return audits.SampleDesign(
            allocation=design.allocation,
            size=design.size,
            per_stratum=design.per_stratum,
            stratify_by=design.stratify_by,
            exclude_audited_within_days=design.exclude_audited_within_days,
            weighted=design.weighted,
        )
    except audits.AuditError as exc:
        raise InvalidInput(str(exc), field=("design",)) from exc


def design_json(design: audits.SampleDesign) -> dict[str, Any]:
    """The design as stored with the plan, so the draw can be replayed."""
    return {
        "allocation": design.allocation.value,
        "size": design.size,
        "per_stratum": design.per_stratum,
        "stratify_by": [s.value for s in design.stratify_by],
        "exclude_audited_within_days": design.exclude_audited_within_days,
        "weighted": design.weighted,
    }


def sample_json(sample: audits.Sample) -> dict[str, Any]:
    """The draw as stored: selected, excluded and per-stratum allocation."""
    return {
        "selected": [[s.retailer_id, s.manager_id, list(s.stratum)] for s in sample.selected],
        "excluded": [[e.retailer_id, e.last_audited_on.isoformat()] for e in sample.excluded],
        "strata": [
            {
                "stratum": list(a.stratum),
                "population": a.population,
                "expected": a.expected,
                "drawn": a.drawn,
            }
            for a in sample.strata
        ],
    }


def pure_plan(plan: AuditPlanInfo) -> audits.AuditPlan:
    """Rebuild the pure plan (draw + edits) so the rules validate a new edit."""
    d = plan.design
    design = audits.SampleDesign(
        allocation=audits.Allocation(d["allocation"]),
        size=d["size"],
        per_stratum=d["per_stratum"],
        stratify_by=tuple(audits.StratumBy(s) for s in d["stratify_by"]),
        exclude_audited_within_days=d["exclude_audited_within_days"],
        weighted=d["weighted"],
    )
    sample = audits.Sample(
        seed=plan.seed,
        plan_date=plan.plan_date,
        design=design,
        inputs_digest=plan.inputs_digest,
        selected=tuple(
            audits.Selected(rid, mid, tuple(stratum))
            for rid, mid, stratum in plan.sample.get("selected", [])
        ),
        excluded=tuple(
            audits.Exclusion(rid, date.fromisoformat(day))
            for rid, day in plan.sample.get("excluded", [])
        ),
        strata=tuple(
            audits.StratumAllocation(
                tuple(a["stratum"]), a["population"], a["expected"], a["drawn"]
            )
            for a in plan.sample.get("strata", [])
        ),
    )
    edits = tuple(
        audits.PlanEdit(
            audits.EditAction(e.action.value.lower()),
            str(e.retailer_id),
            str(e.author_id),
            e.reason,
            e.at,
        )
        for e in plan.edits
    )
    return audits.AuditPlan(str(plan.id), str(plan.created_by), plan.created_at, sample, edits)


def stop_drafts(
    routed: RoutedDay,
    drawn: dict[int, tuple[str, ...]],
    strata: dict[int, tuple[str, ...]] | None = None,
) -> list[AuditStopDraft]:
    """Stops to store in route order; ``drawn`` marks the sample, additions are not."""
    known = strata or {}
    out = []
    for stop in routed.stops:
        r = stop.retailer
        assert r.manager_id is not None  # candidates and additions always have one
        stratum = drawn.get(r.id) or known.get(r.id) or (str(r.manager_id),)
        out.append(
            AuditStopDraft(
                retailer_id=r.id,
                manager_id=r.manager_id,
                drawn=r.id in drawn,
                stratum=stratum,
                eta_s=stop.eta_s,
                etd_s=stop.etd_s,
                leg_distance_m=stop.leg_distance_m,
            )
        )
    return out


def pure_record(record: AuditRecordInfo) -> audits.AuditRecord:
    """A stored record as the cross-check takes it (ids as text)."""
    return audits.AuditRecord(
        audit_id=str(record.id),
        plan_id=str(record.plan_id),
        retailer_id=str(record.retailer_id),
        manager_id=str(record.manager_id),
        auditor_id=str(record.auditor_id),
        audited_on=record.audited_on,
        recorded_at=record.recorded_at,
        price_tags_shown=record.price_tags_shown,
        policy_promoted=record.policy_promoted,
        satisfaction=record.satisfaction,
        manager_visited=audits.VisitAnswer(record.manager_visited.value.lower()),
        notes=record.notes,
        audited_at=record.audited_at,
    )
