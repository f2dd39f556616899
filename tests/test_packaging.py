"""Installs are reproducible: every import is declared, every declaration is locked.

A distribution imported but not declared works only while something else happens to pull it
in; a declared one missing from ``constraints.txt`` floats to whatever PyPI has that day.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OWN = {"gql", "adapters", "geo", "tsp", "contrib", "tests", "visitgis_parlayx", "__future__"}
NOT_INSTALLED_BY_SETUP = {
    "fast_tsp": "fast-tsp",
    "python_tsp": "python-tsp",
    "sklearn": "scikit-learn",
}
"""Benchmark peers (the ``bench`` extra): ``make setup`` does not install them."""


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(spec: str) -> str:
    return _norm(re.split(r"[\s\[<>=!~;]", spec, maxsplit=1)[0])


def _project() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]  # type: ignore[no-any-return]


def _declared(*extras: str) -> set[str]:
    project = _project()
    specs = list(project["dependencies"])  # type: ignore[call-overload]
    for extra in extras:
        specs += project["optional-dependencies"][extra]  # type: ignore[index]
    return {_requirement_name(s) for s in specs}


def _imported_top_levels(*folders: str) -> set[str]:
    found: set[str] = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            if "build" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m not in OWN}


def _distributions(modules: set[str]) -> dict[str, set[str]]:
    by_module = importlib.metadata.packages_distributions()
    out: dict[str, set[str]] = {}
    for module in modules:
        if module in NOT_INSTALLED_BY_SETUP:
            out[module] = {NOT_INSTALLED_BY_SETUP[module]}
        else:
            out[module] = {_norm(d) for d in by_module.get(module, [])}
    return out


@pytest.mark.parametrize(
    ("folders", "extras"),
    [
        (("gql", "adapters", "geo", "tsp"), ()),
        (("tests", "contrib"), ("dev", "bench")),
    ],
    ids=["packages: runtime dependencies", "tests and contrib: dev and bench extras"],
)
def test_every_imported_distribution_is_declared(
    folders: tuple[str, ...], extras: tuple[str, ...]
) -> None:
    declared = _declared(*extras)
    undeclared = {
        module: sorted(dists)
        for module, dists in _distributions(_imported_top_levels(*folders)).items()
        if not dists & declared
    }
    assert undeclared == {}, f"imported but not declared in pyproject.toml: {undeclared}"


def test_every_declared_dependency_is_pinned_in_the_lock() -> None:
    pinned: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not an exact pin"
            pinned[_norm(name)] = version
    missing = sorted(_declared("dev", "bench") - set(pinned))
    assert missing == [], f"declared but not locked in constraints.txt (run `make lock`): {missing}"


def test_the_installed_versions_are_the_locked_ones() -> None:
    """CI and ``make setup`` install from the lock; this venv must match it."""
    wrong = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, version = line.partition("==")
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue  # an extra that setup does not install (the benchmark peers)
        if installed != version:
            wrong[name] = (installed, version)
    assert wrong == {}, f"installed vs locked (run `make setup`): {wrong}"


def test_distributions_whose_internals_we_use_are_bounded_above() -> None:
    specs = {_requirement_name(s): s for s in _project()["dependencies"]}  # type: ignore[attr-defined]
    for name in ("strawberry-graphql", "graphql-core", "cross-web"):
        assert "<" in specs[name], f"{name} needs an upper bound: we build on its internals"
