"""Check-out and dwell: a visit is a verified arrival plus a verified departure (R3.1, R3.3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.errors import InvalidTimestamp
from geo.verdict import Flag, VerdictKind, VisitRecord

if TYPE_CHECKING:
    from geo.policy import VisitPolicy
    from geo.verdict import Verdict

__all__ = ["record_visit"]


def record_visit(check_in: Verdict, check_out: Verdict | None, policy: VisitPolicy) -> VisitRecord:
    """Combine the start-visit and end-visit verdicts into one visit record.

    The check-out fix is verified exactly like the check-in (call :func:`geo.verify_visit`
    with the end-of-visit fixes). The visit is IN_PLACE only if both ends are, NOT_IN_PLACE
    if either end is, INCONCLUSIVE otherwise (including a missing check-out). Dwell time is
    departure minus arrival, from the two button presses.

    Raises
    ------
    InvalidTimestamp
        If the check-out happened before the check-in.

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> from geo import PositionFix, FixSource, VisitPolicy, Wgs84, verify_visit
    >>> t0 = datetime(2026, 5, 1, 9, 0, tzinfo=timezone.utc)
    >>> shop, policy = Wgs84(28.0, 120.7), VisitPolicy()
    >>> def at(t):
    ...     fix = PositionFix(28.0, 120.7, "WGS84", 8.0, FixSource.DEVICE_GPS, t)
    ...     return verify_visit(fix, shop, policy, now=t)
    >>> rec = record_visit(at(t0), at(t0 + timedelta(minutes=12)), policy)
    >>> rec.kind.value, rec.dwell_s
    ('IN_PLACE', 720.0)
    """
    flags = set(check_in.flags)
    if check_out is None:
        return VisitRecord(
            kind=VerdictKind.INCONCLUSIVE
            if check_in.kind is not VerdictKind.NOT_IN_PLACE
            else VerdictKind.NOT_IN_PLACE,
            arrival_at=check_in.event_at,
            departure_at=None,
            dwell_s=None,
            flags=tuple(f for f in Flag if f in flags),
            check_in=check_in,
            check_out=None,
        )
    dwell_s = (check_out.event_at - check_in.event_at).total_seconds()
    if dwell_s < 0.0:
        raise InvalidTimestamp(
            f"check-out at {check_out.event_at.isoformat()} is before check-in at "
            f"{check_in.event_at.isoformat()}"
        )
    flags |= set(check_out.flags)
    if dwell_s < policy.min_dwell_s:
        flags.add(Flag.SHORT_DWELL)
    kinds = (check_in.kind, check_out.kind)
    if VerdictKind.NOT_IN_PLACE in kinds:
        kind = VerdictKind.NOT_IN_PLACE
    elif kinds == (VerdictKind.IN_PLACE, VerdictKind.IN_PLACE):
        kind = VerdictKind.IN_PLACE
    else:
        kind = VerdictKind.INCONCLUSIVE
    return VisitRecord(
        kind=kind,
        arrival_at=check_in.event_at,
        departure_at=check_out.event_at,
        dwell_s=dwell_s,
        flags=tuple(f for f in Flag if f in flags),
        check_in=check_in,
        check_out=check_out,
    )
