"""The supplementary logs a finished task leaves under `<workspace>/log/<kind>/<Class>_<hash>.<ext>`.

Each log is encoded in memory when the task finishes and written by `log_writer` (in a helper process
once a process has logged a few dozen tasks) with one plain write, not a temporary file and a rename:
five renames a task would cost more disk time than a trivial task itself. A log is not what tells a
task complete (its outputs are, and they are written atomically); a process killed before its logs
are written leaves them missing or damaged, which reading reports, never a task that looks done.

The `task_params` log is gokart's, and is read back in either that form or kartwheel 0.3.0's. gokart
logs `to_str_params(only_significant=True)`: each significant parameter as the string its
parameter serializes it to, a task as `{"type": family, "params": <bz2-hex of its own str params>}`,
which nests the whole upstream graph. kartwheel writes the same, with two changes: each task's JSON also
holds `"unique_id"` (its hash, which gokart ignores), and beyond `NESTED_TASKS` levels a task is written
as `{"type": family, "unique_id": hash}` only, so a log's size does not grow with the graph's depth.

kartwheel 0.3.0 logged raw values, and tasks as `Family_<hash>`. `readable_params` turns either form
into that one, which is what `get_task_params()`, `restore` and the plan's earlier runs work with.
"""

from __future__ import annotations

import bz2
import contextlib
import functools
import importlib.metadata
import json
import pickle
import sys
import types
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import luigi

from .._storage import log_writer
from .._storage.storage import Storage, storage_for
from ..errors import LoadError
from . import settings
from .hashing import compute_unique_id
from .parameters import ListTaskInstanceParameter, TaskInstanceParameter, decode_task_json

if TYPE_CHECKING:
    from .._targets.target import KartTarget

__all__ = [
    "LOG_KINDS",
    "NESTED_TASKS",
    "gokart_str_params",
    "log_file_name",
    "module_versions",
    "read_log",
    "readable_params",
    "task_json",
    "write_logs",
]

LOG_KINDS = ("module_versions", "processing_time", "random_seed", "task_log", "task_params")


def log_file_name(class_name: str, kind: str, suffix: str = "") -> str:
    """The path of one kind of log, relative to the workspace: `log/<kind>/<Class><suffix>.<ext>`."""
    extension = "txt" if kind == "module_versions" else "pkl"
    return f"log/{kind}/{class_name}{suffix}.{extension}"


def read_log(target: KartTarget) -> Any:
    """One log, once every log submitted so far is on disk."""
    log_writer.writer.flush()
    if not settings.current().supplementary_logs and not target.exists():
        raise LoadError(
            f"{target} does not exist: supplementary logs are switched off ([kartwheel] supplementary_logs = false); "
            "switch them on and run the task again to have its logs"
        )
    return target.load()


def write_logs(
    workspace: str,
    file_stem: str,
    *,
    module: str,
    processing_time: float,
    seed: dict[str, Any],
    task_log: dict[str, Any],
    params: dict[str, Any],
) -> None:
    """Hand all five logs of a task that has just succeeded (`<Class>_<hash>`) to the log writer.

    The paths are `log_file_name`'s, joined to the workspace without making five full targets: they
    would cost as much as the rest of the bookkeeping of a trivial task.
    """
    import cloudpickle

    contents = {
        "module_versions": module_versions(module).encode("utf-8"),
        "processing_time": pickle.dumps(float(processing_time), protocol=pickle.HIGHEST_PROTOCOL),
        "random_seed": cloudpickle.dumps(seed, protocol=pickle.HIGHEST_PROTOCOL),
        "task_log": cloudpickle.dumps(task_log, protocol=pickle.HIGHEST_PROTOCOL),
        "task_params": cloudpickle.dumps(params, protocol=pickle.HIGHEST_PROTOCOL),
    }
    files = [(Storage.join(workspace, log_file_name(file_stem, kind)), data) for kind, data in contents.items()]
    storage = storage_for(workspace)
    for path, _ in files:
        storage.confine(workspace, path)
    log_writer.writer.submit(storage, files, helper=settings.current().log_helper_process)


@functools.cache
def _packages_distributions() -> Mapping[str, list[str]]:
    return importlib.metadata.packages_distributions()


@functools.cache
def _version_of(top_level: str) -> str | None:
    """The installed version of a top-level module's distribution, or its `__version__`."""
    try:
        return importlib.metadata.version(top_level)
    except importlib.metadata.PackageNotFoundError:
        pass
    if not top_level.startswith("_"):
        for distribution in _packages_distributions().get(top_level, []):  # e.g. sklearn -> scikit-learn
            with contextlib.suppress(importlib.metadata.PackageNotFoundError):
                return importlib.metadata.version(distribution)
    version = getattr(sys.modules.get(top_level), "__version__", None)
    return version if isinstance(version, str) else None


def _imported_top_levels(module: types.ModuleType) -> set[str]:
    """Top-level names of the modules that `module` imported, directly or through names it holds."""
    names = set()
    for value in vars(module).values():
        origin = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", None)
        if isinstance(origin, str):
            names.add(origin.split(".")[0])
    return names


@functools.cache
def module_versions(module_name: str) -> str:
    """`name==version` lines of the third-party packages a task's module imports."""
    module = sys.modules.get(module_name)
    if module is None:
        return ""
    own = module_name.split(".")[0]
    third_party = {
        name
        for name in _imported_top_levels(module)
        if name not in sys.stdlib_module_names and name not in ("builtins", "__main__", own)
    }
    lines = [f"{name}=={version}" for name in sorted(third_party) if (version := _version_of(name))]
    return "".join(f"{line}\n" for line in lines)


# How many levels of upstream tasks a log holds in full (gokart's restore needs them all).
NESTED_TASKS = 3

# Per task instance, its JSON by remaining depth, with the hash it was made with (a changed configuration
# changes hashes): a task is serialized once, however many logs hold it.
_task_json_cache: weakref.WeakKeyDictionary[luigi.Task, dict[int, tuple[str, str]]] = weakref.WeakKeyDictionary()


def _logged_params(task: luigi.Task) -> list[tuple[str, luigi.Parameter]]:
    """The parameters gokart logs: significant, not private, in declaration order."""
    return [
        (name, param)
        for name, param in task.get_params()
        if param.significant and param.visibility != luigi.parameter.ParameterVisibility.PRIVATE
    ]


def gokart_str_params(task: luigi.Task, depth: int = NESTED_TASKS) -> dict[str, str]:
    """`to_str_params(only_significant=True)` as gokart writes it, tasks nested `depth` levels deep."""
    params: dict[str, str] = {}
    for name, param in _logged_params(task):
        value = task.param_kwargs[name]
        if isinstance(param, TaskInstanceParameter):
            params[name] = "" if value is None else task_json(value, depth)
        elif isinstance(param, ListTaskInstanceParameter):
            params[name] = json.dumps([task_json(item, depth) for item in value])
        else:
            params[name] = param.serialize(value)
    return params


def task_json(task: luigi.Task, depth: int = NESTED_TASKS) -> str:
    """gokart's TaskInstanceParameter string for `task` (plus its `unique_id`); only a stub at depth 0."""
    cached = _task_json_cache.get(task)
    if cached is None:
        cached = _task_json_cache[task] = {}
    unique_id = compute_unique_id(task)
    hit = cached.get(depth)
    if hit is not None and hit[0] == unique_id:
        return hit[1]
    if depth <= 0:
        text = json.dumps({"type": task.get_task_family(), "unique_id": unique_id})
    else:
        inner = json.dumps(gokart_str_params(task, depth - 1)).encode()
        values = {"type": task.get_task_family(), "params": bz2.compress(inner).hex(), "unique_id": unique_id}
        text = json.dumps(values)
    cached[depth] = (unique_id, text)
    return text


def _reference(value: Any) -> Any:
    """`Family_<hash>` for a task's JSON that has its hash; anything else unchanged."""
    if isinstance(value, str):
        decoded = decode_task_json(value)
        if decoded is not None and "unique_id" in decoded:
            return f"{decoded['type']}_{decoded['unique_id']}"
    return value


def readable_params(task_class: type, logged: dict[str, Any]) -> dict[str, Any]:
    """A `task_params` log (gokart's str form or 0.3.0's raw values) as 0.3.0 wrote it: values as the
    parameters hold them, tasks as `Family_<hash>`. Keys the class no longer has stay as logged."""
    params = dict(task_class.get_params()) if hasattr(task_class, "get_params") else {}
    readable: dict[str, Any] = {}
    for name, value in logged.items():
        param = params.get(name)
        if isinstance(param, TaskInstanceParameter):
            value = None if value == "" else _reference(value)
        elif isinstance(param, ListTaskInstanceParameter):
            if isinstance(value, str):
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            if isinstance(value, list):
                value = [_reference(item) for item in value]
        elif param is not None and isinstance(value, str):
            with contextlib.suppress(Exception):
                value = param.parse(value)
        readable[name] = value
    return readable
