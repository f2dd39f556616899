"""One file per person: closed results change only by recorded amendments (R7.5, 第九条)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from gql.services.evaluations.rules import (
    Amendment,
    AmendmentError,
    ClosedResult,
    FieldChange,
    ResultFile,
    ScoringPolicy,
    close_monthly,
    score_month,
)
from tests.gql.services.evaluations.rules.factory import JAN, MANAGER, breach, on_target

T0 = datetime(2026, 2, 3, 17, 0, tzinfo=UTC)


def _file() -> ResultFile:
    closed = ClosedResult.of(
        "m-1",
        "2026-01",
        {"total": 82.0, "discipline": 25.0, "dismissal_flag": False},
        closed_by="marketing-01",
        closed_at=T0,
    )
    return ResultFile(closed)


def _amend(i: int, hours: int, **changes: float | bool) -> Amendment:
    return Amendment.of(
        f"a{i}",
        author="marketing-02",
        reason=f"appeal {i} upheld",
        at=T0 + timedelta(hours=hours),
        changes=changes,
    )


def test_amendments_change_the_current_view_and_history_keeps_every_version() -> None:
    """Current = last values; history lists closing and each change with old and new values."""
    f0 = _file()
    f2 = f0.amend(_amend(1, 24, discipline=30.0, total=84.0)).amend(_amend(2, 48, total=86.0))
    assert f2.current() == {"total": 86.0, "discipline": 30.0, "dismissal_flag": False}
    history = f2.history()
    assert [v.number for v in history] == [0, 1, 2]
    assert history[0].author == "marketing-01"
    assert history[1].changes == (
        FieldChange("discipline", 25.0, 30.0),
        FieldChange("total", 82.0, 84.0),
    )
    assert history[2].changes == (FieldChange("total", 84.0, 86.0),)
    assert history[2].reason == "appeal 2 upheld"
    assert f2.as_of(T0 + timedelta(hours=30))["total"] == 84.0
    assert f0.current()["total"] == 82.0  # the original file is unchanged


def test_closed_results_and_files_cannot_be_mutated_in_place() -> None:
    """Frozen dataclasses: the only way to change a result is an amendment."""
    f = _file()
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.closed.closed_by = "someone"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.amendments = ()  # type: ignore[misc]


@pytest.mark.parametrize(
    ("amendments", "message"),
    [
        ([_amend(1, -1, total=90.0)], "is not after"),
        ([_amend(1, 2, total=90.0), _amend(2, 1, total=91.0)], "is not after"),
        ([_amend(1, 1, bonus=5.0)], "unknown field 'bonus'"),
        ([_amend(1, 1, total=82.0)], "already is 82.0"),
        ([_amend(1, 1, total=True)], "cannot become a bool"),
        ([_amend(1, 1, total=90.0), _amend(1, 2, total=91.0)], "duplicate amendment id"),
    ],
)
def test_invalid_amendments_are_rejected(amendments: list[Amendment], message: str) -> None:
    """Out of order, unknown field, no-op change or reused id: a specific error."""
    closed = _file().closed
    with pytest.raises(AmendmentError, match=message):
        ResultFile(closed, tuple(amendments))


def test_an_amendment_needs_an_author_a_reason_and_an_aware_time() -> None:
    """No anonymous, unexplained or unzoned change."""
    with pytest.raises(AmendmentError, match="reason"):
        Amendment.of("a", author="x", reason=" ", at=T0, changes={"total": 1.0})
    with pytest.raises(AmendmentError, match="author"):
        Amendment.of("a", author="", reason="r", at=T0, changes={"total": 1.0})
    with pytest.raises(AmendmentError, match="timezone-aware"):
        Amendment.of(
            "a", author="x", reason="r", at=T0.replace(tzinfo=None), changes={"total": 1.0}
        )
    with pytest.raises(AmendmentError, match="changes no field"):
        Amendment.of("a", author="x", reason="r", at=T0, changes={})
    with pytest.raises(AmendmentError, match="not closed yet"):
        _file().as_of(T0 - timedelta(days=1))


def test_a_monthly_score_closes_into_a_file_with_its_parts(policy: ScoringPolicy) -> None:
    """close_monthly stores total, parts and flags; an amendment then shows in both views."""
    s = score_month(MANAGER, JAN, [on_target(), breach()], policy)
    f = ResultFile(close_monthly(s, closed_by="marketing-01", closed_at=T0))
    assert f.current()["total"] == pytest.approx(98.0)
    f = f.amend(_amend(1, 1, discipline=40.0, total=100.0))
    assert f.current()["total"] == 100.0
    assert f.history()[0].values == f.closed.values
