"""Why a task's output is missing: compare its parameters with the `task_params` logs of earlier runs.

Every finished TaskOnKart leaves `<workspace>/log/task_params/<Class>_<hash>.pkl`; an earlier run of the
same class with other parameters names what changed (`factor: 2.0 -> 3.0`), one with the same own
parameters means only something upstream changed. Logs are read lazily, once per class and workspace.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass, field
from typing import Any

import luigi

from .._core.logs import readable_params
from .._storage.storage import Storage, storage_for

__all__ = ["Difference", "EarlierRuns", "describe_change", "is_task_value"]

# How many of a class's most recent runs a task is compared with when none matches its parameters.
RECENT_RUNS = 20
_LOG_NAME = re.compile(r"^(?P<cls>.+)_(?P<hash>[0-9a-f]{32})\.pkl$")


@dataclass
class Difference:
    """How a task differs from its closest earlier run: changed own parameters, changed upstream tasks."""

    changed: list[tuple[str, Any, Any]] = field(default_factory=list)  # (name, old, new)
    upstream: list[str] = field(default_factory=list)  # parameter names holding tasks that changed
    same_hash_logged: bool = False  # the task's own log is there, but its output is not


@dataclass
class _ClassRuns:
    by_own_params: dict[str, dict[str, Any]]  # key of the non-task params -> the most recent such run
    recent: list[dict[str, Any]]  # the most recent runs first
    hashes: set[str]


def _short(value: Any, width: int = 40) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def describe_change(name: str, old: Any, new: Any) -> str:
    """`factor: 2.0 -> 3.0`; a parameter absent on one side is said to be added or removed."""
    if old is _ABSENT:
        return f"{name}: added ({_short(new)})"
    if new is _ABSENT:
        return f"{name}: removed (was {_short(old)})"
    return f"{name}: {_short(old)} -> {_short(new)}"


_ABSENT = object()


def is_task_value(value: Any) -> bool:
    """Whether a parameter value is a task or a tuple of tasks (a TaskInstanceParameter's kind)."""
    if isinstance(value, luigi.Task):
        return True
    return isinstance(value, tuple) and bool(value) and all(isinstance(item, luigi.Task) for item in value)


def _key(params: dict[str, Any], task_names: set[str]) -> str:
    return repr(sorted((name, value) for name, value in params.items() if name not in task_names))


class EarlierRuns:
    """The earlier runs found in workspaces, read once per (workspace, class) and reused for every task."""

    def __init__(self) -> None:
        self._classes: dict[tuple[str, str, tuple[str, ...]], _ClassRuns] = {}

    def difference(self, task: Any) -> Difference | None:
        """How `task` (a TaskOnKart) differs from its closest earlier run, or None when there is none."""
        current = task.logged_params()
        task_names = {name for name in current if is_task_value(task.param_kwargs.get(name))}
        runs = self._runs(task, tuple(sorted(task_names)))
        if task.make_unique_id() in runs.hashes:
            return Difference(same_hash_logged=True)
        if not runs.recent:
            return None
        exact = runs.by_own_params.get(_key(current, task_names))
        candidates = [exact] if exact is not None else runs.recent
        best = min(candidates, key=lambda earlier: len(_changes(earlier, current, task_names)[0]))
        changed, upstream = _changes(best, current, task_names)
        return Difference(changed=changed, upstream=upstream)

    def _runs(self, task: Any, task_names: tuple[str, ...]) -> _ClassRuns:
        workspace = str(task.workspace_directory)
        class_name = type(task).__name__
        cache_key = (workspace, class_name, task_names)
        runs = self._classes.get(cache_key)
        if runs is None:
            runs = self._classes[cache_key] = _read_runs(workspace, type(task), set(task_names))
        return runs


def _changes(earlier: dict[str, Any], current: dict[str, Any], task_names: set[str]) -> tuple[list, list[str]]:
    changed, upstream = [], []
    for name in sorted(set(earlier) | set(current)):
        old, new = earlier.get(name, _ABSENT), current.get(name, _ABSENT)
        if old == new:
            continue
        if name in task_names and old is not _ABSENT:
            upstream.append(name)
        else:
            changed.append((name, old, new))
    return changed, upstream


def _read_runs(workspace: str, task_class: type, task_names: set[str]) -> _ClassRuns:
    storage = storage_for(workspace)
    directory = Storage.join(workspace, "log/task_params")
    found = []
    for name, modified in storage.list_files(directory).items():
        match = _LOG_NAME.match(name)
        if match and match["cls"] == task_class.__name__:
            found.append((modified, match["hash"], name))
    found.sort(reverse=True)
    by_own_params: dict[str, dict[str, Any]] = {}
    recent: list[dict[str, Any]] = []
    for _, _, name in found:
        params = _load(storage, Storage.join(directory, name))
        if params is None:
            continue
        params = readable_params(task_class, params)
        by_own_params.setdefault(_key(params, task_names), params)
        if len(recent) < RECENT_RUNS:
            recent.append(params)
    return _ClassRuns(by_own_params, recent, {unique_id for _, unique_id, _ in found})


def _load(storage: Storage, path: str) -> dict[str, Any] | None:
    """One logged parameter dict; a damaged or unreadable log is no evidence either way, so it is skipped."""
    try:
        with storage.open_read(path, binary=True) as file:
            params = pickle.load(file)
    except Exception:
        return None
    return params if isinstance(params, dict) else None
