from datetime import date

import pytest

from gql.services.reports.rules import Bucket, Grain, ReportPeriod, ReportRuleError, buckets


def test_weeks_are_iso_weeks_clipped_to_the_period() -> None:
    period = ReportPeriod(date(2026, 11, 4), date(2026, 11, 18))  # Wednesday to Wednesday
    assert buckets(period, Grain.WEEK) == [
        Bucket(date(2026, 11, 4), date(2026, 11, 8)),
        Bucket(date(2026, 11, 9), date(2026, 11, 15)),
        Bucket(date(2026, 11, 16), date(2026, 11, 18)),
    ]


def test_months_cut_at_month_ends_and_days_are_single() -> None:
    period = ReportPeriod(date(2026, 1, 30), date(2026, 3, 1))
    assert buckets(period, Grain.MONTH) == [
        Bucket(date(2026, 1, 30), date(2026, 1, 31)),
        Bucket(date(2026, 2, 1), date(2026, 2, 28)),
        Bucket(date(2026, 3, 1), date(2026, 3, 1)),
    ]
    assert len(buckets(period, Grain.DAY)) == 31


@pytest.mark.parametrize(
    ("first", "last", "words"),
    [
        (date(2026, 11, 2), date(2026, 11, 1), "ends before it starts"),
        (date(2025, 1, 1), date(2026, 1, 2), "at most 366 days"),
    ],
)
def test_a_bad_period_names_its_fault(first: date, last: date, words: str) -> None:
    with pytest.raises(ReportRuleError, match=words) as caught:
        ReportPeriod(first, last)
    assert caught.value.field == "last"


def test_a_leap_year_fits() -> None:
    assert ReportPeriod(date(2028, 1, 1), date(2028, 12, 31)).days == 366
