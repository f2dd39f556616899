"""Ranking with ties: standard competition ranking ("1224") on rounded scores.

Scores are compared after rounding to the policy's ``score_decimals`` so that floating-point
noise (92.00000000001 vs 92.0) never breaks a tie that a person reading the file would see.
Equal scores share the best rank and the next rank skips: 95, 90, 90, 80 → 1, 2, 2, 4.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["competition_ranks"]


def competition_ranks(
    scores: Mapping[str, float], *, decimals: int = 2, descending: bool = True
) -> dict[str, int]:
    """Rank people by score, ties sharing the best rank.

    Parameters
    ----------
    scores : Mapping[str, float]
        Score per person id.
    decimals : int
        Scores are rounded to this many decimals before comparing.
    descending : bool
        ``True`` ranks the highest score first; ``False`` the lowest (used for the
        elimination cut).

    Returns
    -------
    dict[str, int]
        Rank per person id, starting at 1.

    Examples
    --------
    >>> competition_ranks({"a": 95.0, "b": 90.0, "c": 90.004, "d": 80.0})
    {'a': 1, 'b': 2, 'c': 2, 'd': 4}
    """
    rounded = {k: round(v, decimals) for k, v in scores.items()}
    sign = -1.0 if descending else 1.0
    ordered = sorted(rounded, key=lambda k: (sign * rounded[k], k))
    ranks: dict[str, int] = {}
    for position, key in enumerate(ordered, start=1):
        if position > 1 and rounded[key] == rounded[ordered[position - 2]]:
            ranks[key] = ranks[ordered[position - 2]]
        else:
            ranks[key] = position
    return ranks
