"""Monthly sales targets (R1.5, R7.1): set by marketing, one per manager and month.

A target is what the business part is settled against (volume in cartons and amount in yuan).
Set through ``salesTargetSet`` or the ``visitgis import targets`` CSV; both check the same
ranges and refuse a month already closed for the manager (the business part of a closed month
changes by amendment, or after a reopening). Setting the same target again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from gql.domain import MonthlyTarget
from gql.domain.evaluations import PeriodKind
from gql.services.errors import ErrorCode, Problems
from gql.services.evaluations.periods import any_period, parse_period

if TYPE_CHECKING:
    from gql.services.evaluations.service import EvaluationService

__all__ = [
    "MAX_TARGET_CARTONS",
    "MAX_TARGET_YUAN",
    "TargetCommand",
    "TargetService",
    "target_problems",
]

MAX_TARGET_CARTONS = 10_000_000
"""Largest monthly volume target (cartons, 条)."""
MAX_TARGET_YUAN = Decimal("10000000000")
"""Largest monthly amount target (yuan)."""


@dataclass(frozen=True, slots=True)
class TargetCommand:
    """A manager's target for one month (``month`` like ``2026-12``)."""

    manager_id: int
    month: str
    volume_cartons: int
    amount_yuan: Decimal


def target_problems(volume_cartons: int, amount_yuan: Decimal) -> list[tuple[str, str]]:
    """Every problem with a target's figures, as (field, message).

    Examples
    --------
    >>> target_problems(1200, Decimal("245000.00"))
    []
    >>> [f for f, _ in target_problems(0, Decimal("1.005"))]
    ['volume_cartons', 'amount_yuan']
    """
    problems = []
    if not 1 <= volume_cartons <= MAX_TARGET_CARTONS:
        problems.append(
            ("volume_cartons", f"must be 1..{MAX_TARGET_CARTONS}, got {volume_cartons}")
        )
    if not amount_yuan.is_finite() or not Decimal("0.01") <= amount_yuan <= MAX_TARGET_YUAN:
        problems.append(("amount_yuan", f"must be 0.01..{MAX_TARGET_YUAN} yuan, got {amount_yuan}"))
    elif amount_yuan != amount_yuan.quantize(Decimal("0.01")):
        problems.append(("amount_yuan", f"{amount_yuan} has more than 2 decimal places (fen)"))
    return problems


class TargetService:
    """Set and read monthly sales targets within the caller's scope."""

    def __init__(self, evaluations: EvaluationService) -> None:
        self._e = evaluations
        self._sales = evaluations.sales

    def set(self, command: TargetCommand) -> MonthlyTarget:
        """Set a manager's target for a month (marketing only); idempotent."""
        principal = self._e.marketing("set sales targets")
        manager = self._e.visible_manager(command.manager_id)
        period = parse_period(PeriodKind.MONTH, command.month)
        found = Problems()
        for field, message in target_problems(command.volume_cartons, command.amount_yuan):
            found.add((field,), message)
        if self._e.month_closed(manager.staff_id, period.months[0]):
            found.add(
                ("month",),
                f"{period.text} is closed for this manager: change the business part by "
                "amendment (or reopen the month)",
                ErrorCode.CONFLICT,
            )
        found.raise_if_any()
        target = MonthlyTarget(
            0, manager.staff_id, period.first_day, command.volume_cartons, command.amount_yuan
        )
        self._sales.upsert_targets([target], set_by=principal.staff_id, at=self._e.now())
        return self._sales.targets([manager.staff_id], period.first_day, period.first_day)[0]

    def targets(
        self, period_text: str, *, manager_id: int | None = None, department_id: int | None = None
    ) -> list[MonthlyTarget]:
        """Targets of the months of a period, for a manager, a department or everyone visible."""
        period = any_period(period_text)
        if manager_id is not None:
            ids: list[int] | None = [self._e.visible_manager(manager_id).staff_id]
        elif department_id is not None:
            ids = [m.staff_id for m in self._e.department_managers(department_id)]
        else:
            scope = self._e.scope()
            if scope.is_empty:
                return []
            ids = (
                None
                if scope.everything
                else [
                    m.staff_id
                    for m in self._e.company_managers()
                    if scope.allows(m.staff_id, m.department_id)
                ]
            )
        return self._sales.targets(ids, period.first_day, period.months[-1].first_day)
