"""Tasks given as parameter defaults, remade when used so that they see the configuration read since import."""

from __future__ import annotations

from typing import Any

from .._luigi.parameter_defaults import NO_VALUE, declared_default
from .._luigi.per_class import per_class

__all__ = ["fresh_task_defaults", "rebuilt"]


def _rebuildable(value: Any) -> bool:
    return callable(getattr(value, "__kart_rebuilt__", None))


def rebuilt(value: Any) -> Any:
    """A task remade from its arguments (see TaskOnKart.__kart_rebuilt__); anything else as it is."""
    return value.__kart_rebuilt__() if _rebuildable(value) else value


def _task_defaults(cls: Any) -> dict[str, Any]:
    """The class's task parameters whose default is a task or a list of tasks, with those defaults."""
    by_name = dict(cls.get_params())
    defaults = {}
    for name in cls.__kart_task_parameter_names__():
        default = declared_default(by_name[name])
        items = default if isinstance(default, (list, tuple)) else [default]
        if items and all(_rebuildable(item) for item in items):
            defaults[name] = default
    return defaults


def _same_items(value: Any, default: Any) -> bool:
    """Whether a list parameter's value holds the very objects of its declared default."""
    if not isinstance(default, (list, tuple)) or not isinstance(value, tuple) or len(value) != len(default):
        return False
    return all(item is original for item, original in zip(value, default, strict=True))


def fresh_task_defaults(cls: Any, params: list, args: tuple, kwargs: dict, values: list) -> list:
    """Remake a task given as a parameter's default, since it was made when its module was imported.

    `model = TaskInstanceParameter(default=Fit())` builds `Fit()` before any config file is read; remade
    now from the arguments it was given, it takes `[pkg.Fit]` from the config loaded since.
    """
    defaults = per_class(cls, "_kartwheel_task_defaults", lambda: _task_defaults(cls))
    if not defaults:
        return values
    positional = [name for name, param in params if param.positional]
    given = set(kwargs) | set(positional[: len(args)])
    fresh = []
    for name, value in values:
        default = defaults.get(name, NO_VALUE) if name not in given else NO_VALUE
        if _rebuildable(default) and value is default:
            value = default.__kart_rebuilt__()
        elif _same_items(value, default):
            value = tuple(rebuilt(item) for item in value)
        fresh.append((name, value))
    return fresh
