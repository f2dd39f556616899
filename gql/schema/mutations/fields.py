"""Mutation classes per area; each field's resolver lives in its own module.

Every field is a :func:`payload_mutation`: its expected failures become ``userErrors``.
"""

from __future__ import annotations

import strawberry

from gql.schema.mutations._payloads import payload_mutation
from gql.schema.mutations.audit_findings_record import (
    AuditFindingsRecordPayload,
    audit_findings_record,
)
from gql.schema.mutations.audit_plan_adjust import AuditPlanAdjustPayload, audit_plan_adjust
from gql.schema.mutations.audit_plan_create import AuditPlanCreatePayload, audit_plan_create
from gql.schema.mutations.audit_record_submit import AuditRecordSubmitPayload, audit_record_submit
from gql.schema.mutations.csv_import import CsvImportPayload, csv_import
from gql.schema.mutations.department_create import (
    DepartmentPayload,
    department_create,
    department_update,
)
from gql.schema.mutations.district_barriers_set import (
    DistrictBarriersSetPayload,
    district_barriers_set,
)
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
from gql.schema.mutations.job_request import (
    JobPayload,
    csv_import_request,
    job_cancel,
    report_refresh_request,
    schedule_proposal_request,
    territory_proposal_request,
)
from gql.schema.mutations.manager_save import (
    MANAGER_ALIASES,
    ManagerPayload,
    manager_carrier_change,
    manager_create,
    manager_start_move,
)
from gql.schema.mutations.retailer_create import RetailerCreatePayload, retailer_create
from gql.schema.mutations.retailer_status_change import (
    RetailerStatusChangePayload,
    retailer_close,
    retailer_reopen,
    retailer_suspend,
)
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
from gql.schema.mutations.staff_save import StaffPayload, staff_create, staff_update
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
from gql.schema.mutations.visit_plan_publish import (
    VisitPlanPublishPayload,
    VisitPlanStopSkipPayload,
    visit_plan_publish,
    visit_plan_stop_skip,
)
from gql.schema.mutations.visit_plans_publish import (
    VisitPlansPublishPayload,
    visit_plans_publish,
)
from gql.schema.mutations.visit_start import VisitStartPayload, visit_start
from gql.schema.mutations.visits_sync import SYNC_ALIASES, VisitsSyncPayload, visits_sync

__all__ = [
    "AuditMutations",
    "OrganisationMutations",
    "PlanMutations",
    "RetailerMutations",
    "ScoreMutations",
    "TerritoryMutations",
    "VisitMutations",
]


@strawberry.type(description="Change reference data, plan days, record visits, audits and scores.")
class RetailerMutations:
    """Reference-data edits."""

    retailer_create: RetailerCreatePayload = payload_mutation(
        retailer_create, "Register a licensed retailer."
    )
    retailer_update: RetailerUpdatePayload = payload_mutation(
        retailer_update,
        "Change a retailer (optimistic concurrency).",
        aliases={"retailer_id": ("id",)},
    )
    csv_import: CsvImportPayload = payload_mutation(
        csv_import,
        "Import a retailers, sales, targets, departments, staff or managers CSV uploaded as a "
        "GraphQL multipart request: every row checked, all or nothing, idempotent on natural "
        "keys, exactly as `visitgis import` (roles per kind: see ImportKind).",
    )
    csv_import_request: JobPayload = payload_mutation(
        csv_import_request,
        "`csvImport` as a job, for large files: who may upload the kind and the file's size "
        "are checked now, the rows by a worker (all or nothing, as `csvImport`); the answer "
        "is a queued IMPORT job at once. `jobUpdates(id)` follows it to its `importReport`, or "
        "to FAILED with every problem of the file in `problems`.",
    )
    report_refresh_request: JobPayload = payload_mutation(
        report_refresh_request,
        "Refresh the report aggregates as a job (marketing): the stale manager-days folded "
        "in, or with `full` every one rebuilt, by a worker (`visitgis report refresh`'s work). "
        "Reports never wait for it (they recompute their own stale days); it keeps that "
        "recomputation small. Asking while a refresh is queued or running returns that one.",
    )
    retailer_suspend: RetailerStatusChangePayload = payload_mutation(
        retailer_suspend,
        "Suspend a licence from a business day: the retailer leaves plans and schedule-built "
        "days from then, its history stays (administrators, marketing).",
        aliases={"retailer_id": ("id",)},
    )
    retailer_close: RetailerStatusChangePayload = payload_mutation(
        retailer_close,
        "Close a licence from a business day: the retailer leaves plans and schedule-built "
        "days from then, its history stays (administrators, marketing).",
        aliases={"retailer_id": ("id",)},
    )
    retailer_reopen: RetailerStatusChangePayload = payload_mutation(
        retailer_reopen,
        "Reopen a suspended or closed licence from a business day; schedule-built days "
        "include the retailer again from then (administrators, marketing).",
        aliases={"retailer_id": ("id",)},
    )


@strawberry.type
class PlanMutations:
    """Visit planning."""

    visit_plan_create: VisitPlanCreatePayload = payload_mutation(
        visit_plan_create,
        "Route a manager's day (opening hours, service times) and store it as draft.",
        aliases={
            "plan_date": ("date",),
            "start_time_s": ("start_time",),
        },
    )
    visit_plan_publish: VisitPlanPublishPayload = payload_mutation(
        visit_plan_publish,
        "Publish a draft to the manager's handheld; on a day with a published plan this is a "
        "re-plan: a new version, with the reason, and the old plan SUPERSEDED.",
        aliases={"plan_id": ("id",)},
    )
    visit_plan_stop_skip: VisitPlanStopSkipPayload = payload_mutation(
        visit_plan_stop_skip,
        "Record that a stop of the published plan will not be visited, and why.",
        aliases={"stop_id": ("plan_stop_id",)},
    )
    visit_plans_publish: VisitPlansPublishPayload = payload_mutation(
        visit_plans_publish,
        "Create and publish every active manager's plan of a department for a day, each from "
        "the applied schedule (department heads and deputies, marketing); all or nothing.",
        aliases={"plan_date": ("date",), "start_time_s": ("start_time",)},
    )


@strawberry.type
class VisitMutations:
    """The handheld's visit actions."""

    visit_start: VisitStartPayload = payload_mutation(
        visit_start, "Press 'start visit': verify and record the check-in."
    )
    visit_end: VisitEndPayload = payload_mutation(
        visit_end, "Press 'end visit': verify the check-out, derive dwell."
    )
    visits_sync: VisitsSyncPayload = payload_mutation(
        visits_sync, "Upload visits recorded offline (idempotent).", aliases=SYNC_ALIASES
    )


@strawberry.type
class AuditMutations:
    """Audit plans and records (auditors and marketing)."""

    audit_plan_create: AuditPlanCreatePayload = payload_mutation(
        audit_plan_create,
        "Draw a reproducible random audit sample (seed stored) and route it.",
        aliases={
            "plan_date": ("date",),
            "start_lat": ("start", "lat"),
            "start_lon": ("start", "lon"),
            "start_label": ("start", "label"),
            "start_time_s": ("start_time",),
        },
    )
    audit_plan_adjust: AuditPlanAdjustPayload = payload_mutation(
        audit_plan_adjust,
        "Add or remove retailers by hand (author, reason, time recorded); re-route.",
    )
    audit_record_submit: AuditRecordSubmitPayload = payload_mutation(
        audit_record_submit,
        "Record the answers at one retailer with the auditor's verified position.",
        aliases={"fix": ("device_fix",)},
    )
    audit_findings_record: AuditFindingsRecordPayload = payload_mutation(
        audit_findings_record,
        "Turn a plan's cross-check into AUDIT_FINDING score events (idempotent).",
    )


@strawberry.type
class ScoreMutations:
    """Score events, targets, closing, reopening, amendments, reviews and goals."""

    score_event_record: ScoreEventRecordPayload = payload_mutation(
        score_event_record,
        "Record one input of the evaluation (marketing: any kind; heads: discipline and basic "
        "work of their department; auditors: findings citing their own audit records).",
    )
    score_event_retract: ScoreEventPayload = payload_mutation(
        score_event_retract, "Withdraw a recorded input while its month is open (reason kept)."
    )
    score_event_decide: ScoreEventPayload = payload_mutation(
        score_event_decide,
        "Accept or reject a held finding or an amendment proposal (marketing).",
    )
    sales_target_set: SalesTargetSetPayload = payload_mutation(
        sales_target_set,
        "Set a manager's monthly sales target (marketing; idempotent).",
        aliases={"amount_yuan": ("amount",)},
    )
    evaluation_close: EvaluationClosePayload = payload_mutation(
        evaluation_close,
        "Close a month (after its last business day), quarter or year (once its months are "
        "closed) for a department or the company (marketing only).",
    )
    evaluation_reopen: EvaluationReopenPayload = payload_mutation(
        evaluation_reopen,
        "Reopen a closed period with a reason; its results stay on file and the next closing "
        "writes their next revision (marketing only).",
    )
    evaluation_amend: EvaluationAmendPayload = payload_mutation(
        evaluation_amend,
        "Change a closed result by a recorded amendment; totals are derived (marketing only).",
    )
    evaluation_review_record: EvaluationReviewRecordPayload = payload_mutation(
        evaluation_review_record,
        "Record a review meeting held: a department's month (its heads, marketing) or the "
        "quarter (marketing).",
    )
    goal_set: GoalPayload = payload_mutation(
        goal_set, "Set a quantified goal (at most five per period)."
    )
    goal_track: GoalPayload = payload_mutation(goal_track, "Record a goal's latest measured value.")


@strawberry.type
class TerritoryMutations:
    """Territory and schedule proposals (marketing only): propose, then apply or discard."""

    territory_proposal_create: TerritoryProposalCreatePayload = payload_mutation(
        territory_proposal_create,
        "Partition a district's retailers among its managers, as a proposal.",
    )
    schedule_proposal_create: ScheduleProposalCreatePayload = payload_mutation(
        schedule_proposal_create,
        "Weekday zones, week phases and routed 4-week calendars, as a proposal.",
    )
    territory_proposal_apply: TerritoryProposalApplyPayload = payload_mutation(
        territory_proposal_apply,
        "Apply a proposal: reassign retailers or publish the schedule.",
        aliases={"proposal_id": ("id",)},
    )
    territory_proposal_discard: TerritoryProposalDiscardPayload = payload_mutation(
        territory_proposal_discard,
        "Discard a proposal (kept on record).",
        aliases={"proposal_id": ("id",)},
    )
    district_barriers_set: DistrictBarriersSetPayload = payload_mutation(
        district_barriers_set,
        "Set a district's barriers — rivers, motorways, rail lines — and their crossings "
        "(bridges, tunnels, ferries) as GeoJSON (marketing): every later territory proposal of "
        "the district keeps each territory on one side of a barrier except across a declared "
        "crossing. All or nothing; null removes them.",
    )
    territory_proposal_request: JobPayload = payload_mutation(
        territory_proposal_request,
        "`territoryProposalCreate` as a job: checked now, computed by a worker, answered at "
        "once (a city-sized district takes longer than a request may); `job(id)` follows it.",
    )
    schedule_proposal_request: JobPayload = payload_mutation(
        schedule_proposal_request,
        "`scheduleProposalCreate` as a job: checked now, computed by a worker.",
    )
    job_cancel: JobPayload = payload_mutation(
        job_cancel,
        "Cancel a planning job: a queued one at once, a running one at its next progress "
        "report; nothing is stored.",
        aliases={"job_id": ("id",)},
    )


@strawberry.type
class OrganisationMutations:
    """Departments, staff and account managers; every change is logged (`orgChanges`)."""

    department_create: DepartmentPayload = payload_mutation(
        department_create, "Add a department below another (administrators)."
    )
    department_update: DepartmentPayload = payload_mutation(
        department_update,
        "Rename or move a department (administrators).",
        aliases={"department_id": ("id",)},
    )
    staff_create: StaffPayload = payload_mutation(
        staff_create,
        "Add a staff member other than an account manager (administrators); at most one "
        "active head and one deputy per department.",
    )
    staff_update: StaffPayload = payload_mutation(
        staff_update,
        "Transfer or re-role a staff member (administrators, marketing); rename, deactivate or "
        "reactivate (administrators). Deactivated people keep their history.",
        aliases={"staff_id": ("id",)},
    )
    manager_create: ManagerPayload = payload_mutation(
        manager_create,
        "Add an account manager with work phone and start point (administrators, marketing).",
        aliases=MANAGER_ALIASES,
    )
    manager_carrier_change: ManagerPayload = payload_mutation(
        manager_carrier_change,
        "Port a manager's number to another carrier (or give a new number); the next "
        "check-in asks the new carrier (administrators, marketing).",
        aliases={"manager_id": ("id",)},
    )
    manager_start_move: ManagerPayload = payload_mutation(
        manager_start_move,
        "Move a manager's start point (office or home; any datum, stored as WGS-84); the next "
        "plan starts there (administrators, marketing).",
        aliases={"manager_id": ("id",), **MANAGER_ALIASES},
    )
