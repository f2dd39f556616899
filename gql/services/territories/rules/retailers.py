"""The plain, validated retailer table every planning function takes as input.

One frozen dataclass of aligned numpy arrays (one row per licensed retailer) keeps the planning
core free of the ORM: the service layer builds it from the store, tests and benchmarks build it
from :mod:`.synthetic_city`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .errors import InvalidRetailersError, LockedRetailerError, MissingPositionError

__all__ = ["NO_MANAGER", "NO_ORDER_DAY", "RetailerSet", "WorkloadClass"]

NO_MANAGER = -1
"""``current_manager`` value of a retailer nobody serves yet (e.g. newly licensed)."""

NO_ORDER_DAY = -1
"""``order_weekday`` value of a retailer that does not order on a fixed weekday."""

MAX_ROAD_FACTOR = 5.0
"""A detour factor above this is a typo, not a road network."""


class WorkloadClass(enum.IntEnum):
    """The coarse class of shop the workload model tells apart (R6.3).

    It sets the floor on visit frequency and the service time. Several business types
    (``gql.domain.BusinessType``, 业态) share one class: an ordinary corner shop works like a
    convenience store.
    """

    CONVENIENCE = 0
    SUPERMARKET_CHAIN = 1
    HOTEL_ENTERTAINMENT = 2
    OTHER = 3


IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def _as(
    values: npt.ArrayLike, dtype: type[np.generic], name: str, n: int
) -> npt.NDArray[np.generic]:
    array = np.ascontiguousarray(values, dtype=dtype)
    if array.shape != (n,):
        raise InvalidRetailersError(
            f"{name} has shape {array.shape}; expected ({n},), one per retailer"
        )
    array.setflags(write=False)
    return array


@dataclass(frozen=True, slots=True, eq=False)
class RetailerSet:
    """Aligned per-retailer arrays, validated on construction (arrays are made read-only).

    Parameters
    ----------
    retailer_id
        Unique integer ids.
    lat_deg, lon_deg
        WGS-84 position; ``NaN`` marks a retailer without a position (rejected).
    grade
        Class grade 1 (best) to 5; drives visit frequency.
    business_type
        :class:`WorkloadClass` code.
    is_key
        Key customer (重点客户): visited weekly with a longer service time.
    service_min
        Service time per visit in minutes; ``NaN`` means "use the policy default".
    order_weekday
        Current ordering weekday 0 (Mon) to 4 (Fri), or :data:`NO_ORDER_DAY`.
    order_volume
        Order volume per 4-week cycle (cartons); 0 for a retailer that does not order.
    locked
        Locked retailers keep their current manager in every proposal.
    current_manager
        Current territory index ``0..n_managers-1`` or :data:`NO_MANAGER`.
    open_min, close_min
        Opening hours as minutes after midnight (default 08:00-21:00): the one window every day
        used when no per-weekday windows are given.
    window_open_s, window_close_s
        Optional ``(n, 7, W)`` int seconds after midnight: up to ``W`` opening windows per
        weekday (0 = Mon), sorted and non-overlapping, padded with ``-1``; a day whose row is
        all ``-1`` is closed. Past midnight is two windows (``14:00-24:00`` and ``00:00-02:00``).
        Default: ``open_min``-``close_min`` on all seven days.
    road_factor
        Optional per-retailer ratio of road to great-circle distance (its area's detour: an old
        town of one-way lanes costs more than the ring road); a leg is priced at the mean of
        its two ends. ``None``: the policy's one factor everywhere.
    """

    retailer_id: IntArray
    lat_deg: FloatArray
    lon_deg: FloatArray
    grade: IntArray
    business_type: IntArray
    is_key: BoolArray
    service_min: FloatArray
    order_weekday: IntArray
    order_volume: FloatArray
    locked: BoolArray
    current_manager: IntArray
    open_min: FloatArray
    close_min: FloatArray
    window_open_s: IntArray | None = None
    window_close_s: IntArray | None = None
    road_factor: FloatArray | None = None
    n: int = field(init=False)

    def __post_init__(self) -> None:
        ids = np.ascontiguousarray(self.retailer_id, dtype=np.int64)
        if ids.ndim != 1 or ids.size == 0:
            raise InvalidRetailersError("retailer_id must be a non-empty 1-D array")
        n = int(ids.size)
        object.__setattr__(self, "n", n)
        casts: dict[str, type[np.generic]] = {
            "retailer_id": np.int64,
            "lat_deg": np.float64,
            "lon_deg": np.float64,
            "grade": np.int64,
            "business_type": np.int64,
            "is_key": np.bool_,
            "service_min": np.float64,
            "order_weekday": np.int64,
            "order_volume": np.float64,
            "locked": np.bool_,
            "current_manager": np.int64,
            "open_min": np.float64,
            "close_min": np.float64,
        }
        for name, dtype in casts.items():
            object.__setattr__(self, name, _as(getattr(self, name), dtype, name, n))
        self._validate()
        self._set_windows()
        self._set_road_factor()

    def _set_road_factor(self) -> None:
        if self.road_factor is None:
            return
        factor = np.asarray(_as(self.road_factor, np.float64, "road_factor", self.n), np.float64)
        if not np.isfinite(factor).all() or (factor < 1).any() or (factor > MAX_ROAD_FACTOR).any():
            raise InvalidRetailersError(
                f"road_factor must be finite and within [1, {MAX_ROAD_FACTOR:g}]"
            )
        object.__setattr__(self, "road_factor", factor)

    def _set_windows(self) -> None:
        opens, closes = self.window_open_s, self.window_close_s
        if (opens is None) != (closes is None):
            raise InvalidRetailersError("give both window_open_s and window_close_s, or neither")
        if opens is None or closes is None:
            one = np.rint(self.open_min * 60).astype(np.int64)
            opens = np.broadcast_to(one[:, None, None], (self.n, 7, 1))
            closes = np.broadcast_to(
                np.rint(self.close_min * 60).astype(np.int64)[:, None, None], (self.n, 7, 1)
            )
        o = np.array(opens, dtype=np.int64)
        c = np.array(closes, dtype=np.int64)
        if o.ndim != 3 or o.shape[:2] != (self.n, 7) or o.shape != c.shape or o.shape[2] < 1:
            raise InvalidRetailersError(
                f"window_open_s/window_close_s have shapes {o.shape}/{c.shape}; "
                f"expected ({self.n}, 7, W), W >= 1 windows per weekday"
            )
        pad = o < 0
        if ((c < 0) != pad).any():
            raise InvalidRetailersError(
                "a padded window (-1) must be padded in both open and close"
            )
        if (pad[..., :-1] & ~pad[..., 1:]).any():
            raise InvalidRetailersError("padding (-1) must come after a day's real windows")
        real = ~pad
        if ((o[real] >= c[real]) | (c[real] > 24 * 3600)).any():
            raise InvalidRetailersError("each window must satisfy 0 <= open_s < close_s <= 86400")
        if (real[..., 1:] & (o[..., 1:] < c[..., :-1])).any():
            raise InvalidRetailersError("a day's windows must be sorted and must not overlap")
        o.setflags(write=False)
        c.setflags(write=False)
        object.__setattr__(self, "window_open_s", o)
        object.__setattr__(self, "window_close_s", c)

    def open_days(self, service_s: npt.ArrayLike, first_s: float, last_s: float) -> BoolArray:
        """Return ``(n, 7)``: whether a visit of ``service_s`` fits a window in working hours.

        ``first_s``..``last_s`` is the manager's working day; a retailer open only outside it
        on a weekday cannot be visited that day.
        """
        o, c = self.window_open_s, self.window_close_s
        assert o is not None
        assert c is not None
        need = np.asarray(service_s, dtype=np.float64)[:, None, None]
        start = np.maximum(o, first_s)
        fits = (o >= 0) & (start + need <= np.minimum(c, last_s))
        return np.asarray(fits.any(axis=2), dtype=np.bool_)

    def _validate(self) -> None:
        ids = self.retailer_id
        if np.unique(ids).size != ids.size:
            dup = ids[np.flatnonzero(np.diff(np.sort(ids)) == 0)[:5]]
            raise InvalidRetailersError(
                f"retailer_id values must be unique; duplicated: {dup.tolist()}"
            )
        bad = ~(
            np.isfinite(self.lat_deg)
            & np.isfinite(self.lon_deg)
            & (np.abs(self.lat_deg) <= 90)
            & (np.abs(self.lon_deg) <= 180)
            & ~((self.lat_deg == 0) & (self.lon_deg == 0))
        )
        if bad.any():
            raise MissingPositionError(tuple(int(i) for i in ids[bad]))
        if ((self.grade < 1) | (self.grade > 5)).any():
            raise InvalidRetailersError(
                "grade must be 1 (best) to 5; fix the retailers' class grades"
            )
        if ((self.business_type < 0) | (self.business_type > max(WorkloadClass))).any():
            raise InvalidRetailersError(
                f"business_type must be one of {[int(b) for b in WorkloadClass]}"
            )
        service = self.service_min[np.isfinite(self.service_min)]
        if (service <= 0).any() or (service > 240).any():
            raise InvalidRetailersError(
                "service_min must be in (0, 240] minutes, or NaN for the default"
            )
        if ((self.order_weekday < NO_ORDER_DAY) | (self.order_weekday > 4)).any():
            raise InvalidRetailersError("order_weekday must be 0 (Mon) to 4 (Fri) or -1 (none)")
        if not np.isfinite(self.order_volume).all() or (self.order_volume < 0).any():
            raise InvalidRetailersError("order_volume must be finite and non-negative")
        if (self.current_manager < NO_MANAGER).any():
            raise InvalidRetailersError("current_manager must be a territory index >= 0 or -1")
        orphan = self.locked & (self.current_manager == NO_MANAGER)
        if orphan.any():
            raise LockedRetailerError(
                f"locked retailer(s) {ids[orphan][:10].tolist()} have no current manager; "
                "unlock them or give them a manager"
            )
        if not (np.isfinite(self.open_min).all() and np.isfinite(self.close_min).all()):
            raise InvalidRetailersError(
                "open_min and close_min must be finite minutes after midnight"
            )
        if (
            (self.open_min < 0) | (self.close_min > 24 * 60) | (self.close_min <= self.open_min)
        ).any():
            raise InvalidRetailersError(
                "opening hours must satisfy 0 <= open_min < close_min <= 1440"
            )

    @classmethod
    def build(
        cls,
        *,
        retailer_id: npt.ArrayLike,
        lat_deg: npt.ArrayLike,
        lon_deg: npt.ArrayLike,
        grade: npt.ArrayLike | None = None,
        business_type: npt.ArrayLike | None = None,
        is_key: npt.ArrayLike | None = None,
        service_min: npt.ArrayLike | None = None,
        order_weekday: npt.ArrayLike | None = None,
        order_volume: npt.ArrayLike | None = None,
        locked: npt.ArrayLike | None = None,
        current_manager: npt.ArrayLike | None = None,
        open_min: npt.ArrayLike | None = None,
        close_min: npt.ArrayLike | None = None,
        window_open_s: npt.ArrayLike | None = None,
        window_close_s: npt.ArrayLike | None = None,
        road_factor: npt.ArrayLike | None = None,
    ) -> RetailerSet:
        """Build a set from the columns you have; the rest take neutral defaults.

        Defaults: grade 3, convenience store, not key, policy service time, no order day,
        no volume, unlocked, no current manager, open 08:00-21:00 every day (unless
        per-weekday windows are given).
        """
        n = int(np.asarray(retailer_id).size)

        def col(v: npt.ArrayLike | None, default: float | int | bool) -> npt.ArrayLike:
            return np.full(n, default) if v is None else v

        return cls(
            retailer_id=np.asarray(retailer_id),
            lat_deg=np.asarray(lat_deg, dtype=np.float64),
            lon_deg=np.asarray(lon_deg, dtype=np.float64),
            grade=np.asarray(col(grade, 3)),
            business_type=np.asarray(col(business_type, 0)),
            is_key=np.asarray(col(is_key, False)),
            service_min=np.asarray(col(service_min, np.nan), dtype=np.float64),
            order_weekday=np.asarray(col(order_weekday, NO_ORDER_DAY)),
            order_volume=np.asarray(col(order_volume, 0.0), dtype=np.float64),
            locked=np.asarray(col(locked, False)),
            current_manager=np.asarray(col(current_manager, NO_MANAGER)),
            open_min=np.asarray(col(open_min, 8 * 60.0), dtype=np.float64),
            close_min=np.asarray(col(close_min, 21 * 60.0), dtype=np.float64),
            window_open_s=None if window_open_s is None else np.asarray(window_open_s),
            window_close_s=None if window_close_s is None else np.asarray(window_close_s),
            road_factor=None if road_factor is None else np.asarray(road_factor, dtype=np.float64),
        )

    def subset(self, index: npt.NDArray[np.intp] | BoolArray) -> RetailerSet:
        """Return the retailers selected by a position array or boolean mask."""
        return RetailerSet(
            **{
                name: getattr(self, name)[index]
                for name in (
                    "retailer_id",
                    "lat_deg",
                    "lon_deg",
                    "grade",
                    "business_type",
                    "is_key",
                    "service_min",
                    "order_weekday",
                    "order_volume",
                    "locked",
                    "current_manager",
                    "open_min",
                    "close_min",
                    "window_open_s",
                    "window_close_s",
                )
            },
            road_factor=None if self.road_factor is None else self.road_factor[index],
        )
