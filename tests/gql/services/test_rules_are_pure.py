"""The rules packages are pure: importing one pulls in no database, API or carrier code."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

RULES = [
    "gql.services.audits.rules",
    "gql.services.evaluations.rules",
    "gql.services.reports.rules",
    "gql.services.territories.rules",
]
FORBIDDEN = ("sqlalchemy", "strawberry", "zeep", "gql.store", "gql.schema", "adapters")


@pytest.mark.parametrize("package", RULES)
def test_a_rules_package_imports_no_infrastructure(package: str) -> None:
    """A fresh interpreter that imports the package has none of the forbidden modules loaded."""
    probe = (
        f"import importlib, json, sys; importlib.import_module({package!r}); "
        "print(json.dumps(sorted(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = json.loads(done.stdout)
    leaked = [m for m in loaded if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]
    assert leaked == []
