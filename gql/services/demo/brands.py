"""The demo's brands: which brand each seeded order is, so the brand-mix report has data.

Five brands sold in Zhejiang. The mix depends a little on the business type (entertainment
venues sell more of the premium brand), on the county (each leans to one brand) and on the
retailer; every order draws its brand from its retailer's weights. A generator of its own
(seeded from the demo's seed) keeps every other number of the demo as it was without brands.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from gql.domain import BusinessType

if TYPE_CHECKING:
    from gql.domain import RetailerDraft

__all__ = ["BRANDS", "BrandChooser"]

BRANDS = ("利群", "中华", "玉溪", "芙蓉王", "黄鹤楼")

_BY_TYPE = {
    BusinessType.ORDINARY: (0.40, 0.10, 0.20, 0.15, 0.15),
    BusinessType.CONVENIENCE: (0.35, 0.20, 0.20, 0.15, 0.10),
    BusinessType.CHAIN_SUPERMARKET: (0.30, 0.25, 0.20, 0.15, 0.10),
    BusinessType.HOTEL_ENTERTAINMENT: (0.20, 0.45, 0.15, 0.15, 0.05),
    BusinessType.OTHER: (0.40, 0.05, 0.25, 0.15, 0.15),
}
_COUNTY_LEAN = {  # area code -> (brand index, factor)
    "330302": (1, 1.4),  # 鹿城: the city centre buys more 中华
    "330324": (0, 1.3),  # 永嘉
    "330304": (2, 1.3),  # 瓯海
    "330381": (4, 1.5),  # 瑞安
    "330303": (3, 1.4),  # 龙湾
}


class BrandChooser:
    """Draws each order's brand from its retailer's weights; same seed, same brands."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"demo-brands-{seed}")
        self._weights: dict[int, list[float]] = {}

    def weights(self, retailer_id: int, draft: RetailerDraft) -> list[float]:
        """The retailer's brand weights (fixed at its first order)."""
        found = self._weights.get(retailer_id)
        if found is None:
            found = list(_BY_TYPE[draft.business_type])
            lean = _COUNTY_LEAN.get(draft.area_code or "")
            if lean is not None:
                found[lean[0]] *= lean[1]
            found = [w * self._rng.uniform(0.7, 1.3) for w in found]
            self._weights[retailer_id] = found
        return found

    def brand(self, retailer_id: int, draft: RetailerDraft) -> str:
        """One order's brand.

        >>> from gql.domain import BusinessType
        >>> from types import SimpleNamespace
        >>> shop = SimpleNamespace(business_type=BusinessType.ORDINARY, area_code="330302")
        >>> a, b = BrandChooser(7), BrandChooser(7)
        >>> [a.brand(1, shop) for _ in range(5)] == [b.brand(1, shop) for _ in range(5)]
        True
        """
        return self._rng.choices(BRANDS, weights=self.weights(retailer_id, draft))[0]
