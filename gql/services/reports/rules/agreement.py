"""Agreement between two raters beyond chance: Cohen's κ (R8.3).

Used to ask whether the managers' verified visits and the auditors' checks tell the same story:
κ = 1 is perfect agreement, 0 is what two independent raters with the same marginal rates would
reach by chance, below 0 worse than chance.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Hashable, Sequence

__all__ = ["Agreement", "cohen_kappa"]


@dataclass(frozen=True, slots=True)
class Agreement:
    """Cohen's κ over ``n`` paired ratings, with its two ingredients."""

    n: int
    observed: float
    """p_o: share of items both raters put in the same category."""
    expected: float
    """p_e: Σ over categories of the product of the raters' marginal shares."""
    kappa: float | None
    """(p_o − p_e) / (1 − p_e); ``None`` when p_e = 1 (both raters used one same category)."""


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> Agreement | None:
    """Cohen's κ of ``(rater A, rater B)`` category pairs; ``None`` for no pairs.

    Examples
    --------
    20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no: p_o = 0.7, p_e = 0.5·0.6 + 0.5·0.4 = 0.5, κ = 0.4.

    >>> pairs = [(1, 1)] * 20 + [(1, 0)] * 5 + [(0, 1)] * 10 + [(0, 0)] * 15
    >>> round(cohen_kappa(pairs).kappa, 12)
    0.4
    """
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(1 for a, b in pairs if a == b) / n
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = sum(first[c] * second.get(c, 0) for c in first) / (n * n)
    kappa = None if expected >= 1.0 else (observed - expected) / (1.0 - expected)
    return Agreement(n=n, observed=observed, expected=expected, kappa=kappa)
