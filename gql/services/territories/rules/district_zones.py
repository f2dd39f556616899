"""District order-calling and delivery zones derived from the weekday zones (R6.1).

A retailer's order is taken on its visit weekday, so the **order-calling zone** of weekday
``d`` is every ordering retailer whose weekday zone is ``d`` (one zone per territory, together
covering the district). Orders are delivered the next working day, so the **delivery zone** of
``d`` is the order-calling zone of the previous working day (Friday's orders go out on
Monday). Balance is reported per weekday on ordering retailers, orders per 4-week cycle (one
per visit) and order volume.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .metrics import Balance, balance_of
from .retailers import NO_ORDER_DAY, RetailerSet
from .weekdays import WEEKDAYS, WeekdayPlan

__all__ = ["DistrictZones", "district_zones"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class DistrictZones:
    """Daily order-calling and delivery zones of a district, with their balance.

    Attributes
    ----------
    order_weekday, delivery_weekday
        Per retailer, 0 (Mon) to 4 (Fri); :data:`~.retailers.NO_ORDER_DAY` for retailers that
        do not order.
    ordering_retailers, orders, order_volume
        Per-weekday totals of the order-calling zones (length 5).
    ordering_balance, orders_balance, volume_balance
        Their :class:`~.metrics.Balance` across the five weekdays.
    order_day_changes
        Ordering retailers whose order day differs from their current one.
    """

    order_weekday: IntArray
    delivery_weekday: IntArray
    ordering_retailers: FloatArray
    orders: FloatArray
    order_volume: FloatArray
    ordering_balance: Balance
    orders_balance: Balance
    volume_balance: Balance
    order_day_changes: int


def district_zones(retailers: RetailerSet, plan: WeekdayPlan) -> DistrictZones:
    """Derive the district's daily zones from a weekday plan.

    Examples
    --------
    >>> from gql.services.territories.rules import WeekdayPlan, synthetic_city
    >>> rs = synthetic_city(10, seed=0)
    >>> plan = WeekdayPlan(territory=np.zeros(10, dtype=np.int64),
    ...                    weekday=np.arange(10) % 5, phase=np.zeros(10, dtype=np.int64),
    ...                    visits_per_cycle=np.full(10, 4))
    >>> bool(district_zones(rs, plan).orders.sum() == 4 * (rs.order_volume > 0).sum())
    True
    """
    ordering = retailers.order_volume > 0
    order_day = np.where(ordering, plan.weekday, NO_ORDER_DAY).astype(np.int64)
    delivery_day = np.where(ordering, (plan.weekday + 1) % WEEKDAYS, NO_ORDER_DAY)
    day = plan.weekday[ordering]
    count = np.bincount(day, minlength=WEEKDAYS).astype(np.float64)
    orders = np.bincount(
        day, weights=plan.visits_per_cycle[ordering].astype(np.float64), minlength=WEEKDAYS
    )
    volume = np.bincount(day, weights=retailers.order_volume[ordering], minlength=WEEKDAYS)
    had_day = ordering & (retailers.order_weekday >= 0)
    changes = int((retailers.order_weekday[had_day] != plan.weekday[had_day]).sum())
    return DistrictZones(
        order_weekday=order_day,
        delivery_weekday=delivery_day.astype(np.int64),
        ordering_retailers=count,
        orders=orders.astype(np.float64),
        order_volume=volume.astype(np.float64),
        ordering_balance=balance_of(count),
        orders_balance=balance_of(orders),
        volume_balance=balance_of(volume),
        order_day_changes=changes,
    )
