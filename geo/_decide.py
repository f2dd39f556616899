"""The decision rule, vectorised: shared by the single-visit and the batch verifier."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from geo._radial import disc_probability_kernel
from geo.error_model import CIRCLE_68, _core_scale

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["CIRCLE_68", "INCONCLUSIVE", "IN_PLACE", "NOT_IN_PLACE", "decide", "probabilities"]

IN_PLACE, NOT_IN_PLACE, INCONCLUSIVE = 0, 1, 2

_F = np.float64


def probabilities(
    distance_m: npt.NDArray[_F],
    radius_m: npt.NDArray[_F],
    sigma: npt.NDArray[_F],
    dof: npt.NDArray[_F],
    multipath_share: npt.NDArray[_F],
    multipath_sigma: npt.NDArray[_F],
) -> tuple[npt.NDArray[_F], npt.NDArray[_F]]:
    """``probability_within`` and ``outside_p_value`` of each row's two-circle error model."""
    scale = _core_scale(sigma, dof)
    p_in = disc_probability_kernel(distance_m, radius_m, scale, dof, outside=False)
    p_out = disc_probability_kernel(radius_m, distance_m, scale, dof, outside=True)
    wide = np.flatnonzero(multipath_share > 0.0)
    if wide.size:
        w = multipath_share[wide]
        d, r = distance_m[wide], radius_m[wide]
        s = np.ascontiguousarray(multipath_sigma[wide])
        gauss = np.full(wide.size, np.inf)
        p_in[wide] = (1.0 - w) * p_in[wide] + w * disc_probability_kernel(
            d, r, s, gauss, outside=False
        )
        p_out[wide] = (1.0 - w) * p_out[wide] + w * disc_probability_kernel(
            r, d, s, gauss, outside=True
        )
    return np.clip(p_in, 0.0, 1.0), np.clip(p_out, 0.0, 1.0)


def decide(
    distance_m: npt.NDArray[_F],
    radius_m: npt.NDArray[_F],
    sigma: npt.NDArray[_F],
    dof: npt.NDArray[_F],
    multipath_share: npt.NDArray[_F],
    multipath_sigma: npt.NDArray[_F],
    can_prove: npt.NDArray[np.bool_],
    min_probability_in: float,
    max_outside_p_value: float,
) -> tuple[npt.NDArray[np.int8], npt.NDArray[_F], npt.NDArray[_F], npt.NDArray[np.bool_]]:
    """Return kind codes, probability_within, outside_p_value and the too-coarse mask.

    NOT_IN_PLACE when a device inside the radius would rarely report this far away;
    IN_PLACE when presence is probable *and* the estimate's 68 % circle (of its core) fits
    in the radius *and* the source may prove presence; INCONCLUSIVE otherwise.
    """
    p_in, p_out = probabilities(distance_m, radius_m, sigma, dof, multipath_share, multipath_sigma)
    too_coarse = CIRCLE_68 * sigma > radius_m
    kind = np.full(distance_m.shape, INCONCLUSIVE, dtype=np.int8)
    kind[(p_in >= min_probability_in) & ~too_coarse & can_prove] = IN_PLACE
    kind[p_out < max_outside_p_value] = NOT_IN_PLACE
    return kind, p_in, p_out, too_coarse
