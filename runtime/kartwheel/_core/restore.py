"""`TaskOnKart.restore(unique_id)`: rebuild a task that ran from the parameters its task_params log holds."""

from __future__ import annotations

from typing import Any

from luigi.task_register import Register

from .._storage import log_writer
from .._storage.storage import Storage, storage_for
from .._targets.registry import format_for
from .._targets.target import KartTarget
from ..errors import KartwheelError, LoadError
from .logs import readable_params
from .parameters import ListTaskInstanceParameter, TaskInstanceParameter

__all__ = ["restore_task"]


def _default_workspace() -> str:
    from .task import TaskOnKart

    return str(TaskOnKart().workspace_directory)


def _restore_reference(reference: str, workspace: str, explicit: bool) -> Any:
    """A task named `Family_<hash>` (as task parameters are logged), restored from the same workspace."""
    family, _, unique_id = str(reference).rpartition("_")
    task_class = Register.get_task_cls(family)
    return task_class.restore(unique_id, workspace if explicit else None)


def restore_task(cls: Any, unique_id: str, workspace_directory: str | None = None) -> Any:
    """The `cls` task whose hash is `unique_id`; its task parameters are restored the same way, in turn."""
    workspace = workspace_directory if workspace_directory is not None else _default_workspace()
    path = Storage.join(workspace, f"log/task_params/{cls.__name__}_{unique_id}.pkl")
    log_writer.writer.flush()
    try:
        logged = KartTarget(path, format_for(path), storage_for(workspace)).load()
    except LoadError as exc:
        raise LoadError(
            f"cannot restore {cls.__name__}[{unique_id}]: {exc}. A task can be restored only after it ran "
            "successfully with should_dump_supplementary_log_files=True, in this workspace"
        ) from exc
    params = dict(cls.get_params())
    values = {}
    for name, value in readable_params(cls, logged).items():
        param = params.get(name)
        if isinstance(param, TaskInstanceParameter) and value is not None:
            value = _restore_reference(value, workspace, workspace_directory is not None)
        elif isinstance(param, ListTaskInstanceParameter):
            value = [_restore_reference(item, workspace, workspace_directory is not None) for item in value]
        values[name] = value
    if workspace_directory is not None:
        values["workspace_directory"] = workspace_directory
    task = cls(**values)
    if task.make_unique_id() != unique_id:
        raise KartwheelError(
            f"{cls.__name__} rebuilt from {path} has the hash {task.make_unique_id()}, not {unique_id}: "
            "the class (its parameters or their defaults) changed since that task ran"
        )
    return task
