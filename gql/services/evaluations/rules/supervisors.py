"""Deductions a manager's complaints and veto findings cost the department's heads.

Essay 7, 第八条: a complaint with a subjective cause costs the head of the customer-service
department (主任) 3 points and the deputy (副主任) 1 point; a proven compliance violation with
bad effect costs the head 10 points and the year-end honours (取消年终评先资格).
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gql.services.evaluations.rules.errors import EventError
from gql.services.evaluations.rules.events import Complaint, ComplianceVeto

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from gql.services.evaluations.rules.events import ScoreEvent
    from gql.services.evaluations.rules.policy import ScoringPolicy

__all__ = [
    "DepartmentHeads",
    "SupervisorDeduction",
    "SupervisorRole",
    "SupervisorTotal",
    "supervisor_deductions",
    "supervisor_totals",
]


class SupervisorRole(enum.StrEnum):
    """The two supervisor roles the paper charges."""

    HEAD = "head"  # 客户服务部主任
    DEPUTY = "deputy"  # 副主任


@dataclass(frozen=True, slots=True)
class DepartmentHeads:
    """Who heads the department a manager belonged to when the event happened."""

    department_id: str
    head_id: str
    deputy_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SupervisorDeduction:
    """One deduction charged to a head or deputy, citing the manager's event."""

    person_id: str
    role: SupervisorRole
    points: float
    event_id: str
    manager_id: str
    honours_lost: bool


@dataclass(frozen=True, slots=True)
class SupervisorTotal:
    """A supervisor's summed deductions and whether they lost the year-end honours."""

    person_id: str
    points: float
    honours_lost: bool
    event_ids: tuple[str, ...]


def supervisor_deductions(
    events: Sequence[ScoreEvent],
    heads_of: Mapping[str, DepartmentHeads],
    policy: ScoringPolicy,
) -> tuple[SupervisorDeduction, ...]:
    """Charge the heads and deputies for their managers' complaints and veto findings.

    Parameters
    ----------
    events : Sequence[ScoreEvent]
        Events of any managers; only subjective complaints and vetoes with bad effect count.
    heads_of : Mapping[str, DepartmentHeads]
        Department heads per manager id.
    policy : ScoringPolicy
        Points per charge.

    Returns
    -------
    tuple[SupervisorDeduction, ...]
        One entry per charged person and event, as negative ``points``, in event order.

    Raises
    ------
    EventError
        If a charged event's manager has no entry in ``heads_of``.
    """
    rules = policy.supervisors
    out: list[SupervisorDeduction] = []
    ordered = sorted(events, key=lambda e: (e.occurred_on, e.recorded_at, e.event_id))
    for e in ordered:
        charged_complaint = isinstance(e, Complaint) and e.subjective
        charged_veto = isinstance(e, ComplianceVeto) and e.bad_effect
        if not (charged_complaint or charged_veto):
            continue
        heads = heads_of.get(e.manager_id)
        if heads is None:
            raise EventError(f"no department heads known for manager {e.manager_id!r}")
        if charged_complaint:
            out.append(
                SupervisorDeduction(
                    heads.head_id,
                    SupervisorRole.HEAD,
                    -rules.complaint_head_points,
                    e.event_id,
                    e.manager_id,
                    honours_lost=False,
                )
            )
            out.extend(
                SupervisorDeduction(
                    deputy,
                    SupervisorRole.DEPUTY,
                    -rules.complaint_deputy_points,
                    e.event_id,
                    e.manager_id,
                    honours_lost=False,
                )
                for deputy in heads.deputy_ids
            )
        else:
            out.append(
                SupervisorDeduction(
                    heads.head_id,
                    SupervisorRole.HEAD,
                    -rules.veto_head_points,
                    e.event_id,
                    e.manager_id,
                    honours_lost=True,
                )
            )
    return tuple(out)


def supervisor_totals(deductions: Sequence[SupervisorDeduction]) -> tuple[SupervisorTotal, ...]:
    """Sum deductions per person (sorted by person id)."""
    points: dict[str, float] = defaultdict(float)
    lost: dict[str, bool] = defaultdict(bool)
    cited: dict[str, list[str]] = defaultdict(list)
    for d in deductions:
        points[d.person_id] += d.points
        lost[d.person_id] |= d.honours_lost
        cited[d.person_id].append(d.event_id)
    return tuple(SupervisorTotal(p, points[p], lost[p], tuple(cited[p])) for p in sorted(points))
