"""Enums of the score API added for issue 15, each value described."""

from __future__ import annotations

import enum
from typing import TypeAlias

from gql.domain.evaluations import RankScope, ScoreEventStatus
from gql.schema.types.enums import described_enum
from gql.services.evaluations import rules as scoring
from gql.services.evaluations.explanations import FlagKind

__all__ = [
    "EliminationReasonEnum",
    "HonourEnum",
    "IneligibilityReasonEnum",
    "RankScopeEnum",
    "SalesItemKind",
    "ScoreEventStatusEnum",
    "ScoreFlagKindEnum",
]


class SalesItemKind(enum.StrEnum):
    """The settled sales items (their points split the business part)."""

    VOLUME_CARTONS = "volume_cartons"
    AMOUNT = "amount_yuan"


described_enum(
    SalesItemKind,
    name="SalesItemKind",
    description="A sales item the business part is settled on.",
    value_descriptions={
        SalesItemKind.VOLUME_CARTONS: "Volume in cartons (条), 50 of the 100 business points.",
        SalesItemKind.AMOUNT: "Amount in yuan, 50 of the 100 business points.",
    },
)
described_enum(
    ScoreEventStatus,
    name="ScoreEventStatus",
    description="Where an input of the evaluation is in its life; only RECORDED ones count.",
    value_descriptions={
        ScoreEventStatus.RECORDED: "Counts in the month's score.",
        ScoreEventStatus.HELD: "An audit finding whose auditor's own position was not verified "
        "in place: waits for marketing's review.",
        ScoreEventStatus.PROPOSED: "An input for a closed month: a pending amendment proposal "
        "for marketing.",
        ScoreEventStatus.RETRACTED: "Withdrawn (with reason, by whom) while its month was open.",
        ScoreEventStatus.REJECTED: "A held or proposed input marketing declined.",
    },
)
described_enum(
    RankScope,
    name="RankScope",
    description="The population a ranking compares.",
    value_descriptions={
        RankScope.DEPARTMENT: "A customer-service department (客户服务部).",
        RankScope.COMPANY: "The whole company (the unit of essay 7).",
    },
)
described_enum(
    FlagKind,
    name="ScoreFlagKind",
    description="What a result flags; each flag says why.",
    value_descriptions={
        FlagKind.VOID_BY_VETO: "A compliance veto voided the month (一票否决).",
        FlagKind.DISMISSAL: "A rule flags dismissal; the decision is the company's.",
        FlagKind.HONOURS_LOST: "No year-end honour this year.",
        FlagKind.TARGET_MISSED: "A sales item completed below target.",
        FlagKind.NO_TARGET: "No sales target was set; the policy's no-target treatment applied.",
        FlagKind.ELIMINATION: "Flagged for elimination in the quarter (淘汰).",
        FlagKind.PROVISIONAL: "Ranked in the quarter but not cut (too few months served).",
        FlagKind.NOT_ELIGIBLE: "Not eligible for year-end honours.",
        FlagKind.HONOUR: "A year-end honour.",
    },
)
described_enum(
    scoring.Honour,
    name="Honour",
    description="Year-end honours (第十条).",
    value_descriptions={
        scoring.Honour.MODEL_WORKER: "单位工作标兵: the best annual total among the eligible.",
        scoring.Honour.ADVANCED_WORKER: "先进工作者: second and third among the eligible.",
    },
)
described_enum(
    scoring.EliminationReason,
    name="EliminationReason",
    description="Why a manager is flagged for elimination in a quarter.",
    value_descriptions={
        scoring.EliminationReason.LOWEST_QUARTERLY_TOTAL: "One of the two lowest totals.",
        scoring.EliminationReason.TARGET_MISSED_RUNNING: "Target missed two months running.",
    },
)
described_enum(
    scoring.IneligibilityReason,
    name="IneligibilityReason",
    description="Why a manager is not eligible for year-end honours.",
    value_descriptions={
        scoring.IneligibilityReason.FEW_MONTHS: "Fewer months served than honours require.",
        scoring.IneligibilityReason.VOID_MONTH: "A month void by compliance veto.",
        scoring.IneligibilityReason.DISMISSAL_FLAG: "A month with a dismissal flag.",
        scoring.IneligibilityReason.HONOURS_LOST: "A month whose honours were taken.",
    },
)

ScoreEventStatusEnum: TypeAlias = ScoreEventStatus
RankScopeEnum: TypeAlias = RankScope
ScoreFlagKindEnum: TypeAlias = FlagKind
HonourEnum: TypeAlias = scoring.Honour
EliminationReasonEnum: TypeAlias = scoring.EliminationReason
IneligibilityReasonEnum: TypeAlias = scoring.IneligibilityReason
