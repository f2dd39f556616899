"""Route optimisation for account managers' visits: exact Held–Karp, opening hours, beyond.

A pure library: no I/O (except the explicit file readers), no global state. Build a
:class:`Problem`, call :func:`solve`, read the :class:`Result`. Call :func:`warm_up` once
at service start so no request pays the numba compile.
"""

from __future__ import annotations

from tsp.errors import ExactLimitExceeded, MemoryBudgetExceeded, ProblemError, TsplibFormatError
from tsp.exact import DEFAULT_MEMORY_BUDGET_BYTES, MAX_EXACT_STOPS, held_karp, held_karp_bytes
from tsp.problem import Problem, Window
from tsp.result import Result, Unserved, UnservedReason
from tsp.solve import Method, solve
from tsp.tsplib import read_dumas, read_tsplib, tsplib_distances
from tsp.warmup import warm_up

__all__ = [
    "DEFAULT_MEMORY_BUDGET_BYTES",
    "MAX_EXACT_STOPS",
    "ExactLimitExceeded",
    "MemoryBudgetExceeded",
    "Method",
    "Problem",
    "ProblemError",
    "Result",
    "TsplibFormatError",
    "Unserved",
    "UnservedReason",
    "Window",
    "held_karp",
    "held_karp_bytes",
    "read_dumas",
    "read_tsplib",
    "solve",
    "tsplib_distances",
    "warm_up",
]
