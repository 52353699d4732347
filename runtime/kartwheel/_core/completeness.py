"""Checks behind `TaskOnKart.complete()`: input ages, dependencies yielded by `run()`, and `complete_check_at_run`
(a task's `run()` skipped when its outputs appeared since it was scheduled).

Code is part of the cache: each output is recorded with the fingerprint of the code that made it.

Every task that succeeds leaves a code record in its processing_time log (logs.CODE_RECORD_KIND): its class's code
fingerprint (code_source.py) with a digest per item of code, a digest of the bytes of its outputs,
and the output digests of the tasks it read. When a task's outputs exist but its recorded fingerprint
differs, the policy decides (`[kartwheel] code_changes`, or a class attribute `code_changes`):
`rerun` runs it again, `warn` (the default) keeps the outputs and a build says so in one line, `ignore`
says nothing. Tasks downstream of a rerun wait for it, then run again only if its new output differs
from the one they read (early cutoff). A task without a record (written by 0.3.0) counts as unchanged.
The status of each task is kept until hashes are invalidated; a waiting task's is looked at again
once a task it may wait for has rerun.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from luigi.task import flatten

from .._luigi.per_class import per_class
from .._storage.storage import Storage, storage_for
from ..errors import ConfigError, DynamicDependencyWarning
from . import settings
from .code_source import Fingerprint, class_fingerprint
from .hashing import compute_unique_id, generation, task_reference
from .logs import CODE_RECORD_KIND, code_record, log_file_name

__all__ = [
    "POLICIES",
    "CodeStatus",
    "check_policy",
    "checked_run",
    "complete_check_skipped",
    "is_checked",
    "outputs_newer",
    "plan_note",
    "policy_of",
    "record_bytes",
    "status",
    "take_warning",
    "up_to_date",
    "warn_dynamic_dependencies",
]


def warn_dynamic_dependencies(cls: type) -> None:
    """Say once per class that the tasks `run()` yields are not part of the hash of its cached outputs."""
    per_class(cls, "_kartwheel_warned_dynamic", lambda: _warn(cls))


def _warn(cls: type) -> bool:
    warnings.warn(
        DynamicDependencyWarning(
            f"{cls.__name__} yields tasks from run(); they are not part of its hash, so its outputs are reused "
            "even when those tasks change. Return them from requires() or pass them as task parameters to have "
            "a change rerun it (or build with rerun=True)."
        ),
        stacklevel=4,
    )
    return True


def outputs_newer(inputs: list[Any], outputs: list[Any]) -> bool:
    """Whether no input (other than the outputs themselves) was written after the oldest output."""
    own = {str(target) for target in outputs}
    present = [target for target in inputs if str(target) not in own and target.exists()]
    if not present:
        return True
    newest_input = max(target.last_modification_time() for target in present)
    return min(target.last_modification_time() for target in outputs) >= newest_input


def is_checked(run: Any) -> bool:
    """Whether `run` is already wrapped by `checked_run`."""
    return bool(getattr(run, "__kart_checked__", False))


def checked_run(run: Any) -> Any:
    """`run`, skipped when complete_check_at_run is set and the task is already complete.

    Another worker may have written the outputs since this one was scheduled. Only the outermost run
    checks, so that a subclass's run() calling super().run() is not cut short by its own dumps.
    """

    def skip(self: Any) -> bool:
        state = self.__kart_state__
        if state.in_run or not self.complete_check_at_run:
            return False
        if state.found_incomplete:  # checked an instant ago, under the writer lock
            state.found_incomplete = False
            return False
        return bool(self.complete())

    if inspect.isgeneratorfunction(run):  # stays a generator function: luigi and the hash ask

        @functools.wraps(run)
        def yield_unless_complete(self: Any, *args: Any, **kwargs: Any) -> Any:
            if skip(self):
                return
            yield from run(self, *args, **kwargs)

        yield_unless_complete.__kart_checked__ = True  # type: ignore[attr-defined]  # a marker on the function
        return yield_unless_complete

    @functools.wraps(run)
    def run_unless_complete(self: Any, *args: Any, **kwargs: Any) -> Any:
        if skip(self):
            return None
        state = self.__kart_state__
        outer = not state.in_run
        state.in_run = True
        try:
            return run(self, *args, **kwargs)
        finally:
            if outer:
                state.in_run = False

    run_unless_complete.__kart_checked__ = True  # type: ignore[attr-defined]  # a marker on the function
    return run_unless_complete


@contextlib.contextmanager
def complete_check_skipped(task: Any) -> Iterator[None]:
    """Inside, `task.run()` runs even if the task is complete (to run a finished task again on purpose)."""
    state = task.__kart_state__
    previous = state.in_run
    state.in_run = True
    try:
        yield
    finally:
        state.in_run = previous


POLICIES = settings.CODE_CHANGES
_MEMO = "_kartwheel_code_status"  # on each task: (generation, epoch, CodeStatus)
_epoch = 0  # moves when a task reran because of code: the statuses of waiting tasks are then looked at again
_warned: dict[str, tuple[int, list[str]]] = {}  # family -> (tasks, changed items), for take_warning


@dataclass(frozen=True)
class CodeStatus:
    """What code changes mean for one task now."""

    stale: bool  # it reruns, or waits for a task upstream that reruns, because of code
    own: list[str] = field(default_factory=list)  # its own changed items of code (any policy)
    output: str | None = None  # the digest of its outputs as last recorded, if known
    inputs_changed: list[str] = field(default_factory=list)  # families whose output differs from what it read
    reran: bool = False  # it ran again in this process after waiting or being stale


def check_policy(value: Any, where: str) -> str:
    """`value` if it is one of POLICIES, else a ConfigError naming them."""
    if value not in POLICIES:
        raise ConfigError(f"{where}: code_changes is {value!r}; give one of {', '.join(POLICIES)}")
    return str(value)


def policy_of(task: Any) -> str:
    """The task class's `code_changes` attribute, else `[kartwheel] code_changes`."""
    value = getattr(type(task), "code_changes", None)
    if value is None:
        return str(settings.current().code_changes)
    return check_policy(value, type(task).__name__)


def _is_kart(task: Any) -> bool:
    return callable(getattr(task, "__kart_is_wrapper__", None))


def _record_path(task: Any) -> tuple[Storage, str]:
    workspace = str(task.workspace_directory)
    name = log_file_name(f"{type(task).__name__}_{compute_unique_id(task)}", CODE_RECORD_KIND)
    return storage_for(workspace), Storage.join(workspace, name)


def _read_record(task: Any) -> dict[str, Any] | None:
    """The code record of the task's outputs; None when there is none (or it cannot be read)."""
    storage, path = _record_path(task)
    try:
        with storage.open_read(path, binary=True) as file:
            data = code_record(file.read())
        record = None if data is None else json.loads(data)
    except FileNotFoundError:
        return None
    except Exception:
        return None  # a damaged record is no evidence either way
    return record if isinstance(record, dict) else None


def _memo(task: Any, current: int) -> CodeStatus | None:
    memo = task.__dict__.get(_MEMO)
    if memo is None or memo[0] != current or (memo[2].stale and memo[1] != _epoch):
        return None
    found: CodeStatus = memo[2]
    return found


def _kart_requirements(task: Any) -> list[Any]:
    return [required for required in flatten(task.requires()) if _is_kart(required)]


def status(task: Any) -> CodeStatus:
    """The code status of `task` (a TaskOnKart), from those of the tasks upstream (an iterative walk)."""
    current = generation()
    found = _memo(task, current)
    if found is not None:
        return found
    stack = [task]
    started: dict[int, list[Any]] = {}
    while stack:
        top = stack[-1]
        if _memo(top, current) is not None:
            stack.pop()
            continue
        key = id(top)
        if key not in started:
            started[key] = _kart_requirements(top)
            todo = [required for required in started[key] if _memo(required, current) is None]
            if todo:
                stack.extend(todo)
                continue
        requirements = started.pop(key)
        pairs = [(required, _memo(required, current) or status(required)) for required in requirements]
        top.__dict__[_MEMO] = (current, _epoch, _evaluate(top, pairs))
        stack.pop()
    return task.__dict__[_MEMO][2]


def _evaluate(task: Any, requirements: list[tuple[Any, CodeStatus]]) -> CodeStatus:
    upstream_stale = any(found.stale for _, found in requirements)
    if task.__kart_is_wrapper__():
        outputs = [found.output for _, found in requirements]
        combined = None if None in outputs else _digest_of_texts([str(output) for output in outputs])
        return CodeStatus(upstream_stale, output=combined)
    policy = policy_of(task)
    if policy == "ignore" and not any(found.stale or found.reran for _, found in requirements):
        return CodeStatus(upstream_stale)  # its own code does not count, and nothing upstream reruns
    record = _read_record(task)
    if record is None:
        return CodeStatus(upstream_stale)
    fingerprint = class_fingerprint(type(task))
    changed_code = policy != "ignore" and record.get("code") != fingerprint.digest
    own = _changed_items(record, fingerprint.items) if changed_code else []
    inputs = record.get("inputs") or {}
    changed = [
        required.get_task_family()
        for required, found in requirements
        if found.output is not None and inputs.get(task_reference(required), found.output) != found.output
    ]
    if own and policy == "warn":
        tasks, _ = _warned.get(task.get_task_family(), (0, own))
        _warned[task.get_task_family()] = (tasks + 1, own)
    stale = (bool(own) and policy == "rerun") or upstream_stale or bool(changed)
    output = record.get("output")
    return CodeStatus(stale, own, output if isinstance(output, str) else None, changed)


def _changed_items(record: dict[str, Any], items: dict[str, str]) -> list[str]:
    old = record.get("items") or {}
    changed = [name for name, digest in items.items() if old.get(name) != digest]
    removed = [name for name in old if name not in items]
    return changed + removed or ["the task's code"]


def up_to_date(task: Any) -> bool:
    """Whether `task`'s existing outputs stand as far as code goes (complete() asks, after they exist).

    A task that waited for an upstream rerun and now stands is cut off: it does not run, and keeps
    its outputs and logs.
    """
    found = status(task)
    state = task.__kart_state__
    if found.stale:
        state.code_waiting = True
        return False
    if state.code_waiting:
        state.code_waiting = False
        state.code_cut_off = True
    return True


def record_bytes(task: Any) -> bytes:
    """The code record of a task that has just run, as written to its log; remembered as its status.

    JSON with sorted keys (`code`, `inputs`, `items`, `output`); the class's part is encoded once per fingerprint.
    """
    fingerprint = class_fingerprint(type(task))
    inputs = {}
    for required in _kart_requirements(task):
        found = status(required)
        if found.output is not None:
            inputs[task_reference(required)] = found.output
    output = _output_digest(task)
    head, middle = _class_part(fingerprint)
    record = b"".join((head, json.dumps(inputs, sort_keys=True).encode("utf-8"), middle, json.dumps(output).encode()))
    previous = task.__dict__.get(_MEMO)
    global _epoch
    reran = previous is not None and previous[2].stale
    if reran:
        _epoch += 1  # the tasks waiting for this one look again
    task.__dict__[_MEMO] = (generation(), _epoch, CodeStatus(False, output=output, reran=reran))
    return record + b"}"


_class_parts: dict[str, tuple[bytes, bytes]] = {}  # fingerprint digest -> the record's bytes around `inputs`


def _class_part(fingerprint: Fingerprint) -> tuple[bytes, bytes]:
    """`{"code": ..., "inputs": ` and `, "items": {...}, "output": `: what a record of the class holds besides
    its task's own inputs and output."""
    found = _class_parts.get(fingerprint.digest)
    if found is None:
        items = json.dumps(fingerprint.items, sort_keys=True)
        found = _class_parts[fingerprint.digest] = (
            f'{{"code": {json.dumps(fingerprint.digest)}, "inputs": '.encode(),
            f', "items": {items}, "output": '.encode(),
        )
    return found


def _output_digest(task: Any) -> str | None:
    """A digest of the bytes of the task's outputs; None when one is not a file kartwheel wrote.

    A file's digest is the one taken while it was written (`DigestingFile`), else it is read back; several
    outputs combine their files' digests in order.
    """
    written = task.__kart_state__.digests
    digests = []
    for target in flatten(task.output()):
        storage = getattr(target, "storage", None)
        if not isinstance(storage, Storage):
            return None
        digest = written.get(str(target)) or _file_digest(storage, str(target))
        if digest is None:
            return None
        digests.append(digest)
    return digests[0] if len(digests) == 1 else _digest_of_texts(digests)


def _file_digest(storage: Storage, path: str) -> str | None:
    """The digest of a file's bytes, as `DigestingFile` takes it; None when it cannot be read."""
    digest = hashlib.blake2b(digest_size=16)
    try:
        with storage.open_read(path, binary=True) as file:
            while chunk := file.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _digest_of_texts(texts: list[str]) -> str:
    return hashlib.blake2b("\n".join(texts).encode("utf-8"), digest_size=16).hexdigest()


def _named(items: list[str]) -> str:
    more = f" (and {len(items) - 1} more)" if items[1:] else ""
    return f"{items[0]}{more}"


def plan_note(task: Any, will_run: bool) -> str:
    """Why code makes a task run (`code changed: fit_line (model/pipeline.py)`), or what a cached task's
    outputs stand on; "" when code has nothing to do with it."""
    found = status(task)
    if not will_run:
        return f"code changed: {_named(found.own)} (kept: code_changes = {policy_of(task)})" if found.own else ""
    if not found.stale:
        return ""
    if found.own and policy_of(task) == "rerun":
        return f"code changed: {_named(found.own)}"
    if found.inputs_changed:
        return f"upstream {found.inputs_changed[0]}'s output changed"
    waiting = [required.get_task_family() for required in _kart_requirements(task) if status(required).stale]
    first = waiting[0] if waiting else "task"
    return f"waits on {first}, rerun for its code (runs only if {first}'s output changes)"


def take_warning() -> str | None:
    """The line naming the tasks whose cached outputs were made by other code under `warn`, once."""
    if not _warned:
        return None
    parts = [
        f"{family}{f' x{tasks}' if tasks > 1 else ''} ({_named(items)})"
        for family, (tasks, items) in sorted(_warned.items())
    ]
    _warned.clear()
    return (
        f"kartwheel: cached outputs made by other code: {', '.join(parts)}; to run them again set "
        "`code_changes = rerun` in [kartwheel] (or on the task class), or build them with rerun=True"
    )
