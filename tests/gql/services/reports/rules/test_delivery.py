"""Differentiated delivery, hand-checked: which shops a window misses, which zone needs its own."""

from __future__ import annotations

import pytest

from gql.services.reports.rules import DeliveryFact, delivery_day, delivery_fit

H = 3_600
KTV = ((14 * H, 24 * H), (0, 2 * H))  # open past midnight: two windows on the day


def _shop(rid: int, zone: str, kind: str, *windows: tuple[int, int]) -> DeliveryFact:
    return DeliveryFact(rid, zone, kind, tuple(windows))


def test_a_morning_window_misses_late_openers_and_a_ktv_zone_gets_its_own_time() -> None:
    """09:00-12:00 with 30 minutes open needed: the all-day shop fits; a KTV, a shop opening
    11:45 (15 minutes in the window) and one closed that day miss. Zone K (five KTVs and a
    shop open 08-20) fits 1 of 6 now; a 3-hour window from 11:30 (the first on the half-hour
    grid to overlap the KTVs' 14:00 opening by 30 minutes) fits all 6, so K is flagged; zone N
    fits all its shops and is not."""
    facts = [
        _shop(1, "N", "ORDINARY", (8 * H, 20 * H)),
        _shop(2, "N", "ORDINARY", (8 * H, 20 * H)),
        _shop(3, "N", "CONVENIENCE", (7 * H, 23 * H)),
        _shop(4, "L", "HOTEL_ENTERTAINMENT", *KTV),
        _shop(5, "L", "ORDINARY", (11 * H + 45 * 60, 22 * H)),
        _shop(6, "L", "ORDINARY"),
        *(_shop(10 + i, "K", "HOTEL_ENTERTAINMENT", *KTV) for i in range(5)),
        _shop(20, "K", "ORDINARY", (8 * H, 20 * H)),
    ]
    fit = delivery_fit(facts, 9 * H, 12 * H, 30 * 60)
    assert (fit.retailers, fit.fitting) == (12, 4)
    assert sorted(m.retailer_id for m in fit.missing) == [4, 5, 6, 10, 11, 12, 13, 14]
    zones = {z.zone: z for z in fit.zones}
    k = zones["K"]
    assert (k.retailers, k.fitting, k.best_fitting) == (6, 1, 6)
    assert k.best_start_s == 11 * H + 30 * 60
    assert k.needs_own_window is True
    assert k.types == (("HOTEL_ENTERTAINMENT", 5), ("ORDINARY", 1))
    assert (zones["N"].fitting, zones["N"].needs_own_window) == (3, False)
    assert zones["L"].needs_own_window is False  # under 5 shops: never flagged


def test_friday_orders_are_delivered_on_monday() -> None:
    assert [delivery_day(d) for d in range(5)] == [1, 2, 3, 4, 0]


@pytest.mark.parametrize(
    ("start", "end", "overlap"), [(12 * H, 9 * H, 600), (9 * H, 25 * H, 600), (9 * H, 10 * H, 0),
                                  (9 * H, 10 * H, 2 * H)],
)  # fmt: skip
def test_a_window_that_cannot_be_is_refused(start: int, end: int, overlap: int) -> None:
    with pytest.raises(ValueError, match=r"window|overlap"):
        delivery_fit([], start, end, overlap)
