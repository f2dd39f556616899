"""Reproducible stratified random sample of retailers for an audit plan (R5.1–R5.2).

Design:

1. **Exclusions.** A retailer audited fewer than ``exclude_audited_within_days`` days before the
   plan date is left out and listed with its last audit date.
2. **Strata.** Always by manager (each manager's territory is checked), optionally also by grade
   and/or business type. A missing grade or type is its own value ``""``.
3. **Allocation.** ``PROPORTIONAL``: stratum *h* with *N_h* of the *N* eligible retailers gets
   ``size·N_h/N`` seats in expectation: the integer part for sure and one more seat with
   probability equal to the fractional part (systematic sampling over the remainders, in exact
   integer arithmetic), so the sample size is always exactly ``size``. ``EQUAL``:
   ``min(per_stratum, N_h)`` seats per stratum.
4. **Selection.** Within a stratum, without replacement, uniformly or with probability
   proportional to the risk weight (sequential weighted draws, ``Generator.choice``).

Reproducibility: one ``numpy.random.Generator(PCG64(seed))`` is consumed in a fixed order
(allocation draw, then strata in sorted key order, each over its members sorted by retailer id),
so the same seed and the same candidates give the same sample whatever order the candidates
arrive in. The seed and a digest of the canonical inputs are stored with the sample.
"""

from __future__ import annotations

import enum
import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np

from gql.services.audits.rules.errors import SamplingError

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "MAX_SEED",
    "Allocation",
    "Candidate",
    "Exclusion",
    "Sample",
    "SampleDesign",
    "Selected",
    "StratumAllocation",
    "StratumBy",
    "draw_sample",
    "expected_allocation",
]

MAX_SEED = 2**128 - 1
"""Largest accepted seed (PCG64 takes a 128-bit seed)."""

StratumKey = tuple[str, ...]


class StratumBy(enum.StrEnum):
    """Optional stratification keys on top of the manager."""

    GRADE = "grade"
    BUSINESS_TYPE = "business_type"


class Allocation(enum.StrEnum):
    """How the sample is spread over strata."""

    PROPORTIONAL = "proportional"
    EQUAL = "equal"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A retailer that may be audited, with its manager, attributes and risk weight."""

    retailer_id: str
    manager_id: str
    grade: str | None = None
    business_type: str | None = None
    last_audited_on: date | None = None
    risk_weight: float = 1.0

    def __post_init__(self) -> None:
        for name in ("retailer_id", "manager_id"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise SamplingError(f"candidate {name} must be a non-empty string, got {value!r}")
        w = self.risk_weight
        if isinstance(w, bool) or not isinstance(w, int | float) or not math.isfinite(w) or w <= 0:
            raise SamplingError(
                f"risk_weight of {self.retailer_id} must be finite and > 0, got {w!r}"
            )
        if self.last_audited_on is not None and (
            isinstance(self.last_audited_on, datetime) or not isinstance(self.last_audited_on, date)
        ):
            raise SamplingError(f"last_audited_on of {self.retailer_id} must be a date")


@dataclass(frozen=True, slots=True)
class SampleDesign:
    """The sampling design; stored with the plan so the draw can be replayed.

    Parameters
    ----------
    allocation : Allocation
        ``PROPORTIONAL`` needs ``size``; ``EQUAL`` needs ``per_stratum``.
    size : int, optional
        Total sample size for proportional allocation.
    per_stratum : int, optional
        Seats per stratum for equal allocation.
    stratify_by : tuple[StratumBy, ...]
        Extra strata keys beyond the manager.
    exclude_audited_within_days : int, optional
        Exclude retailers whose last audit is fewer than this many days before the plan date.
    weighted : bool
        Use the candidates' risk weights within strata (otherwise uniform).
    """

    allocation: Allocation = Allocation.PROPORTIONAL
    size: int | None = None
    per_stratum: int | None = None
    stratify_by: tuple[StratumBy, ...] = ()
    exclude_audited_within_days: int | None = None
    weighted: bool = False

    def __post_init__(self) -> None:
        for name in ("size", "per_stratum", "exclude_audited_within_days"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise SamplingError(f"{name} must be an integer, got {value!r}")
        if not isinstance(self.weighted, bool):
            raise SamplingError(f"weighted must be a bool, got {self.weighted!r}")
        if self.allocation is Allocation.PROPORTIONAL:
            if self.size is None or self.per_stratum is not None:
                raise SamplingError("proportional allocation needs size and no per_stratum")
            if self.size < 1:
                raise SamplingError(f"size must be >= 1, got {self.size}")
        elif self.allocation is Allocation.EQUAL:
            if self.per_stratum is None or self.size is not None:
                raise SamplingError("equal allocation needs per_stratum and no size")
            if self.per_stratum < 1:
                raise SamplingError(f"per_stratum must be >= 1, got {self.per_stratum}")
        else:
            raise SamplingError(f"unknown allocation {self.allocation!r}")
        if len(set(self.stratify_by)) != len(self.stratify_by) or not all(
            isinstance(s, StratumBy) for s in self.stratify_by
        ):
            raise SamplingError(f"stratify_by must be distinct StratumBy, got {self.stratify_by}")
        days = self.exclude_audited_within_days
        if days is not None and days < 1:
            raise SamplingError(f"exclude_audited_within_days must be >= 1, got {days}")


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A retailer left out because it was audited recently."""

    retailer_id: str
    last_audited_on: date


@dataclass(frozen=True, slots=True)
class Selected:
    """A drawn retailer and its stratum."""

    retailer_id: str
    manager_id: str
    stratum: StratumKey


@dataclass(frozen=True, slots=True)
class StratumAllocation:
    """Per stratum: eligible population, expected seats under the design, seats drawn."""

    stratum: StratumKey
    population: int
    expected: float
    drawn: int


@dataclass(frozen=True, slots=True)
class Sample:
    """The outcome of a draw, with everything needed to replay and check it."""

    seed: int
    plan_date: date
    design: SampleDesign
    inputs_digest: str
    selected: tuple[Selected, ...]
    excluded: tuple[Exclusion, ...]
    strata: tuple[StratumAllocation, ...]

    @property
    def retailer_ids(self) -> tuple[str, ...]:
        """Drawn retailer ids in stratum order."""
        return tuple(s.retailer_id for s in self.selected)


def _stratum(c: Candidate, design: SampleDesign) -> StratumKey:
    key = [c.manager_id]
    for by in design.stratify_by:
        value = c.grade if by is StratumBy.GRADE else c.business_type
        key.append(value or "")
    return tuple(key)


def _digest(candidates: Sequence[Candidate], design: SampleDesign, plan_date: date) -> str:
    """SHA-256 of the canonical inputs, so a stored plan can prove what it was drawn from."""

    def text(value: object) -> str:
        return "\x00" if value is None else str(value)

    rows = [
        "\t".join(
            (
                c.retailer_id,
                c.manager_id,
                text(c.grade),
                text(c.business_type),
                text(c.last_audited_on),
                repr(float(c.risk_weight)),
            )
        )
        for c in candidates
    ]
    head = repr((design, plan_date.isoformat()))
    return hashlib.sha256("\n".join([head, *rows]).encode()).hexdigest()


def _eligible(
    candidates: Sequence[Candidate], design: SampleDesign, plan_date: date
) -> tuple[list[Candidate], list[Exclusion]]:
    ids = [c.retailer_id for c in candidates]
    if len(set(ids)) != len(ids):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise SamplingError(f"retailers listed twice: {dupes[:5]}")
    kept: list[Candidate] = []
    excluded: list[Exclusion] = []
    for c in sorted(candidates, key=lambda c: c.retailer_id):
        last = c.last_audited_on
        if last is not None and last > plan_date:
            raise SamplingError(f"{c.retailer_id} was last audited {last}, after {plan_date}")
        window = design.exclude_audited_within_days
        if last is not None and window is not None and (plan_date - last).days < window:
            excluded.append(Exclusion(c.retailer_id, last))
        else:
            kept.append(c)
    return kept, excluded


def _strata(kept: list[Candidate], design: SampleDesign) -> dict[StratumKey, list[Candidate]]:
    strata: dict[StratumKey, list[Candidate]] = defaultdict(list)
    for c in kept:
        strata[_stratum(c, design)].append(c)
    return dict(sorted(strata.items()))


def expected_allocation(
    candidates: Sequence[Candidate], design: SampleDesign, *, plan_date: date
) -> dict[StratumKey, float]:
    """Return the expected seats per stratum under the design (what a draw averages to).

    Raises
    ------
    SamplingError
        As :func:`draw_sample`.
    """
    kept, _ = _eligible(candidates, design, plan_date)
    strata = _strata(kept, design)
    if design.allocation is Allocation.EQUAL:
        assert design.per_stratum is not None
        return {k: float(min(design.per_stratum, len(v))) for k, v in strata.items()}
    assert design.size is not None
    _check_size(design.size, len(kept))
    return {k: design.size * len(v) / len(kept) for k, v in strata.items()}


def _check_size(size: int, population: int) -> None:
    if size > population:
        raise SamplingError(f"sample size {size} exceeds the {population} eligible retailers")


def _proportional_seats(
    sizes: list[int], size: int, rng: np.random.Generator
) -> tuple[list[int], list[float]]:
    """Integer part of each quota plus one seat with probability equal to its fraction."""
    total = sum(sizes)
    base = [size * n // total for n in sizes]
    remainders = [size * n % total for n in sizes]  # fraction × total, exact integers
    extra = size - sum(base)  # == sum(remainders) / total
    seats = list(base)
    if extra:
        start = rng.random() * total  # systematic points start, start + total, ...
        points = [start + k * total for k in range(extra)]
        low = 0
        for h, r in enumerate(remainders):
            high = low + r
            if any(low <= p < high for p in points):
                seats[h] += 1
            low = high
    return seats, [size * n / total for n in sizes]


def draw_sample(
    candidates: Sequence[Candidate], design: SampleDesign, *, seed: int, plan_date: date
) -> Sample:
    """Draw the audit sample.

    Parameters
    ----------
    candidates : Sequence[Candidate]
        All retailers in scope (department, territory or set of managers), any order.
    design : SampleDesign
        Strata, allocation, exclusions and weighting.
    seed : int
        In ``[0, MAX_SEED]``; the caller draws it (e.g. ``secrets.randbits(64)``) and stores it.
    plan_date : date
        The audit day; exclusions are counted back from it.

    Returns
    -------
    Sample
        Selected retailers, exclusions and per-stratum allocation.

    Raises
    ------
    SamplingError
        For duplicate retailers, a bad seed, an audit date after the plan date, no eligible
        retailer, or a proportional size above the eligible population.

    Examples
    --------
    >>> cs = [Candidate(f"r{i}", f"m{i % 2}") for i in range(10)]
    >>> s = draw_sample(cs, SampleDesign(size=4), seed=7, plan_date=date(2026, 3, 2))
    >>> [a.drawn for a in s.strata]
    [2, 2]
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise SamplingError(f"seed must be an integer in [0, 2**128 - 1], got {seed!r}")
    if isinstance(plan_date, datetime) or not isinstance(plan_date, date):
        raise SamplingError(f"plan_date must be a date, got {plan_date!r}")
    kept, excluded = _eligible(candidates, design, plan_date)
    if not kept:
        raise SamplingError("no eligible retailer to audit (all excluded or none given)")
    strata = _strata(kept, design)
    rng = np.random.Generator(np.random.PCG64(seed))
    sizes = [len(v) for v in strata.values()]
    if design.allocation is Allocation.PROPORTIONAL:
        assert design.size is not None
        _check_size(design.size, len(kept))
        seats, expected = _proportional_seats(sizes, design.size, rng)
    else:
        assert design.per_stratum is not None
        seats = [min(design.per_stratum, n) for n in sizes]
        expected = [float(s) for s in seats]

    selected: list[Selected] = []
    allocations: list[StratumAllocation] = []
    for (key, members), m, e in zip(strata.items(), seats, expected, strict=True):
        if m:
            p = None
            if design.weighted:
                w = np.array([c.risk_weight for c in members], dtype=np.float64)
                p = w / w.sum()
            picks = rng.choice(len(members), size=m, replace=False, p=p)
            chosen = sorted(members[int(i)].retailer_id for i in picks)
            selected.extend(Selected(r, key[0], key) for r in chosen)
        allocations.append(StratumAllocation(key, len(members), e, m))
    return Sample(
        seed=seed,
        plan_date=plan_date,
        design=design,
        inputs_digest=_digest(sorted(candidates, key=lambda c: c.retailer_id), design, plan_date),
        selected=tuple(selected),
        excluded=tuple(excluded),
        strata=tuple(allocations),
    )
