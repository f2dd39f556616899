"""Typed planning errors whose messages say what the caller must fix.

Every error is a ``ValueError`` so that callers that only know "bad input" still catch it, while
the API layer can map each subclass to its own GraphQL union member.
"""

from __future__ import annotations

__all__ = [
    "InfeasibleCapError",
    "InvalidRetailersError",
    "LockedRetailerError",
    "MissingPositionError",
    "PlanningError",
    "TooManyManagersError",
]


class PlanningError(ValueError):
    """Base class: the planning inputs cannot produce a valid proposal."""


class InvalidRetailersError(PlanningError):
    """Retailer arrays are malformed: wrong shape, duplicate ids or values out of range."""


class MissingPositionError(PlanningError):
    """Some retailers have no usable WGS-84 position, so they cannot be placed in a zone.

    Parameters
    ----------
    retailer_ids
        The ids of the retailers to geocode (first few are named in the message).
    """

    def __init__(self, retailer_ids: tuple[int, ...]) -> None:
        self.retailer_ids = retailer_ids
        shown = ", ".join(str(i) for i in retailer_ids[:10])
        more = f" and {len(retailer_ids) - 10} more" if len(retailer_ids) > 10 else ""
        super().__init__(
            f"{len(retailer_ids)} retailer(s) have no valid position (lat/lon missing or out of "
            f"range): {shown}{more}; geocode them or leave them out of the plan"
        )


class TooManyManagersError(PlanningError):
    """More territories were requested than there are retailers (or movable retailers)."""

    def __init__(self, n_managers: int, n_retailers: int) -> None:
        self.n_managers = n_managers
        self.n_retailers = n_retailers
        super().__init__(
            f"cannot split {n_retailers} retailer(s) among {n_managers} managers; "
            f"use at most {n_retailers} managers"
        )


class LockedRetailerError(PlanningError):
    """A locked retailer has no current manager to stay with, or one outside the plan."""


class InfeasibleCapError(PlanningError):
    """A daily or balance cap cannot be met by any schedule over these inputs.

    Parameters
    ----------
    message
        What is infeasible and what to change (raise the cap, add managers, ...).
    """
