"""The decision rule, vectorised: shared by the single-visit and the batch verifier."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from geo.error_model import outside_p_value, probability_within

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["CIRCLE_68", "INCONCLUSIVE", "IN_PLACE", "NOT_IN_PLACE", "decide"]

IN_PLACE, NOT_IN_PLACE, INCONCLUSIVE = 0, 1, 2
CIRCLE_68 = math.sqrt(-2.0 * math.log(1.0 - 0.68))
"""Radius of the 68 % circle in units of σ; an estimate wider than the radius proves nothing."""


def decide(
    distance_m: npt.NDArray[np.float64],
    radius_m: npt.NDArray[np.float64],
    sigma: npt.NDArray[np.float64],
    can_prove: npt.NDArray[np.bool_],
    min_probability_in: float,
    max_outside_p_value: float,
) -> tuple[
    npt.NDArray[np.int8],
    npt.NDArray[np.float64],
    npt.NDArray[np.float64],
    npt.NDArray[np.bool_],
]:
    """Return kind codes, probability_within, outside_p_value and the too-coarse mask.

    NOT_IN_PLACE when a device inside the radius would rarely report this far away;
    IN_PLACE when presence is probable *and* the estimate's 68 % circle fits in the radius
    *and* the source may prove presence; INCONCLUSIVE otherwise.
    """
    p_in = probability_within(distance_m, radius_m, sigma)
    p_out = outside_p_value(distance_m, radius_m, sigma)
    too_coarse = CIRCLE_68 * sigma > radius_m
    kind = np.full(distance_m.shape, INCONCLUSIVE, dtype=np.int8)
    kind[(p_in >= min_probability_in) & ~too_coarse & can_prove] = IN_PLACE
    kind[p_out < max_outside_p_value] = NOT_IN_PLACE
    return kind, p_in, p_out, too_coarse
