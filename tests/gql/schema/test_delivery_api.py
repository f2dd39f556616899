"""``deliveryFit`` on the demo city: every shop it says is missed really is, scope holds."""

from __future__ import annotations

from tests.gql.api import Api
from tests.gql.conftest import DemoPeople

FIT = """query($d: ID, $s: Int, $e: Int, $o: Int, $n: Int) {
  deliveryFit(departmentId: $d, windowStartMin: $s, windowEndMin: $e, minOverlapMin: $o,
              first: $n) {
    windowStart windowEnd minOverlapMin retailers fitting missingCount
    missing { retailerId zone businessType openOnDeliveryDay retailer { licenceNo } }
    zones { zone retailers fitting bestWindowStart bestWindowEnd bestFitting needsOwnWindow
            types { businessType retailers } } } }"""


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def test_a_head_sees_which_of_their_shops_a_window_misses_and_why(
    api: Api, people: DemoPeople
) -> None:
    """An early window (07:00-08:00, 30 minutes open needed) misses the shops that open
    later: each one listed is open less than 30 minutes of it on its delivery day, the counts
    add up by zone, and a manager asking for the whole department is refused as missing."""
    department = api.data("{ viewer { department { id } } }", as_=people.head)["viewer"][
        "department"
    ]["id"]
    variables = {"d": department, "s": 7 * 60, "e": 8 * 60, "o": 30, "n": 2000}
    fit = api.data(FIT, variables, as_=people.head)["deliveryFit"]
    assert (fit["windowStart"], fit["windowEnd"], fit["minOverlapMin"]) == ("07:00", "08:00", 30)
    assert fit["retailers"] > 0
    assert fit["fitting"] + fit["missingCount"] == fit["retailers"]
    assert len(fit["missing"]) == fit["missingCount"] > 0
    for miss in fit["missing"]:
        open_in_window = max(
            (
                max(0, min(_minutes(b), 8 * 60) - max(_minutes(a), 7 * 60))
                for a, b in (w.split("-") for w in miss["openOnDeliveryDay"])
            ),
            default=0,
        )
        assert open_in_window < 30, miss
        assert miss["retailer"]["licenceNo"]
    assert sum(z["retailers"] for z in fit["zones"]) == fit["retailers"]
    assert sum(z["fitting"] for z in fit["zones"]) == fit["fitting"]
    for zone in fit["zones"]:
        assert zone["bestFitting"] >= zone["fitting"]
        assert _minutes(zone["bestWindowEnd"]) - _minutes(zone["bestWindowStart"]) == 60
        assert sum(t["retailers"] for t in zone["types"]) == zone["retailers"]
    refused = api.execute(FIT, variables, as_=people.manager)
    assert refused.errors
    assert refused.errors[0].extensions["code"] == "NOT_FOUND"
    bad = api.execute(FIT, {**variables, "s": 9 * 60, "e": 8 * 60}, as_=people.head)
    assert bad.errors
    assert "window" in bad.errors[0].message
