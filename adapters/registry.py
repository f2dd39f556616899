"""Discover carrier adapters through the ``visitgis.carriers`` entry-point group.

Third-party adapters (``contrib/parlayx_adapter``) plug in by declaring an entry point; the
core never imports them by name. The registry is a plain dict built explicitly at start-up,
and an adapter that fails to load fails the start-up.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import TYPE_CHECKING, cast

from .config import ConfigError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .provider import ProviderFactory

__all__ = ["ENTRY_POINT_GROUP", "RegistryError", "load_registry"]

ENTRY_POINT_GROUP = "visitgis.carriers"


class RegistryError(ConfigError):
    """An adapter entry point is missing, broken, or declared twice with different targets."""


def load_registry(
    names: Iterable[str] | None = None, *, group: str = ENTRY_POINT_GROUP
) -> dict[str, ProviderFactory]:
    """Load carrier adapter factories from installed entry points.

    Parameters
    ----------
    names : iterable of str, optional
        Load only these adapters (e.g. those a region's configuration uses); a name with no
        entry point is an error. By default every adapter in the group is loaded.
    group : str
        Entry-point group.

    Returns
    -------
    dict
        Adapter name → factory taking a :class:`~adapters.config.CarrierConfig`. An entry
        point may name a class with a ``from_config`` classmethod or a plain factory.

    Raises
    ------
    RegistryError
        An entry point fails to import, is not callable, or a requested name is missing.
    """
    wanted = None if names is None else set(names)
    targets: dict[str, str] = {}
    registry: dict[str, ProviderFactory] = {}
    for ep in entry_points(group=group):
        if wanted is not None and ep.name not in wanted:
            continue
        if ep.name in targets:
            if targets[ep.name] != ep.value:
                raise RegistryError(
                    f"carrier adapter {ep.name!r} is declared twice: "
                    f"{targets[ep.name]} and {ep.value}"
                )
            continue
        targets[ep.name] = ep.value
        try:
            target = ep.load()
        except Exception as exc:  # any import failure of a plugin must stop the start-up
            raise RegistryError(
                f"carrier adapter {ep.name!r} ({ep.value}) failed to load: {exc!r}"
            ) from exc
        factory = getattr(target, "from_config", target)
        if not callable(factory):
            raise RegistryError(f"carrier adapter {ep.name!r} ({ep.value}) is not callable")
        registry[ep.name] = cast("ProviderFactory", factory)
    if wanted is not None and wanted - set(registry):
        missing = ", ".join(sorted(wanted - set(registry)))
        raise RegistryError(
            f"no carrier adapter installed for {missing} (entry-point group {group!r})"
        )
    return registry
