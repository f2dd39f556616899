"""Audit plan: a drawn sample plus the audit team's recorded manual edits (R5.2).

The system draws the retailers at random to keep the audit objective; the team may adjust the
list by hand, but every addition or removal is an edit with author, reason and time, kept in
order. The current list is derived from the draw and the edits, never stored separately, so the
history cannot disagree with it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from gql.services.audits.rules.errors import PlanEditError
from gql.services.audits.rules.sampling import draw_sample

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from gql.services.audits.rules.sampling import Candidate, Sample, SampleDesign

__all__ = ["AuditPlan", "EditAction", "PlanEdit", "create_plan"]


class EditAction(enum.StrEnum):
    """A manual change to the drawn list."""

    ADD = "add"
    REMOVE = "remove"


@dataclass(frozen=True, slots=True)
class PlanEdit:
    """One recorded manual edit."""

    action: EditAction
    retailer_id: str
    author: str
    reason: str
    at: datetime

    def __post_init__(self) -> None:
        if not isinstance(self.action, EditAction):
            raise PlanEditError(f"action must be an EditAction, got {self.action!r}")
        for name in ("retailer_id", "author", "reason"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise PlanEditError(f"edit {name} must be a non-empty string, got {value!r}")
        if not isinstance(self.at, datetime) or self.at.utcoffset() is None:
            raise PlanEditError("edit time must be a timezone-aware datetime")


@dataclass(frozen=True, slots=True)
class AuditPlan:
    """An audit plan: the stored draw (seed included) and its ordered manual edits.

    Raises
    ------
    PlanEditError
        If an edit adds a retailer already in the plan, removes one that is not, or is not
        later than the plan's creation and the previous edit.
    """

    plan_id: str
    created_by: str
    created_at: datetime
    sample: Sample
    edits: tuple[PlanEdit, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.created_at, datetime) or self.created_at.utcoffset() is None:
            raise PlanEditError("created_at must be a timezone-aware datetime")
        self._replay()

    def _replay(self) -> list[str]:
        current = list(self.sample.retailer_ids)
        last = self.created_at
        for edit in self.edits:
            if edit.at <= last:
                raise PlanEditError(f"edit of {edit.retailer_id} at {edit.at} is out of order")
            last = edit.at
            if edit.action is EditAction.ADD:
                if edit.retailer_id in current:
                    raise PlanEditError(f"{edit.retailer_id} is already in plan {self.plan_id}")
                current.append(edit.retailer_id)
            else:
                if edit.retailer_id not in current:
                    raise PlanEditError(f"{edit.retailer_id} is not in plan {self.plan_id}")
                current.remove(edit.retailer_id)
        return current

    @property
    def retailer_ids(self) -> tuple[str, ...]:
        """Current list: the draw minus removals, then additions in the order made."""
        return tuple(self._replay())

    @property
    def added(self) -> frozenset[str]:
        """Retailers in the current list that were not drawn (manual additions)."""
        return frozenset(self.retailer_ids) - frozenset(self.sample.retailer_ids)

    def with_edit(self, edit: PlanEdit) -> AuditPlan:
        """Return the plan with ``edit`` appended (the original is unchanged)."""
        return AuditPlan(
            self.plan_id, self.created_by, self.created_at, self.sample, (*self.edits, edit)
        )


def create_plan(
    plan_id: str,
    candidates: Sequence[Candidate],
    design: SampleDesign,
    *,
    seed: int,
    plan_date: date,
    created_by: str,
    created_at: datetime,
) -> AuditPlan:
    """Draw the sample and wrap it in a plan with no edits yet."""
    sample = draw_sample(candidates, design, seed=seed, plan_date=plan_date)
    return AuditPlan(plan_id, created_by, created_at, sample)
