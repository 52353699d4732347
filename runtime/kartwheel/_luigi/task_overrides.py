"""luigi's `Task` methods, overridden for speed: each gives luigi's result at a fraction of its cost.

luigi recomputes a class's parameter list, every parameter's config lookup, the string form of every
value and its `repr` (recursively, through every upstream task) each time it asks, and it asks several
times per task. These overrides compute each once (per class or per instance) from the same inputs.
`TaskOnKart` inherits them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import luigi
from luigi.cmdline_parser import CmdlineParser

from .cmdline import given_on_command_line
from .config_keys import warn_unknown_keys
from .construction import resolve_once
from .names import requires_attribute
from .parameter_defaults import NO_VALUE, declared_default, has_config_path
from .per_class import per_class

__all__ = ["COMMON_SECTION", "TaskOverrides"]

# The config section whose options apply to every TaskOnKart, below the task's own section.
COMMON_SECTION = "TaskOnKart"

for _name in (
    "get_params",
    "get_param_values",
    "to_str_params",
    "_warn_on_wrong_param_types",
    "_get_param_visibilities",
):
    requires_attribute(luigi.Task, _name)  # each is overridden below
requires_attribute(luigi.Parameter, "_warn_on_wrong_param_type")

if TYPE_CHECKING:
    _Base = luigi.Task
else:
    _Base = object  # a plain mixin at run time, so that luigi does not register it as a task


class TaskOverrides(_Base):
    """The methods of `luigi.Task` that `TaskOnKart` computes once instead of at every call."""

    @classmethod
    def get_params(cls) -> list[tuple[str, luigi.Parameter]]:
        """luigi's parameter list, computed once per class instead of at every instantiation."""
        return list(per_class(cls, "_kartwheel_params", super().get_params))

    @classmethod
    def get_param_values(cls, params: list, args: tuple, kwargs: dict) -> list:
        """luigi's resolution, plus the `[TaskOnKart]` config section as a default for every task.

        With no command line and no config section that could apply, the values are the arguments and
        the declared defaults; that case is resolved here directly, sparing luigi a config lookup per
        parameter (the main cost of creating a task). Anything unusual goes to luigi, for its errors.
        luigi asks twice per construction; the second time reuses the first.
        """
        return resolve_once(
            cls,
            args,
            kwargs,
            lambda: cls.__kart_fresh_values__(params, args, kwargs, cls._resolve_param_values(params, args, kwargs)),
        )

    @classmethod
    def __kart_fresh_values__(cls, params: list, args: tuple, kwargs: dict, values: list) -> list:
        """The resolved `values`, as a subclass would adjust them (TaskOnKart remakes tasks given as defaults)."""
        return values

    @classmethod
    def _resolve_param_values(cls, params: list, args: tuple, kwargs: dict) -> list:
        config = luigi.configuration.get_config()
        family = cls.get_task_family()
        cmdline = CmdlineParser.get_instance()
        if config.has_section(family):
            warn_unknown_keys(cls, config)
        if config.has_section(COMMON_SECTION):
            kwargs = _with_common_section(params, args, kwargs, family, config, cmdline)
        elif cmdline is None and not config.has_section(family):
            resolved = _arguments_and_defaults(cls, params, args, kwargs)
            if resolved is not None:
                return resolved
        return super().get_param_values(params, args, kwargs)

    def to_str_params(self, only_significant: bool = False, only_public: bool = False) -> dict[str, str]:
        """luigi's parameters as strings, serialised once per instance: they come from `param_kwargs`,
        which is fixed at construction, and luigi asks for them several times per task."""
        cache = self.__dict__.setdefault("_str_params", {})
        key = (only_significant, only_public)
        if key not in cache:
            cache[key] = super().to_str_params(only_significant, only_public)
        return dict(cache[key])

    def _warn_on_wrong_param_types(self) -> None:
        """luigi's warnings about values of the wrong type, asking only the parameters that can warn."""
        for name, param in per_class(type(self), "_kartwheel_warning_params", lambda: _warning_params(type(self))):
            param._warn_on_wrong_param_type(name, self.param_kwargs[name])

    def _get_param_visibilities(self) -> dict[str, int]:
        """luigi's visibility of each parameter; it depends on the class alone, so computed once per class."""
        return dict(per_class(type(self), "_kartwheel_visibilities", super()._get_param_visibilities))

    def __repr__(self) -> str:
        """luigi's `Family(param=value, ...)`, built once from this task's own values.

        luigi's version re-resolves every parameter, and so reprs every upstream task in turn: quadratic
        in a chain's depth, and a RecursionError for deep chains.
        """
        cached = self.__dict__.get("_repr")
        if cached is None:
            parts = [
                f"{name}={param.serialize(self.param_kwargs[name])}"
                for name, param in self.get_params()
                if param.significant
            ]
            cached = self._repr = f"{self.get_task_family()}({', '.join(parts)})"
        return cached


def _unset(params: list, args: tuple, kwargs: dict) -> Iterator[tuple[str, luigi.Parameter]]:
    """The parameters neither passed by keyword nor covered by a positional argument."""
    positional = [name for name, param in params if param.positional][: len(args)]
    for name, param in params:
        if name not in kwargs and name not in positional:
            yield name, param


def _arguments_and_defaults(cls: type[luigi.Task], params: list, args: tuple, kwargs: dict) -> list | None:
    """luigi's result when no config applies, or None where luigi must decide (and word the error)."""
    by_name, defaults = _declared(cls)
    if len(params) != len(by_name):
        return None
    result = dict(defaults)
    given = set()
    if args:
        positional = [(name, param) for name, param in params if param.positional]
        if len(args) > len(positional):
            return None
        for (name, param), arg in zip(positional, args, strict=False):
            result[name] = _frozen(param.normalize(arg))
            given.add(name)
    for name, arg in kwargs.items():
        param = by_name.get(name)
        if param is None or name in given:
            return None
        result[name] = _frozen(param.normalize(arg))
    if len(result) != len(params):
        return None  # a parameter without a default was not given
    return [(name, result[name]) for name, _ in params]


def _frozen(value: Any) -> Any:
    """A list or set value as the tuple luigi keeps."""
    return tuple(value) if type(value) in (list, set) else value


def _declared(cls: type[luigi.Task]) -> tuple[dict[str, luigi.Parameter], dict[str, Any]]:
    """A class's parameters by name, and its normalized defaults (parameters without one are left out)."""

    def compute() -> tuple[dict[str, luigi.Parameter], dict[str, Any]]:
        by_name = dict(cls.get_params())
        defaults = {
            name: _frozen(param.normalize(declared_default(param)))
            for name, param in by_name.items()
            if declared_default(param) is not NO_VALUE and not has_config_path(param)
        }
        return by_name, defaults

    return per_class(cls, "_kartwheel_declared", compute)


def _warning_params(cls: type[luigi.Task]) -> list[tuple[str, luigi.Parameter]]:
    """The parameters whose type checks values: plain `Parameter`s, and any class with its own check."""
    silent = luigi.Parameter._warn_on_wrong_param_type
    return [
        (name, param)
        for name, param in cls.get_params()
        if type(param) is luigi.Parameter or type(param)._warn_on_wrong_param_type is not silent
    ]


def _with_common_section(params: list, args: tuple, kwargs: dict, family: str, config: Any, cmdline: Any) -> dict:
    filled = dict(kwargs)
    for name, param in _unset(params, args, kwargs):
        if config.has_option(family, name) or not config.has_option(COMMON_SECTION, name):
            continue
        if cmdline and given_on_command_line(cmdline.known_args, family, name, param):
            continue
        filled[name] = param.parse(config.get(COMMON_SECTION, name))
    return filled
