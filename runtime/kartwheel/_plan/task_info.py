"""Task information of a graph: as a tree string, a pandas table, or files (`dump_task_info_*`)."""

from __future__ import annotations

import posixpath
from typing import Any

import luigi
from luigi.task import flatten

from .._storage.storage import storage_for
from .._targets.registry import resolve
from .._targets.target import SingleFileTarget
from ..errors import KartwheelError, LoadError, MissingDependencyError
from .task_info_formatter import RequiredTask, TaskInfo, make_tree_info, make_tree_info_table_list

__all__ = [
    "dump_task_info_table",
    "dump_task_info_tree",
    "make_task_info_as_table",
    "make_task_info_as_tree_str",
    "make_task_info_tree",
]


def _requires_info(requires: Any) -> Any:
    """`requires()`'s shape, with each task as a RequiredTask."""
    if isinstance(requires, luigi.Task):
        return RequiredTask(name=type(requires).__name__, unique_id=_unique_id(requires))
    if isinstance(requires, dict):
        return {key: _requires_info(item) for key, item in requires.items()}
    if requires is None:
        return []
    return [_requires_info(item) for item in requires]


def _unique_id(task: luigi.Task) -> str:
    return task.make_unique_id() if hasattr(task, "make_unique_id") else task.task_id


def _log(task: luigi.Task, kind: str, missing: Any) -> Any:
    """A finished task's log, or `missing` when it has none (not run yet, or logs turned off)."""
    reader = getattr(task, f"get_{kind}", None)
    if reader is None:
        return missing
    try:
        return reader()
    except LoadError:
        return missing


def _node(task: luigi.Task) -> tuple[TaskInfo, list[luigi.Task]]:
    complete = task.complete()
    processing_time = _log(task, "processing_time", None) if complete else None
    task_log = getattr(task, "task_log", None) or (_log(task, "task_log", {}) if complete else {})
    info = TaskInfo(
        name=type(task).__name__,
        unique_id=_unique_id(task),
        output_paths=[str(target) for target in flatten(task.output())],
        params=task.get_info(only_significant=True) if hasattr(task, "get_info") else task.to_str_params(True),
        processing_time="unknown" if processing_time is None else f"{processing_time}s",
        is_complete="COMPLETE" if complete else "PENDING",
        task_log=dict(task_log),
        requires=_requires_info(task.requires()),
    )
    return info, flatten(task.requires())


def make_task_info_tree(task: luigi.Task, ignore_task_names: list[str] | None = None) -> TaskInfo:
    """The graph under `task` as TaskInfo data; a task met twice is one shared TaskInfo."""
    ignored = set(ignore_task_names or ())
    infos: dict[str, TaskInfo] = {}
    pending: dict[str, list[luigi.Task]] = {}
    root_key = f"{type(task).__name__}_{_unique_id(task)}"
    stack = [task]
    while stack:
        current = stack.pop()
        key = f"{type(current).__name__}_{_unique_id(current)}"
        if key in infos:
            continue
        infos[key], children = _node(current)
        pending[key] = [child for child in children if type(child).__name__ not in ignored]
        stack.extend(pending[key])
    for key, children in pending.items():
        infos[key].children_task_infos = [infos[f"{type(child).__name__}_{_unique_id(child)}"] for child in children]
    return infos[root_key]


def make_task_info_as_tree_str(
    task: luigi.Task, details: bool = False, abbr: bool = True, ignore_task_names: list[str] | None = None
) -> str:
    """The graph under `task` as text: state and `Class[hash]` of each task; with `details`, parameters,
    outputs, run time and task_log; with `abbr`, a subtree already shown is `...`."""
    info = make_task_info_tree(task, ignore_task_names=ignore_task_names)
    return make_tree_info(info, indent="", last=True, details=details, abbr=abbr, visited_tasks=set())


def make_task_info_as_table(task: luigi.Task, ignore_task_names: list[str] | None = None) -> Any:
    """A pandas DataFrame, one row per task of the graph: name, unique_id, output_paths, params,
    processing_time, is_complete, task_log, requires."""
    try:
        import pandas
    except ImportError as exc:
        raise MissingDependencyError(
            "make_task_info_as_table needs pandas; install it with `pip install 'kartwheel[pandas]'`"
        ) from exc
    info = make_task_info_tree(task, ignore_task_names=ignore_task_names)
    return pandas.DataFrame(make_tree_info_table_list(info, visited_tasks=set()))


def _target(path: str, unique_id: str | None) -> SingleFileTarget:
    stem, suffix, file_format = resolve(path)
    if unique_id is not None:
        path = f"{stem}_{unique_id}{suffix}"
    return SingleFileTarget(path, file_format, storage_for(path))


def dump_task_info_table(
    task: luigi.Task, task_info_dump_path: str, ignore_task_names: list[str] | None = None
) -> None:
    """Write `make_task_info_as_table(task)` to `task_info_dump_path` (with the root's hash before the
    extension), in the format its extension names (.csv, .pkl, ...)."""
    table = make_task_info_as_table(task, ignore_task_names=ignore_task_names)
    _target(task_info_dump_path, _unique_id(task)).dump(table)


def dump_task_info_tree(
    task: luigi.Task,
    task_info_dump_path: str,
    ignore_task_names: list[str] | None = None,
    use_unique_id: bool = True,
) -> None:
    """Pickle the TaskInfo tree of `task` to `task_info_dump_path` (a .pkl; with the root's hash by default)."""
    extension = posixpath.splitext(task_info_dump_path)[1]
    if extension != ".pkl":
        raise KartwheelError(f"dump_task_info_tree writes a pickle: give a path ending in .pkl, not {extension!r}")
    info = make_task_info_tree(task, ignore_task_names=ignore_task_names)
    _target(task_info_dump_path, _unique_id(task) if use_unique_id else None).dump(info)
