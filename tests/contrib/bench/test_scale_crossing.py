"""The scale sweep's interpolated crossing of the p99 bound (contrib/bench/bench_scale.py)."""

from __future__ import annotations

from typing import Any

import pytest

from contrib.bench.bench_scale import crossing, ratio_reading


def _step(flows: int, rate: float, p99_ms: float, *, errors: int = 0) -> dict[str, Any]:
    return {
        "flows": flows,
        "check_ins_per_s": rate,
        "start_overhead_p99_ms": p99_ms,
        "within": p99_ms <= 200 and errors == 0,
    }


def test_the_crossing_lies_between_the_last_step_within_and_the_next() -> None:
    rows = [_step(20, 8.0, 60), _step(25, 10.0, 150), _step(30, 12.0, 250)]
    assert crossing(rows, 200) == pytest.approx(11.0)


def test_a_step_whose_rate_fell_gives_the_last_rate_within() -> None:
    rows = [_step(55, 23.6, 118), _step(60, 21.9, 439)]
    assert crossing(rows, 200) == 23.6


def test_a_step_over_for_an_error_gives_the_last_rate_within() -> None:
    rows = [_step(25, 10.0, 150), _step(30, 12.0, 150, errors=1)]
    assert crossing(rows, 200) == 10.0


def test_no_crossing_when_every_step_held_or_the_first_failed() -> None:
    assert crossing([_step(10, 4.6, 50), _step(15, 6.7, 60)], 200) is None
    assert crossing([_step(10, 4.6, 500)], 200) is None


def test_a_ratio_is_only_a_figure_when_the_first_count_passed_the_bound() -> None:
    assert ratio_reading(10.0, 16.0, 10.5, 16.8) == "1.60x"
    assert ratio_reading(10.0, 16.0, 10.5, None) == (
        "at least 1.60x (the second count never passed the bound)"
    )
    assert ratio_reading(29.44, 32.77, None, None).startswith("1.11x (meaningless")
