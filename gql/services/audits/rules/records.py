"""What the audit team records at each retailer (R5.3)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from gql.services.audits.rules.errors import RecordError

__all__ = ["AuditRecord", "VisitAnswer"]


class VisitAnswer(enum.StrEnum):
    """The retailer's answer to "did your account manager visit in the period?" (拜访到位)."""

    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditRecord:
    """One retailer's audit on site.

    Parameters
    ----------
    audit_id : str
        Identifier of this record.
    plan_id : str
        The plan it belongs to.
    retailer_id, manager_id : str
        The retailer and the account manager responsible for it in the audited period.
    auditor_id : str
        The auditor (whose own position is verified like a manager's, elsewhere).
    audited_on : date
        Day of the audit.
    recorded_at : datetime
        When it was recorded (timezone-aware).
    price_tags_shown : bool
        明码标价.
    policy_promoted : bool
        政策宣传.
    satisfaction : int
        Customer satisfaction, 1 (worst) to 5 (best).
    manager_visited : VisitAnswer
        The retailer's answer.
    notes : str
        Free text.
    audited_at : datetime or None
        The instant of the audit (when the record was made); a visit after it cannot be what
        the retailer was asked about.
    """

    audit_id: str
    plan_id: str
    retailer_id: str
    manager_id: str
    auditor_id: str
    audited_on: date
    recorded_at: datetime
    price_tags_shown: bool
    policy_promoted: bool
    satisfaction: int
    manager_visited: VisitAnswer
    notes: str = ""
    audited_at: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("audit_id", "plan_id", "retailer_id", "manager_id", "auditor_id"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise RecordError(f"{name} must be a non-empty string, got {value!r}")
        if isinstance(self.audited_on, datetime) or not isinstance(self.audited_on, date):
            raise RecordError(f"audited_on must be a date, got {self.audited_on!r}")
        if not isinstance(self.recorded_at, datetime) or self.recorded_at.utcoffset() is None:
            raise RecordError("recorded_at must be a timezone-aware datetime")
        at = self.audited_at
        if at is not None and (not isinstance(at, datetime) or at.utcoffset() is None):
            raise RecordError("audited_at must be a timezone-aware datetime")
        for name in ("price_tags_shown", "policy_promoted"):
            if not isinstance(getattr(self, name), bool):
                raise RecordError(f"{name} must be a bool")
        s = self.satisfaction
        if isinstance(s, bool) or not isinstance(s, int) or not 1 <= s <= 5:
            raise RecordError(f"satisfaction must be an integer 1..5, got {s!r}")
        if not isinstance(self.manager_visited, VisitAnswer):
            raise RecordError(
                f"manager_visited must be a VisitAnswer, got {self.manager_visited!r}"
            )
        if not isinstance(self.notes, str):
            raise RecordError("notes must be a string")
