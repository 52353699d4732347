"""luigi's config parser: the files it reads, and the interpolation it applies to values."""

from __future__ import annotations

import configparser
from typing import Any

from luigi.configuration import LuigiConfigParser
from luigi.configuration.cfg_parser import CombinedInterpolation, EnvironmentInterpolation

from .names import requires_attribute

__all__ = ["config_paths", "luigi_default_paths", "use_interpolation"]

requires_attribute(LuigiConfigParser, "_config_paths")
requires_attribute(LuigiConfigParser.instance(), "_interpolation")
requires_attribute(CombinedInterpolation([]), "_interpolations")

# The files luigi itself reads (its defaults and LUIGI_CONFIG_PATH), before any add_config.
_LUIGI_DEFAULT_PATHS = tuple(LuigiConfigParser._config_paths)


def luigi_default_paths() -> tuple[str, ...]:
    """The ini files luigi reads of its own accord (its default locations and LUIGI_CONFIG_PATH)."""
    return _LUIGI_DEFAULT_PATHS


def config_paths() -> list[str]:
    """luigi's list of ini files it reads, in order: the very list, so that changes to it are luigi's."""
    paths: list[str] = LuigiConfigParser._config_paths
    return paths


def use_interpolation(parser: Any, first: configparser.Interpolation) -> None:
    """Interpolate values with `first`, then luigi's `${NAME}` environment interpolation (once per parser)."""
    current = parser._interpolation
    kind = type(first)
    if isinstance(current, CombinedInterpolation) and any(isinstance(item, kind) for item in current._interpolations):
        return
    parser._interpolation = CombinedInterpolation([first, EnvironmentInterpolation()])
