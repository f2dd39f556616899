"""Risk weights for audit sampling: audit more where a problem is more likely.

The issue names three signals: a low share of verified visits, recent complaints, and a long
time since the last audit. The weight is ``1 + a·(1 − verified share) + b·complaints +
c·min(days since audit / horizon, 1)``; it is always ≥ 1, so every retailer keeps a chance of
being drawn (the audit stays a random check, R5.2, not a targeted one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from gql.services.audits.rules.errors import SamplingError

__all__ = ["RiskCoefficients", "risk_weight"]


@dataclass(frozen=True, slots=True)
class RiskCoefficients:
    """Coefficients of the risk weight; the defaults at most quadruple a retailer's weight."""

    unverified: float = 1.0
    per_complaint: float = 0.5
    max_complaints: int = 2
    not_audited: float = 1.0
    horizon_days: int = 180

    def __post_init__(self) -> None:
        for name in ("unverified", "per_complaint", "not_audited"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise SamplingError(f"risk coefficient {name} must be finite and >= 0")
        if self.max_complaints < 0 or self.horizon_days < 1:
            raise SamplingError("max_complaints must be >= 0 and horizon_days >= 1")


def risk_weight(
    *,
    verified_share: float,
    recent_complaints: int,
    days_since_audit: int | None,
    coefficients: RiskCoefficients | None = None,
) -> float:
    """Compute the sampling weight of one retailer from its risk signals.

    Parameters
    ----------
    verified_share : float
        Share of the manager's visits to this retailer that were verified, in [0, 1].
    recent_complaints : int
        Complaints about the retailer's service in the look-back window (capped).
    days_since_audit : int or None
        Days since the last audit; ``None`` if never audited (counts as the full horizon).
    coefficients : RiskCoefficients, optional
        Defaults to :class:`RiskCoefficients()`.

    Examples
    --------
    >>> risk_weight(verified_share=0.5, recent_complaints=1, days_since_audit=90)
    2.5
    """
    c = coefficients or RiskCoefficients()
    if not math.isfinite(verified_share) or not 0.0 <= verified_share <= 1.0:
        raise SamplingError(f"verified_share must be in [0, 1], got {verified_share!r}")
    if recent_complaints < 0:
        raise SamplingError(f"recent_complaints must be >= 0, got {recent_complaints}")
    if days_since_audit is not None and days_since_audit < 0:
        raise SamplingError(f"days_since_audit must be >= 0, got {days_since_audit}")
    staleness = 1.0 if days_since_audit is None else min(days_since_audit / c.horizon_days, 1.0)
    return (
        1.0
        + c.unverified * (1.0 - verified_share)
        + c.per_complaint * min(recent_complaints, c.max_complaints)
        + c.not_audited * staleness
    )
