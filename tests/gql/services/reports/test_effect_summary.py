"""The "what changed" page: a verdict only where the interval leaves out zero."""

from datetime import date

from gql.services.reports import rules
from gql.services.reports.effect_report import Claim, EffectMeasure, EffectReport
from gql.services.reports.export import effect_summary
from gql.services.reports.groups import GroupBy, ReportGroup

BEFORE = rules.ReportPeriod(date(2026, 10, 12), date(2026, 11, 6))
AFTER = rules.ReportPeriod(date(2026, 11, 9), date(2026, 12, 3))


def _measure(name: str, difference: float, low: float, high: float) -> EffectMeasure:
    effect = rules.Effect(
        before=50.0,
        after=50.0 + difference,
        before_ci=None,
        after_ci=None,
        difference=difference,
        difference_ci=rules.Interval(low, high),
        units_before=10,
        units_after=10,
    )
    return EffectMeasure(name, "%", Claim.STANDARDISED_WORK, "manager-days", effect)


def test_each_measure_gets_a_verdict_from_its_interval() -> None:
    report = EffectReport(
        before=BEFORE,
        after=AFTER,
        group=ReportGroup(GroupBy.DEPARTMENT, 1, "KF01", "Lucheng"),
        managers=5,
        comparison=None,
        comparison_managers=0,
        resamples=1000,
        seed=17,
        measures=[
            _measure("rose", 5.0, 1.0, 9.0),
            _measure("fell", -5.0, -9.0, -1.0),
            _measure("flat", 1.0, -2.0, 4.0),
        ],
    )
    page = effect_summary([report])
    assert page.startswith("# What changed: KF01 Lucheng (5 managers)\n")
    assert "Before 2026-10-12 … 2026-11-06, after 2026-11-09 … 2026-12-03" in page
    rows = {line.split(" | ")[0][2:]: line for line in page.splitlines() if line.startswith("| ")}
    assert rows["rose (%)"].endswith("| +5 [+1, +9] | – | up |")
    assert rows["fell (%)"].endswith("| down |")
    assert rows["flat (%)"].endswith("| no clear change |")
    assert "| standardised daily work | 50 | 55 |" in rows["rose (%)"]
