"""The supplementary logs a finished task leaves under `<workspace>/log/<kind>/<Class>_<hash>.<ext>`.

The five small files cost more disk time than a trivial task itself, so the main process encodes them
at once (a snapshot) and a background thread writes them while the next task runs; `flush_logs` waits
for them (build and run call it before they return, and the interpreter waits at exit). A task process
forked by luigi writes its logs before it ends, as it cannot leave a thread behind.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import importlib.metadata
import io
import multiprocessing
import os
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .task import TaskOnKart

__all__ = ["LOG_KINDS", "flush_logs", "log_target", "module_versions", "write_logs"]

LOG_KINDS = ("module_versions", "processing_time", "random_seed", "task_log", "task_params")


def log_target(task: TaskOnKart, kind: str) -> Any:
    """The target of one kind of log for `task`."""
    extension = "txt" if kind == "module_versions" else "pkl"
    return task.make_target(f"log/{kind}/{type(task).__name__}.{extension}")


def write_logs(task: TaskOnKart, seconds: float, seed: dict) -> None:
    """Write all five logs of a task that has just succeeded."""
    contents = {
        "module_versions": module_versions(type(task).__module__),
        "processing_time": seconds,
        "random_seed": seed,
        "task_log": task.task_log,
        "task_params": task.logged_params(),
    }
    encoded = [(log_target(task, kind), content) for kind, content in contents.items()]
    encoded = [(target, _encode(target, content)) for target, content in encoded]
    if multiprocessing.parent_process() is not None:
        _write_all(encoded)
    else:
        _pending.append(_writer().submit(_write_all, encoded))


def _encode(target: Any, content: Any) -> bytes | str:
    buffer = io.BytesIO() if target.format.binary else io.StringIO()
    target.format.write(content, buffer)
    return buffer.getvalue()


def _write_all(encoded: list[tuple[Any, bytes | str]]) -> None:
    for target, data in encoded:
        with target.storage.atomic_write(target.path, binary=isinstance(data, bytes)) as file:
            file.write(data)


_pending: list[concurrent.futures.Future] = []


@functools.cache
def _writer_for(pid: int) -> concurrent.futures.ThreadPoolExecutor:
    return concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="kartwheel-logs")


def _writer() -> concurrent.futures.ThreadPoolExecutor:
    return _writer_for(os.getpid())


def flush_logs() -> None:
    """Wait until every log submitted so far is on disk; raise the first error a write met."""
    while _pending:
        _pending.pop(0).result()


@functools.cache
def _packages_distributions() -> dict[str, list[str]]:
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
