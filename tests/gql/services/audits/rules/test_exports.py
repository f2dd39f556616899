"""Each package's ``__all__`` is honest: every name exists and is defined in the package."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize("package", ["gql.services.audits.rules"])
def test_exported_members_exist_and_belong_to_the_package(package: str) -> None:
    """Names in __all__ resolve, are unique and come from the package itself."""
    module = importlib.import_module(package)
    assert len(set(module.__all__)) == len(module.__all__)
    for name in module.__all__:
        member = getattr(module, name)
        origin = getattr(member, "__module__", package)
        if callable(member) and not isinstance(member, type(int | None)):
            assert origin.startswith(package), name
