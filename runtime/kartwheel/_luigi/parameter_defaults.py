"""What a luigi parameter declares: its default (or none), and whether the config supplies it."""

from __future__ import annotations

from typing import Any

import luigi
import luigi.parameter

from .names import requires_attribute

__all__ = ["NO_VALUE", "declared_default", "has_config_path", "remove_default"]

requires_attribute(luigi.parameter, "_no_value")
requires_attribute(luigi.Parameter(), "_default")
requires_attribute(luigi.Parameter(), "_config_path")

# luigi's marker for "no default declared".
NO_VALUE: Any = luigi.parameter._no_value


def declared_default(param: luigi.Parameter) -> Any:
    """The default `param` was declared with, or NO_VALUE."""
    return param._default


def has_config_path(param: luigi.Parameter) -> bool:
    """Whether `param` takes its default from a config path (`config_path=dict(section=..., name=...)`)."""
    return param._config_path is not None


def remove_default(param: luigi.Parameter) -> None:
    """Make `param` one that must be given (luigi's BoolParameter otherwise defaults to False)."""
    param._default = NO_VALUE
