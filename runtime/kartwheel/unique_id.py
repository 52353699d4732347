"""A task's hash: its family, significant parameters and the hashes of the tasks it is given.

Upstream tasks contribute their own hash (a Merkle hash), never their parameter trees, so the cost
is constant per task and a change anywhere upstream still changes every hash downstream.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

import luigi

__all__ = ["compute_unique_id", "task_reference"]


def task_reference(task: luigi.Task) -> str:
    """A short string that names one task instance exactly: its family and its hash."""
    unique_id = getattr(task, "_unique_id", None)
    return f"{task.get_task_family()}_{unique_id}" if unique_id else task.task_id


def _is_significant_task(value: Any) -> bool:
    return getattr(value, "significant", True) is not False


def _canonical(param: luigi.Parameter, value: Any) -> Any:
    """A JSON value that stands for `value`; equal values give equal encodings, whatever their order."""
    if isinstance(value, luigi.Task):
        return {"task": task_reference(value)} if _is_significant_task(value) else None
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Mapping):
        return {str(key): _canonical(param, item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(param, item) for item in value if not _skipped_task(item)]
    return param.serialize(value)


def _skipped_task(value: Any) -> bool:
    return isinstance(value, luigi.Task) and not _is_significant_task(value)


def compute_unique_id(task: luigi.Task) -> str:
    """The hex digest naming `task`'s outputs; call once per instance, it is not cheap to repeat."""
    encoded = {}
    for name, param in task.get_params():
        if param.significant:
            value = task.param_kwargs[name]
            if not _skipped_task(value):
                encoded[name] = _canonical(param, value)
    payload = json.dumps(
        [task.get_task_family(), encoded], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.md5(payload.encode("utf-8"), usedforsecurity=False).hexdigest()
