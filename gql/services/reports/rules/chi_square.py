"""The mix test of the area report: chi-square goodness of fit against the company's shares.

Shared by the business-type mix (retailers per type) and the brand mix (orders per brand).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from scipy.stats import chisquare

__all__ = ["DEFAULT_MIN_EXPECTED", "MixTest", "bonferroni", "mix_test"]

DEFAULT_MIN_EXPECTED = 5.0
"""Cochran's rule: test only where every expected count is at least this."""


@dataclass(frozen=True, slots=True)
class MixTest:
    """Chi-square goodness of fit of an area's counts against the company's proportions.

    ``tested`` is false (and the numbers ``None``) when an expected count is below the minimum,
    there are fewer than two categories or nothing was counted; ``reason`` then says why.
    """

    tested: bool
    statistic: float | None
    dof: int | None
    p_value: float | None
    adjusted_p: float | None
    flagged: bool
    min_expected: float
    reason: str | None = None


def mix_test(
    counts: dict[str, int],
    company: dict[str, int],
    *,
    min_expected: float = DEFAULT_MIN_EXPECTED,
    categories: str = "types",
) -> MixTest:
    """Chi-square of ``counts`` against the proportions of ``company`` (unadjusted).

    ``categories`` names what is counted in the untested reason ("types", "brands").

    >>> t = mix_test({"kiosk": 30, "shop": 10}, {"kiosk": 50, "shop": 50})
    >>> t.tested, t.statistic, t.dof, round(t.p_value, 5)
    (True, 10.0, 1, 0.00157)
    """
    types = sorted(t for t, c in company.items() if c > 0)
    total_company = sum(company[t] for t in types)
    n = sum(counts.values())
    if len(types) < 2:
        reason = f"fewer than two {categories}"
        return MixTest(False, None, None, None, None, False, min_expected, reason)
    if n == 0:
        return MixTest(False, None, None, None, None, False, min_expected, "nothing counted")
    observed = [counts.get(t, 0) for t in types]
    expected = [n * company[t] / total_company for t in types]
    if min(expected) < min_expected:
        return MixTest(
            False, None, None, None, None, False, min_expected,
            f"an expected count is {min(expected):.2f}, below {min_expected:g}",
        )  # fmt: skip
    result = chisquare(observed, expected)
    return MixTest(
        True, float(result.statistic), len(types) - 1, float(result.pvalue), None, False,
        min_expected,
    )  # fmt: skip


def bonferroni(tests: list[MixTest], alpha: float) -> list[MixTest]:
    """The tests with ``adjusted_p`` = min(1, p × number tested) and ``flagged`` = it < alpha.

    >>> once = mix_test({"a": 30, "b": 10}, {"a": 1, "b": 1})
    >>> [round(t.adjusted_p, 5) for t in bonferroni([once, once], 0.05)], round(once.p_value, 5)
    ([0.00313, 0.00313], 0.00157)
    """
    m = sum(t.tested for t in tests)
    out = []
    for t in tests:
        if t.tested and t.p_value is not None:
            adjusted = min(1.0, t.p_value * m)
            t = replace(t, adjusted_p=adjusted, flagged=adjusted < alpha)
        out.append(t)
    return out
