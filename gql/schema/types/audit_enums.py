"""Enums of the audit and score API, each value described (issue 7)."""

from __future__ import annotations

from typing import TypeAlias

from gql.domain.audits import AuditEditAction, AuditPlanStatus, RetailerAnswer
from gql.domain.evaluations import PeriodKind, ScoreEventKind
from gql.schema.types.enums import described_enum
from gql.services.audits import rules as audits
from gql.services.evaluations import rules as scoring

__all__ = [
    "AllocationEnum",
    "AuditEditActionEnum",
    "AuditFindingKindEnum",
    "AuditPlanStatusEnum",
    "AuditVerdictEnum",
    "BreachKindEnum",
    "CareerChannelEnum",
    "DirectionEnum",
    "DiscrepancyKindEnum",
    "DismissalReasonEnum",
    "LeaderboardMetricEnum",
    "PeriodKindEnum",
    "QuadrantEnum",
    "RetailerAnswerEnum",
    "ScoreEventKindEnum",
    "ScorePartEnum",
    "StratumByEnum",
    "TrainingKindEnum",
    "VetoKindEnum",
]

described_enum(
    AuditPlanStatus,
    name="AuditPlanStatus",
    description="Where an audit plan is in its life.",
    value_descriptions={
        AuditPlanStatus.OPEN: "Retailers remain to be audited; the plan can still be adjusted.",
        AuditPlanStatus.COMPLETED: "Every retailer on the plan has a record.",
    },
)
described_enum(
    AuditEditAction,
    name="AuditEditAction",
    description="A manual change to a drawn audit list.",
    value_descriptions={
        AuditEditAction.ADD: "A retailer added by hand.",
        AuditEditAction.REMOVE: "A retailer removed by hand.",
    },
)
described_enum(
    RetailerAnswer,
    name="RetailerAnswer",
    description="The retailer's answer to 'did your account manager visit in the period?'.",
    value_descriptions={
        RetailerAnswer.YES: "Yes, the manager visited.",
        RetailerAnswer.NO: "No visit.",
        RetailerAnswer.NOT_SURE: "The retailer is not sure.",
    },
)
described_enum(
    audits.Allocation,
    name="AuditAllocation",
    description="How an audit sample is spread over strata.",
    value_descriptions={
        audits.Allocation.PROPORTIONAL: "Seats in proportion to each stratum's size (give size).",
        audits.Allocation.EQUAL: "The same number of seats per stratum (give perStratum).",
    },
)
described_enum(
    audits.StratumBy,
    name="AuditStratumBy",
    description="Extra stratification keys on top of the account manager.",
    value_descriptions={
        audits.StratumBy.GRADE: "The retailer's grade (档位).",
        audits.StratumBy.BUSINESS_TYPE: "The retailer's business type (业态).",
    },
)
described_enum(
    audits.AuditVerdict,
    name="AuditVerdict",
    description="Whether the manager's visit to an audited retailer is taken as done.",
    value_descriptions={
        audits.AuditVerdict.IN_PLACE: "A verified visit and no denial by the retailer.",
        audits.AuditVerdict.NOT_IN_PLACE: "No proof of a visit and the retailer does not confirm.",
        audits.AuditVerdict.INCONCLUSIVE: "The two sources disagree or the proof is weak.",
    },
)
described_enum(
    audits.DiscrepancyKind,
    name="DiscrepancyKind",
    description="A disagreement between the retailer's answer and the verified visits (R5.4).",
    value_descriptions={
        audits.DiscrepancyKind.RETAILER_DENIES_VERIFIED_VISIT: "The retailer says no visit, but a "
        "verified visit exists.",
        audits.DiscrepancyKind.RETAILER_CONFIRMS_UNVERIFIED_VISIT: "The retailer says yes, but no "
        "visit is verified.",
        audits.DiscrepancyKind.ONLY_INCONCLUSIVE_VISITS: "The visits in the period are only "
        "inconclusive.",
    },
)
described_enum(
    ScoreEventKind,
    name="ScoreEventKind",
    description="The inputs of the evaluation (考评).",
    value_descriptions={
        ScoreEventKind.SALES_SETTLEMENT: "Monthly settlement of a sales target item (derived from "
        "the imported sales facts at closing).",
        ScoreEventKind.RULE_BREACH: "A verified breach of the rules (give breach).",
        ScoreEventKind.COMPLAINT: "A customer complaint (give subjective, optionally retailerId).",
        ScoreEventKind.LEAVE: "A leave taken in one go (give days).",
        ScoreEventKind.BASIC_WORK_CHECK: "A basic-work item checked (give item and passed).",
        ScoreEventKind.TRAINING_RESULT: "An exam (give training EXAM and examScore) or a "
        "practical (training PRACTICAL and passed).",
        ScoreEventKind.COMPLIANCE_VETO: "A proven compliance violation (give veto, badEffect).",
        ScoreEventKind.AUDIT_FINDING: "A finding of the audit team (give finding and auditId).",
    },
)
described_enum(
    PeriodKind,
    name="PeriodKind",
    description="An evaluation period.",
    value_descriptions={
        PeriodKind.MONTH: "A month, written 2026-10.",
        PeriodKind.QUARTER: "A quarter, written 2026-Q4.",
        PeriodKind.YEAR: "A year, written 2026.",
    },
)
described_enum(
    scoring.Part,
    name="ScorePart",
    description="The scored parts of the monthly assessment, and the veto.",
    value_descriptions={
        scoring.Part.BUSINESS: "经营业绩: target completion, weight 60%.",
        scoring.Part.DISCIPLINE: "作风纪律: 40 points of the 40% quality part.",
        scoring.Part.BASIC_WORK: "基础工作: 40 points of the quality part.",
        scoring.Part.TRAINING: "培训成绩: 20 points of the quality part.",
        scoring.Part.VETO: "规范经营: a proven violation voids the month.",
    },
)
described_enum(
    scoring.DismissalReason,
    name="DismissalReason",
    description="Why a manager is flagged for dismissal (the decision is the company's).",
    value_descriptions={
        scoring.DismissalReason.BREACH_LIMIT: "Three verified breaches.",
        scoring.DismissalReason.GRAVE_BREACH: "A grave breach (gifts, private use, leaving post…).",
        scoring.DismissalReason.LONG_LEAVE: "One leave of more than 15 days.",
        scoring.DismissalReason.FREQUENT_LEAVE: "Three leaves in one month.",
        scoring.DismissalReason.COMPLAINT_LIMIT: "Three complaints with a subjective cause.",
        scoring.DismissalReason.COMPLIANCE_VETO: "A compliance violation with bad effect.",
    },
)
described_enum(
    scoring.BreachKind,
    name="BreachKind",
    description="Kinds of discipline breach.",
    value_descriptions={
        scoring.BreachKind.ORDINARY: "违章违纪: −5 each; three zero the item.",
        scoring.BreachKind.GIFTS: "吃、拿、卡、要: zeroes discipline, dismissal flag.",
        scoring.BreachKind.PRIVATE_USE_OF_TOBACCO: "以烟谋私: zeroes discipline, dismissal flag.",
        scoring.BreachKind.PRIVATE_BUSINESS: "办私事、干私活: zeroes discipline, dismissal flag.",
        scoring.BreachKind.LEAVING_POST: "擅离职守: zeroes discipline, dismissal flag.",
    },
)
described_enum(
    scoring.TrainingKind,
    name="TrainingKind",
    description="A written exam (scored) or a practical (pass/fail).",
    value_descriptions={
        scoring.TrainingKind.EXAM: "Written exam out of 100; below 80 costs 10 points.",
        scoring.TrainingKind.PRACTICAL: "Practical; a fail costs 10 points.",
    },
)
described_enum(
    scoring.VetoKind,
    name="VetoKind",
    description="Compliance veto items (规范经营).",
    value_descriptions={
        scoring.VetoKind.SPLIT_ORDERS: "拆单分摊销售.",
        scoring.VetoKind.NOT_THROUGH_NETWORK: "未100%入网、落地、入户销售.",
        scoring.VetoKind.FAKE_ORDERS: "虚假订单.",
        scoring.VetoKind.FAKE_RETAILERS: "虚构商户.",
        scoring.VetoKind.FAKE_NETWORK_ENTRIES: "虚假入网.",
        scoring.VetoKind.RESALE: "组织或参与套购倒卖.",
        scoring.VetoKind.UNLICENSED_SUPPLY: "向无证单位或个人供货.",
        scoring.VetoKind.OTHER: "Other breaches of the tobacco trading rules.",
    },
)
described_enum(
    scoring.AuditFindingKind,
    name="AuditFindingKind",
    description="What an audit found against the manager.",
    value_descriptions={
        scoring.AuditFindingKind.VISIT_NOT_IN_PLACE: "The visit was not in place.",
        scoring.AuditFindingKind.PRICE_TAGS_MISSING: "Price tags not shown (明码标价).",
        scoring.AuditFindingKind.POLICY_NOT_PROMOTED: "Policy not promoted (政策宣传).",
    },
)
described_enum(
    scoring.Direction,
    name="GoalDirection",
    description="Whether a goal is met by raising or by lowering the value.",
    value_descriptions={
        scoring.Direction.RAISE: "Met by raising the value to the target.",
        scoring.Direction.LOWER: "Met by lowering the value to the target.",
    },
)
described_enum(
    scoring.Metric,
    name="LeaderboardMetric",
    description="What the daily leaderboard ranks on.",
    value_descriptions={
        scoring.Metric.VERIFIED_VISITS: "Visits verified in place.",
        scoring.Metric.VERIFIED_SHARE: "Verified visits over planned stops.",
        scoring.Metric.SALES_AMOUNT: "Sales amount of the manager's retailers, yuan.",
    },
)
described_enum(
    scoring.Quadrant,
    name="Quadrant",
    description="Ability × initiative quadrant (essay 3).",
    value_descriptions={
        scoring.Quadrant.HIGH_ABILITY_HIGH_INITIATIVE: "I: high ability, high initiative.",
        scoring.Quadrant.LOW_ABILITY_HIGH_INITIATIVE: "II: low ability, high initiative.",
        scoring.Quadrant.LOW_ABILITY_LOW_INITIATIVE: "III: low ability, low initiative.",
        scoring.Quadrant.HIGH_ABILITY_LOW_INITIATIVE: "IV: high ability, low initiative.",
    },
)
described_enum(
    scoring.CareerChannel,
    name="CareerChannel",
    description="The career channel of a quadrant (essay 3, section 4).",
    value_descriptions={
        scoring.CareerChannel.PROMOTION: "Vertical promotion / special-contribution promotion.",
        scoring.CareerChannel.LATERAL_TRANSFER: "Lateral transfer to another line of work.",
        scoring.CareerChannel.EXIT: "Exit: probation, then dismissal.",
        scoring.CareerChannel.SKILL_GRADE: "Skill grades: junior → intermediate → senior.",
    },
)

AuditPlanStatusEnum: TypeAlias = AuditPlanStatus
AuditEditActionEnum: TypeAlias = AuditEditAction
RetailerAnswerEnum: TypeAlias = RetailerAnswer
AllocationEnum: TypeAlias = audits.Allocation
StratumByEnum: TypeAlias = audits.StratumBy
AuditVerdictEnum: TypeAlias = audits.AuditVerdict
DiscrepancyKindEnum: TypeAlias = audits.DiscrepancyKind
ScoreEventKindEnum: TypeAlias = ScoreEventKind
PeriodKindEnum: TypeAlias = PeriodKind
ScorePartEnum: TypeAlias = scoring.Part
DismissalReasonEnum: TypeAlias = scoring.DismissalReason
BreachKindEnum: TypeAlias = scoring.BreachKind
TrainingKindEnum: TypeAlias = scoring.TrainingKind
VetoKindEnum: TypeAlias = scoring.VetoKind
AuditFindingKindEnum: TypeAlias = scoring.AuditFindingKind
DirectionEnum: TypeAlias = scoring.Direction
LeaderboardMetricEnum: TypeAlias = scoring.Metric
QuadrantEnum: TypeAlias = scoring.Quadrant
CareerChannelEnum: TypeAlias = scoring.CareerChannel
