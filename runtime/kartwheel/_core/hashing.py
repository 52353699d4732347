"""A task's hash: its family, its significant parameters and the hashes of every task upstream of it.

Upstream tasks count however they are wired: given as parameters, or returned by `requires()` (a task,
list or dict, nested). Each contributes its own hash (a Merkle hash), never its parameter tree, so a
change anywhere upstream changes every hash downstream while each hash costs constant work.

Hashes are computed lazily, the first time they are asked for, by an explicit walk (no recursion, so
chains of any depth work) that calls each task's `requires()` once. They are kept on the task until
the configuration may have changed (`invalidate_hashes`, called by `build`, `run` and `add_config`):
luigi reuses task instances, and the same `B()` may require another `A()` after a config change. A
rehash calls every requires() again, but a task whose requires() only repeats its task parameters keeps
its digest when the hashes upstream and its extra hash inputs are unchanged (`_digest_again`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import luigi

from .._luigi.per_class import per_class
from ..errors import RequiresError

__all__ = ["compute_unique_id", "invalidate_hashes", "task_reference"]

# Exact types that stand for themselves in the hash (checked before the slower isinstance tests).
_PLAIN = frozenset({str, int, float, bool, type(None)})
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_MEMO = "_kartwheel_hash"  # on each task: (generation, hex digest)
_BASIS = "_kartwheel_hash_basis"  # on each task: (what its digest depended on, the digest); see _digest_again
_generation = 0


def invalidate_hashes() -> None:
    """Forget every computed hash: the next use recomputes it (call when the configuration changes)."""
    global _generation
    _generation += 1


def compute_unique_id(task: luigi.Task) -> str:
    """The hex digest naming `task`'s outputs; computed once, with those of every task upstream of it."""
    memo = task.__dict__.get(_MEMO)
    if memo is not None and memo[0] == _generation:
        return memo[1]
    return _hash_graph(task)


def task_reference(task: luigi.Task) -> str:
    """A short string that names one task instance exactly: its family and its hash."""
    return f"{task.get_task_family()}_{compute_unique_id(task)}"


def _hash_graph(root: luigi.Task) -> str:
    """Hash `root` and every unhashed task upstream of it, each after its own upstream (post-order)."""
    generation = _generation
    stack = [root]
    started: dict[int, Any] = {}  # id(task) -> what its requires() returned, until it is hashed
    while stack:
        task = stack[-1]
        memo = task.__dict__.get(_MEMO)
        if memo is not None and memo[0] == generation:
            stack.pop()
            continue
        key = id(task)
        if key not in started:
            given, requirements = started[key] = _parameter_tasks(task), _requirements(task)
            unhashed = [up for up in given + _tasks_in(requirements) if not _hashed(up, generation)]
            if unhashed:
                for upstream in unhashed:
                    if id(upstream) in started:
                        raise RequiresError(
                            f"{task.task_id} and {upstream.task_id} depend on each other (through requires() "
                            "or task parameters); a pipeline's dependencies cannot form a cycle"
                        )
                stack.extend(unhashed)
                continue
        task.__dict__[_MEMO] = (generation, _digest_again(task, *started.pop(key)))
        stack.pop()
    return root.__dict__[_MEMO][1]


def _hashed(task: luigi.Task, generation: int) -> bool:
    memo = task.__dict__.get(_MEMO)
    return memo is not None and memo[0] == generation


def _overrides_requires(cls: type) -> bool:
    """Whether `requires()` can say more than the task parameters (TaskOnKart's default returns just those)."""

    def compute() -> bool:
        from .task import TaskOnKart

        return not (issubclass(cls, TaskOnKart) and cls.requires is TaskOnKart.requires)

    return per_class(cls, "_kartwheel_overrides_requires", compute)


def _requirements(task: luigi.Task) -> Any:
    """What `task.requires()` returns (a generator read into a list), or None when it only repeats the
    task parameters."""
    if not _overrides_requires(type(task)):
        return None
    requirements = task.requires()
    return list(requirements) if isinstance(requirements, Iterator) else requirements


def _parameter_tasks(task: luigi.Task) -> list[luigi.Task]:
    """The significant tasks among `task`'s significant parameter values."""
    found: list[luigi.Task] = []
    values = task.param_kwargs
    for name, _ in _significant_params(type(task)):
        value = values[name]
        if type(value) not in _PLAIN:
            _collect_tasks(value, found)
    return found


def _tasks_in(value: Any) -> list[luigi.Task]:
    found: list[luigi.Task] = []
    _collect_tasks(value, found)
    return found


def _collect_tasks(value: Any, found: list[luigi.Task]) -> None:
    """Append the significant tasks in `value` (a task, or containers of them) to `found`."""
    if isinstance(value, luigi.Task):
        if _is_significant_task(value):
            found.append(value)
    elif isinstance(value, Mapping):
        for item in value.values():
            _collect_tasks(item, found)
    elif isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        for item in value:
            _collect_tasks(item, found)


def _is_significant_task(value: Any) -> bool:
    return getattr(value, "significant", True) is not False


def _skipped_task(value: Any) -> bool:
    return type(value) not in _PLAIN and isinstance(value, luigi.Task) and not _is_significant_task(value)


def _significant_params(cls: type[luigi.Task]) -> list[tuple[str, luigi.Parameter]]:
    """The class's significant parameters, listed once per class."""
    return per_class(
        cls, "_kartwheel_significant", lambda: [(name, param) for name, param in cls.get_params() if param.significant]
    )


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


def _encode_params(task: luigi.Task) -> dict[str, Any]:
    """The significant parameters as JSON values (tasks as their references)."""
    values = task.param_kwargs
    encoded = {}
    for name, param in _significant_params(type(task)):
        value = values[name]
        if not _skipped_task(value):
            encoded[name] = _canonical(param, value)
    return encoded


class _NoTask:
    """What a requirement already given as a parameter (or insignificant) encodes to: nothing."""


_NOTHING = _NoTask()


def _encode_requirements(task: luigi.Task, value: Any, given: set[str]) -> Any:
    """`requires()`'s shape with each task as its reference; tasks among the parameters are left out."""
    if type(value) in _PLAIN and value is not None:
        raise _not_a_task(task, value)
    if value is None:
        return _NOTHING
    if isinstance(value, luigi.Task):
        if not _is_significant_task(value):
            return _NOTHING
        reference = task_reference(value)
        return _NOTHING if reference in given else reference
    if isinstance(value, Mapping):
        items = {str(key): _encode_requirements(task, item, given) for key, item in value.items()}
        return {key: item for key, item in items.items() if item is not _NOTHING}
    if isinstance(value, (set, frozenset)):  # no order to keep
        return sorted(_ENCODER.encode(item) for item in _encoded_items(task, value, given))
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        return list(_encoded_items(task, value, given))
    raise _not_a_task(task, value)


def _encoded_items(task: luigi.Task, values: Iterable[Any], given: set[str]) -> Iterable[Any]:
    for item in values:
        encoded = _encode_requirements(task, item, given)
        if encoded is not _NOTHING:
            yield encoded


def _not_a_task(task: luigi.Task, value: Any) -> RequiresError:
    return RequiresError(
        f"{type(task).__name__}.requires() returned {type(value).__name__} {value!r:.80}; it must return "
        "tasks: one task instance, or a list, tuple or dict of them (nested), e.g. return {'data': Load()}"
    )


def _mentions_a_task(encoded: Any) -> bool:
    if isinstance(encoded, str):
        return True
    if isinstance(encoded, dict):
        return any(_mentions_a_task(item) for item in encoded.values())
    if isinstance(encoded, list):
        return any(_mentions_a_task(item) for item in encoded)
    return False


def _digest_again(task: luigi.Task, given: list[luigi.Task], requirements: Any) -> str:
    """`_digest`, reusing the task's digest of an earlier generation when nothing it depends on changed.

    A task whose requires() only repeats its task parameters depends on its family and parameter values
    (fixed when it was made, as luigi's task_id is), the hashes of the tasks among those parameters and its
    extra hash inputs: when the last two are as they were, so is the digest. Tasks with their own
    requires() are encoded again, since requires() may now return other tasks.
    """
    if requirements is not None:
        return _digest(task, given, requirements, _extra_inputs(task))
    extra = _extra_inputs(task)
    basis = (tuple(up.__dict__[_MEMO][1] for up in given), extra)
    kept = task.__dict__.get(_BASIS)
    if kept is not None and kept[0] == basis:
        return str(kept[1])
    digest = _digest(task, given, None, extra)
    task.__dict__[_BASIS] = (basis, digest)
    return digest


def _extra_inputs(task: luigi.Task) -> Any:
    extra_inputs = getattr(task, "__kart_hash_inputs__", None)
    return None if extra_inputs is None else extra_inputs()


def _digest(task: luigi.Task, given: list[luigi.Task], requirements: Any, extra_value: Any) -> str:
    """md5 of the canonical encoding; a task whose upstream is all in its parameters hashes as it always has."""
    payload: list[Any] = [task.get_task_family(), _encode_params(task)]
    extra: dict[str, Any] = {}
    if requirements is not None:
        encoded = _encode_requirements(task, requirements, {task_reference(up) for up in given})
        if _mentions_a_task(encoded):
            extra["requires"] = encoded
    if extra_value is not None:
        extra["extra"] = extra_value
    if extra:
        payload.append(extra)
    text = _ENCODER.encode(payload)
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()
