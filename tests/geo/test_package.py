"""The package boundary: honest __all__, runnable docstring examples, warm-up, purity."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import geo


def test_every_exported_name_exists_and_is_public() -> None:
    """Each name in geo.__all__ resolves and none is private."""
    for name in geo.__all__:
        assert not name.startswith("_")
        assert hasattr(geo, name), name


def test_public_callables_and_classes_have_docstrings() -> None:
    """Every exported function and class explains itself."""
    for name in geo.__all__:
        obj = getattr(geo, name)
        if callable(obj):
            assert (obj.__doc__ or "").strip(), name


MODULES = sorted(m.name for m in pkgutil.iter_modules(geo.__path__, "geo."))


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_run(module: str) -> None:
    """The doctest examples of every geo module pass."""
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_warm_up_compiles_every_kernel() -> None:
    """After warm_up() every numba dispatcher has at least one compiled signature."""
    from geo import _kernels

    geo.warm_up()
    for name in _kernels.__all__:
        obj = getattr(_kernels, name)
        if hasattr(obj, "signatures"):
            assert obj.signatures, name


def test_importing_geo_does_no_io_and_pulls_in_no_service_code() -> None:
    """A fresh interpreter importing geo loads neither gql, adapters nor HTTP/DB clients."""
    code = (
        "import sys, geo; bad = [m for m in ('gql', 'adapters', 'requests', 'zeep', 'sqlalchemy', "
        "'httpx') if m in sys.modules]; print(','.join(bad))"
    )
    root = Path(geo.__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert out.stdout.strip() == ""
