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

from .per_class import per_class

__all__ = ["compute_unique_id", "task_reference"]


def task_reference(task: luigi.Task) -> str:
    """A short string that names one task instance exactly: its family and its hash."""
    unique_id = getattr(task, "_unique_id", None)
    return f"{task.get_task_family()}_{unique_id}" if unique_id else task.task_id


# Exact types that stand for themselves in the hash (checked before the slower isinstance tests).
_PLAIN = frozenset({str, int, float, bool, type(None)})
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _is_significant_task(value: Any) -> bool:
    return getattr(value, "significant", True) is not False


def _canonical(param: luigi.Parameter, value: Any) -> Any:
    """A JSON value that stands for `value`; equal values give equal encodings, whatever their order."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if isinstance(value, luigi.Task):
        return {"task": task_reference(value)} if _is_significant_task(value) else None
    if isinstance(value, (str, int, float, bool)):
        return value
    if kind is not tuple and kind is not list and isinstance(value, Mapping):
        return {str(key): _canonical(param, item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(param, item) for item in value if not _skipped_task(item)]
    return param.serialize(value)


def _skipped_task(value: Any) -> bool:
    return type(value) not in _PLAIN and isinstance(value, luigi.Task) and not _is_significant_task(value)


def _significant_params(cls: type) -> list[tuple[str, luigi.Parameter]]:
    """The class's significant parameters, listed once per class."""
    return per_class(
        cls, "_kartwheel_significant", lambda: [(name, param) for name, param in cls.get_params() if param.significant]
    )


def compute_unique_id(task: luigi.Task) -> str:
    """The hex digest naming `task`'s outputs; call once per instance, it is not cheap to repeat."""
    values = task.param_kwargs
    encoded = {}
    for name, param in _significant_params(type(task)):
        value = values[name]
        if not _skipped_task(value):
            encoded[name] = _canonical(param, value)
    payload = _ENCODER.encode([task.get_task_family(), encoded])
    return hashlib.md5(payload.encode("utf-8"), usedforsecurity=False).hexdigest()
