"""Authorization-matrix cases for the report root fields (issue 17).

A report about the target manager's plan day: their own, their department's head and deputy,
marketing and admin read it; a colleague, a foreign head and an auditor get the same
NOT_FOUND as for a manager that does not exist; anonymous callers are unauthenticated.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from tests.gql.schema.matrix_support import PLAN_DAY, Case, expect, run_query

if TYPE_CHECKING:
    from tests.gql.api import Api
    from tests.gql.schema.matrix_support import Targets

_REPORT_READ = expect("manager", "head", "deputy", "marketing", "admin")


def _report(field: str, measure: str) -> Case:
    def run(api: Api, t: Targets, who: str | None) -> str:
        return run_query(
            api,
            who,
            f"query($f: ReportFilter!) {{ {field}(filter: $f) {{ totals {{ {measure} }} }} }}",
            {
                "f": {
                    "firstDay": PLAN_DAY.isoformat(),
                    "lastDay": PLAN_DAY.isoformat(),
                    "grain": "DAY",
                    "managerId": t.manager_id,
                }
            },
            lambda d: len(d[field]["totals"]) == 1 and d[field]["totals"][0][measure] > 0,
        )

    return Case(field, run, _REPORT_READ)


def _workload() -> Case:
    def run(api: Api, t: Targets, who: str | None) -> str:
        day = PLAN_DAY.isoformat()
        return run_query(
            api,
            who,
            "query($f: ReportFilter!) { workloadReport(filter: $f) { managers { retailers } } }",
            {"f": {"firstDay": day, "lastDay": day, "managerId": t.manager_id}},
            lambda d: [m["retailers"] > 0 for m in d["workloadReport"]["managers"]] == [True],
        )

    return Case("workloadReport", run, _REPORT_READ)


def _areas() -> Case:
    def run(api: Api, t: Targets, who: str | None) -> str:
        day = PLAN_DAY.isoformat()
        return run_query(
            api,
            who,
            "query($f: AreaFilter!) { customerTypesByArea(filter: $f) "
            "{ areas { retailers } company { retailers } } }",
            {
                "f": {
                    "firstDay": day,
                    "lastDay": day,
                    "areaKind": "TERRITORY",
                    "managerId": t.manager_id,
                }
            },
            lambda d: [a["retailers"] > 0 for a in d["customerTypesByArea"]["areas"]] == [True],
        )

    return Case("customerTypesByArea", run, _REPORT_READ)


def _effect(field: str = "effectReport") -> Case:
    def run(api: Api, t: Targets, who: str | None) -> str:
        day = PLAN_DAY.isoformat()
        week_before = (PLAN_DAY - timedelta(days=7)).isoformat()
        return run_query(
            api,
            who,
            "query($f: EffectFilter!) { " + field + "(filter: $f) { managers measures { name } } }",
            {
                "f": {
                    "before": {"firstDay": week_before, "lastDay": week_before},
                    "after": {"firstDay": day, "lastDay": day},
                    "managerId": t.manager_id,
                    "resamples": 100,
                }
            },
            lambda d: (
                [r["managers"] for r in _as_list(d[field])] == [1]
                and all(r["measures"] for r in _as_list(d[field]))
            ),
        )

    return Case(field, run, _REPORT_READ)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _delivery() -> Case:
    def run(api: Api, t: Targets, who: str | None) -> str:
        return run_query(
            api,
            who,
            "query($m: ID) { deliveryFit(managerId: $m) { retailers fitting missingCount } }",
            {"m": t.manager_id},
            lambda d: d["deliveryFit"]["retailers"] > 0,
        )

    return Case("deliveryFit", run, _REPORT_READ)


REPORT_MATRIX: dict[str, list[Case]] = {
    "disciplineReport": [_report("disciplineReport", "plannedStops")],
    "routeReport": [_report("routeReport", "plannedDays")],
    "auditReport": [_report("auditReport", "managers")],
    "workloadReport": [_workload()],
    "customerTypesByArea": [_areas()],
    "effectReport": [_effect()],
    "effectReportsByDepartment": [_effect("effectReportsByDepartment")],
    "deliveryFit": [_delivery()],
}
