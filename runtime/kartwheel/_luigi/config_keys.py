"""Warn about a key in a task's config section that names none of its parameters (a typo is otherwise ignored)."""

from __future__ import annotations

import difflib
import warnings
from typing import Any, cast

import luigi
from luigi.task_register import Register, TaskClassAmbigiousException, TaskClassNotFoundException

from ..errors import ConfigWarning

__all__ = ["warn_unknown_keys", "warn_unknown_keys_of_registered_tasks"]

# Options of this section apply to every task that has a parameter of that name, so none is unknown.
COMMON_SECTION = "TaskOnKart"
_warned: set[tuple[str, str]] = set()


def warn_unknown_keys(task_class: type[luigi.Task], config: Any | None = None) -> None:
    """Warn once per (section, key) for keys of `[<task family>]` that are not parameters of the task."""
    config = config if config is not None else luigi.configuration.get_config()
    family = task_class.get_task_family()
    if family == COMMON_SECTION or not config.has_section(family) or _is_luigis_own(task_class):
        return
    names = [name for name, _ in task_class.get_params()]
    ignored: set[str] = getattr(task_class, "ignore_unconsumed", set())
    # luigi warns about the same keys, without a hint, when the task is made; it skips those listed here.
    luigi_warned = task_class.__dict__.get("_unconsumed_params")
    if luigi_warned is None:
        luigi_warned = set()
        cast(Any, task_class)._unconsumed_params = luigi_warned  # luigi sets it lazily: set it as luigi would
    for option in config.options(family):
        key = option.replace("-", "_")
        if key in names or key in ignored or (family, option) in _warned or config.has_option("DEFAULT", option):
            continue
        _warned.add((family, option))
        luigi_warned.add(f"{family}_{key}")
        close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]}?" if close else f"its parameters: {', '.join(names)}"
        warnings.warn(f"config [{family}] {option}: {family} has no parameter {key!r}; {hint}", ConfigWarning, 3)


def _is_luigis_own(task_class: type) -> bool:
    """luigi's own sections (`[core]`, `[worker]`, `[scheduler]`...): luigi also reads keys its config classes
    do not declare (`[core] rpc-retry-attempts`, read by its RPC client), so none can be called unknown."""
    return task_class.__module__.split(".")[0] == "luigi"


def warn_unknown_keys_of_registered_tasks() -> None:
    """Check every config section that names a task already imported."""
    config = luigi.configuration.get_config()
    for section in config.sections():
        try:
            task_class = Register.get_task_cls(section)
        except (TaskClassNotFoundException, TaskClassAmbigiousException):
            continue  # not imported yet, or two classes of that name: checked when a task is made
        warn_unknown_keys(task_class, config)
