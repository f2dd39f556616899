"""Closed results between the store and the pure rules: values, files, monthly scores.

A stored result is rebuilt into :class:`~gql.services.evaluations.rules.ResultFile` (closing +
ordered amendments) whenever it is read or amended, so the rules validate every change and derive
the history; and into a :class:`~gql.services.evaluations.rules.MonthlyScore` (current values)
when a quarter or year is evaluated from closed months.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from gql.services.evaluations import rules as scoring

if TYPE_CHECKING:
    from gql.domain.evaluations import EvaluationResultInfo, PeriodKind

__all__ = ["ResultView", "monthly_from_result", "result_file", "result_kind", "view_of"]


@dataclass(frozen=True, slots=True)
class ResultView:
    """A closed result with its current values and full history (closing + amendments)."""

    result: EvaluationResultInfo
    current: dict[str, scoring.FieldValue]
    history: tuple[scoring.Version, ...]

    @property
    def is_current(self) -> bool:
        """Not superseded by a reopening."""
        return self.result.reopening is None


def result_kind(kind: PeriodKind) -> scoring.ResultKind:
    """The rules' name for a kind of period."""
    return scoring.ResultKind(kind.value.lower())


def result_file(result: EvaluationResultInfo) -> scoring.ResultFile:
    """The rules' file for a stored result (ids and authors as text)."""
    closed = scoring.ClosedResult.of(
        str(result.manager_id),
        result.period,
        dict(result.values),
        closed_by=str(result.closed_by),
        closed_at=result.closed_at,
    )
    amendments = tuple(
        scoring.Amendment.of(
            str(a.id), author=str(a.author_id), reason=a.reason, at=a.at, changes=dict(a.changes)
        )
        for a in result.amendments
    )
    return scoring.ResultFile(closed, amendments)


def view_of(result: EvaluationResultInfo) -> ResultView:
    """Current values and history of a stored result."""
    file = result_file(result)
    return ResultView(result, file.current(), file.history())


def monthly_from_result(
    result: EvaluationResultInfo, current: dict[str, scoring.FieldValue]
) -> scoring.MonthlyScore:
    """A monthly score as amended, for the quarterly and annual rules.

    An amendment that clears ``dismissal_flag`` drops the stored flags; one that sets it with
    no stored reason is carried as ``honours_lost`` (the annual rules treat both alike).
    """
    month = scoring.Month(int(result.period[:4]), int(result.period[5:7]))
    flag = bool(current.get("dismissal_flag"))
    dismissals = (
        tuple(
            scoring.Dismissal(scoring.DismissalReason(d["reason"]), tuple(d["event_ids"]))
            for d in result.detail.get("dismissals", [])
        )
        if flag
        else ()
    )
    deadline = result.detail.get("review_deadline")
    return scoring.MonthlyScore(
        manager_id=str(result.manager_id),
        month=month,
        policy_version=str(current.get("policy_version", result.policy_version)),
        business=scoring.as_number(current.get("business")),
        discipline=scoring.as_number(current.get("discipline")),
        basic_work=scoring.as_number(current.get("basic_work")),
        training=scoring.as_number(current.get("training")),
        total=scoring.as_number(current.get("total")),
        lines=(),
        dismissals=dismissals,
        void_by_veto=bool(current.get("void_by_veto")),
        honours_lost=bool(current.get("honours_lost")) or (flag and not dismissals),
        target_missed=bool(current.get("target_missed")),
        sales_completion=scoring.as_number(result.detail.get("sales_completion")),
        review_deadline=date.fromisoformat(deadline) if deadline else month.last_day,
        no_target=bool(current.get("no_target")),
    )
