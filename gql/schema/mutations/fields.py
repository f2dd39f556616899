"""Mutation classes per area; each field's resolver lives in its own module."""

from __future__ import annotations

import strawberry

from gql.schema.mutations.audit_findings_record import (
    AuditFindingsRecordPayload,
    audit_findings_record,
)
from gql.schema.mutations.audit_plan_adjust import AuditPlanAdjustPayload, audit_plan_adjust
from gql.schema.mutations.audit_plan_create import AuditPlanCreatePayload, audit_plan_create
from gql.schema.mutations.audit_record_submit import AuditRecordSubmitPayload, audit_record_submit
from gql.schema.mutations.evaluation_amend import EvaluationAmendPayload, evaluation_amend
from gql.schema.mutations.evaluation_close import (
    EvaluationClosePayload,
    EvaluationReopenPayload,
    evaluation_close,
    evaluation_reopen,
)
from gql.schema.mutations.evaluation_review_record import (
    EvaluationReviewRecordPayload,
    evaluation_review_record,
)
from gql.schema.mutations.goal_set import GoalPayload, goal_set, goal_track
from gql.schema.mutations.retailer_create import RetailerCreatePayload, retailer_create
from gql.schema.mutations.retailer_update import RetailerUpdatePayload, retailer_update
from gql.schema.mutations.sales_target_set import SalesTargetSetPayload, sales_target_set
from gql.schema.mutations.schedule_proposal_create import (
    ScheduleProposalCreatePayload,
    schedule_proposal_create,
)
from gql.schema.mutations.score_event_decide import (
    ScoreEventPayload,
    score_event_decide,
    score_event_retract,
)
from gql.schema.mutations.score_event_record import ScoreEventRecordPayload, score_event_record
from gql.schema.mutations.territory_proposal_apply import (
    TerritoryProposalApplyPayload,
    territory_proposal_apply,
)
from gql.schema.mutations.territory_proposal_create import (
    TerritoryProposalCreatePayload,
    territory_proposal_create,
)
from gql.schema.mutations.territory_proposal_discard import (
    TerritoryProposalDiscardPayload,
    territory_proposal_discard,
)
from gql.schema.mutations.visit_end import VisitEndPayload, visit_end
from gql.schema.mutations.visit_plan_create import VisitPlanCreatePayload, visit_plan_create
from gql.schema.mutations.visit_start import VisitStartPayload, visit_start
from gql.schema.mutations.visits_sync import VisitsSyncPayload, visits_sync

__all__ = [
    "AuditMutations",
    "PlanMutations",
    "RetailerMutations",
    "ScoreMutations",
    "TerritoryMutations",
    "VisitMutations",
]


@strawberry.type(description="Change reference data, plan days, record visits, audits and scores.")
class RetailerMutations:
    """Reference-data edits."""

    retailer_create: RetailerCreatePayload = strawberry.mutation(
        resolver=retailer_create, description="Register a licensed retailer."
    )
    retailer_update: RetailerUpdatePayload = strawberry.mutation(
        resolver=retailer_update, description="Change a retailer (optimistic concurrency)."
    )


@strawberry.type
class PlanMutations:
    """Visit planning."""

    visit_plan_create: VisitPlanCreatePayload = strawberry.mutation(
        resolver=visit_plan_create,
        description="Route a manager's day (opening hours, service times) and store it as draft.",
    )


@strawberry.type
class VisitMutations:
    """The handheld's visit actions."""

    visit_start: VisitStartPayload = strawberry.mutation(
        resolver=visit_start, description="Press 'start visit': verify and record the check-in."
    )
    visit_end: VisitEndPayload = strawberry.mutation(
        resolver=visit_end, description="Press 'end visit': verify the check-out, derive dwell."
    )
    visits_sync: VisitsSyncPayload = strawberry.mutation(
        resolver=visits_sync, description="Upload visits recorded offline (idempotent)."
    )


@strawberry.type
class AuditMutations:
    """Audit plans and records (auditors and marketing)."""

    audit_plan_create: AuditPlanCreatePayload = strawberry.mutation(
        resolver=audit_plan_create,
        description="Draw a reproducible random audit sample (seed stored) and route it.",
    )
    audit_plan_adjust: AuditPlanAdjustPayload = strawberry.mutation(
        resolver=audit_plan_adjust,
        description="Add or remove retailers by hand (author, reason, time recorded); re-route.",
    )
    audit_record_submit: AuditRecordSubmitPayload = strawberry.mutation(
        resolver=audit_record_submit,
        description="Record the answers at one retailer with the auditor's verified position.",
    )
    audit_findings_record: AuditFindingsRecordPayload = strawberry.mutation(
        resolver=audit_findings_record,
        description="Turn a plan's cross-check into AUDIT_FINDING score events (idempotent).",
    )


@strawberry.type
class ScoreMutations:
    """Score events, targets, closing, reopening, amendments, reviews and goals."""

    score_event_record: ScoreEventRecordPayload = strawberry.mutation(
        resolver=score_event_record,
        description="Record one input of the evaluation (marketing: any kind; heads: "
        "discipline and basic work of their department; auditors: findings citing their "
        "own audit records).",
    )
    score_event_retract: ScoreEventPayload = strawberry.mutation(
        resolver=score_event_retract,
        description="Withdraw a recorded input while its month is open (reason kept).",
    )
    score_event_decide: ScoreEventPayload = strawberry.mutation(
        resolver=score_event_decide,
        description="Accept or reject a held finding or an amendment proposal (marketing).",
    )
    sales_target_set: SalesTargetSetPayload = strawberry.mutation(
        resolver=sales_target_set,
        description="Set a manager's monthly sales target (marketing; idempotent).",
    )
    evaluation_close: EvaluationClosePayload = strawberry.mutation(
        resolver=evaluation_close,
        description="Close a month (after its last business day), quarter or year (once its "
        "months are closed) for a department or the company (marketing only).",
    )
    evaluation_reopen: EvaluationReopenPayload = strawberry.mutation(
        resolver=evaluation_reopen,
        description="Reopen a closed period with a reason; its results stay on file and the "
        "next closing writes their next revision (marketing only).",
    )
    evaluation_amend: EvaluationAmendPayload = strawberry.mutation(
        resolver=evaluation_amend,
        description="Change a closed result by a recorded amendment; totals are derived "
        "(marketing only).",
    )
    evaluation_review_record: EvaluationReviewRecordPayload = strawberry.mutation(
        resolver=evaluation_review_record,
        description="Record a review meeting held: a department's month (its heads, "
        "marketing) or the quarter (marketing).",
    )
    goal_set: GoalPayload = strawberry.mutation(
        resolver=goal_set, description="Set a quantified goal (at most five per period)."
    )
    goal_track: GoalPayload = strawberry.mutation(
        resolver=goal_track, description="Record a goal's latest measured value."
    )


@strawberry.type
class TerritoryMutations:
    """Territory and schedule proposals (marketing only): propose, then apply or discard."""

    territory_proposal_create: TerritoryProposalCreatePayload = strawberry.mutation(
        resolver=territory_proposal_create,
        description="Partition a district's retailers among its managers, as a proposal.",
    )
    schedule_proposal_create: ScheduleProposalCreatePayload = strawberry.mutation(
        resolver=schedule_proposal_create,
        description="Weekday zones, week phases and routed 4-week calendars, as a proposal.",
    )
    territory_proposal_apply: TerritoryProposalApplyPayload = strawberry.mutation(
        resolver=territory_proposal_apply,
        description="Apply a proposal: reassign retailers or publish the schedule.",
    )
    territory_proposal_discard: TerritoryProposalDiscardPayload = strawberry.mutation(
        resolver=territory_proposal_discard, description="Discard a proposal (kept on record)."
    )
