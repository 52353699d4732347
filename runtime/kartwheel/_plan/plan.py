"""The plan of a build: for every task of a graph, what a run would do with it and why, as plain data.

Computed without running or writing anything: one walk of the graph (iterative, so chains of any depth
work), one `complete()` per task, and for tasks that will run, a few `task_params` logs of earlier runs.
The text tree, the JSON, the graph files and the end-of-run summary are all drawn from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import luigi
from luigi.task import flatten

from .earlier_runs import Difference, EarlierRuns, describe_change, is_task_value

__all__ = ["BLOCKED", "CACHED", "FAILED", "NOT_NEEDED", "STATUSES", "WILL_RUN", "Plan", "PlannedTask", "make_plan"]

CACHED = "cached"
WILL_RUN = "will run"
BLOCKED = "blocked"
FAILED = "failed"
NOT_NEEDED = "not needed"
STATUSES = (CACHED, WILL_RUN, BLOCKED, FAILED, NOT_NEEDED)


@dataclass(frozen=True)
class PlannedTask:
    """One task of a plan; `requires` holds the task_ids of its direct requirements."""

    task_id: str
    family: str
    params: dict[str, str]
    status: str
    reason: str
    outputs: tuple[str, ...]
    requires: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "family": self.family,
            "params": dict(self.params),
            "status": self.status,
            "reason": self.reason,
            "outputs": list(self.outputs),
            "requires": list(self.requires),
        }


@dataclass(frozen=True)
class Plan:
    """Every task of the graph of `roots`, requirements before the tasks that need them."""

    roots: tuple[str, ...]
    tasks: dict[str, PlannedTask] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """How many tasks have each status (only statuses that occur), in STATUSES order."""
        counted = dict.fromkeys(STATUSES, 0)
        for task in self.tasks.values():
            counted[task.status] += 1
        return {status: number for status, number in counted.items() if number}

    def to_json(self) -> dict[str, Any]:
        return {"roots": list(self.roots), "tasks": [task.to_json() for task in self.tasks.values()]}

    def with_failures(self, failures: Mapping[str, str]) -> Plan:
        """The plan after a run in which the tasks in `failures` (task_id -> first line of the error) failed;
        the tasks that needed them and would have run are then blocked."""
        tasks = dict(self.tasks)
        for task_id, task in tasks.items():  # requirements come first, so blocking flows downstream
            if task_id in failures:
                tasks[task_id] = replace(task, status=FAILED, reason=failures[task_id])
            elif task.status == WILL_RUN:
                stopped = [tasks[dep] for dep in task.requires if tasks[dep].status in (FAILED, BLOCKED)]
                if stopped:
                    tasks[task_id] = replace(task, status=BLOCKED, reason=f"upstream {stopped[0].family} failed")
        return Plan(self.roots, tasks)


def _walk(roots: list[luigi.Task]) -> tuple[dict[str, luigi.Task], dict[str, list[str]], list[str]]:
    """Every task reachable from `roots`, the ids each requires, and an order with requirements first."""
    tasks: dict[str, luigi.Task] = {}
    deps: dict[str, list[str]] = {}
    order: list[str] = []

    def visit(task: luigi.Task) -> tuple[str, Any]:
        required = flatten(task.requires())
        tasks[task.task_id] = task
        deps[task.task_id] = [dep.task_id for dep in required]
        return task.task_id, iter(required)

    for root in roots:
        if root.task_id in tasks:
            continue
        stack = [visit(root)]
        while stack:
            task_id, pending = stack[-1]
            for dep in pending:
                if dep.task_id not in tasks:
                    stack.append(visit(dep))
                    break
            else:
                stack.pop()
                order.append(task_id)
    return tasks, deps, order


def _own_params(task: luigi.Task) -> dict[str, str]:
    """The significant parameters as strings, less those holding tasks: those are in `requires`."""
    values = task.param_kwargs
    own = {}
    for name, param in task.get_params():
        if param.significant:
            value = values[name]
            if type(value) in _PLAIN or not is_task_value(value):
                own[name] = param.serialize(value)
    return own


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _is_external(task: luigi.Task) -> bool:
    """luigi's own test: a task without a run method can only be waited for, never run here."""
    return task.run is None or task.run == NotImplemented


def _paths(targets: Any) -> tuple[str, ...]:
    return tuple(str(getattr(target, "path", target)) for target in flatten(targets))


def make_plan(roots: luigi.Task | Iterable[luigi.Task]) -> Plan:
    """The plan of building `roots` now: each task's status, reason, outputs, parameters and requirements."""
    root_list = [roots] if isinstance(roots, luigi.Task) else list(roots)
    tasks, deps, order = _walk(root_list)
    complete = {task_id: bool(tasks[task_id].complete()) for task_id in order}
    needed = {root.task_id for root in root_list}
    for task_id in reversed(order):  # dependents before requirements
        if task_id in needed and not complete[task_id]:
            needed.update(deps[task_id])
    earlier = EarlierRuns()
    planned: dict[str, PlannedTask] = {}
    for task_id in order:
        task = tasks[task_id]
        status, reason = _status(
            task, complete[task_id], task_id in needed, [planned[d] for d in deps[task_id]], earlier
        )
        planned[task_id] = PlannedTask(
            task_id=task_id,
            family=task.get_task_family(),
            params=_own_params(task),
            status=status,
            reason=reason,
            outputs=_paths(task.output()),
            requires=tuple(dict.fromkeys(deps[task_id])),
        )
    return Plan(tuple(root.task_id for root in root_list), planned)


def _status(
    task: luigi.Task, complete: bool, needed: bool, requirements: list[PlannedTask], earlier: EarlierRuns
) -> tuple[str, str]:
    if complete:
        return CACHED, ""
    if not needed:
        return NOT_NEEDED, "every task that uses it is cached"
    if _is_external(task):
        missing = [path for path in _paths(task.output()) if not _exists(path, task)]
        return BLOCKED, f"missing input: {', '.join(missing) or task.task_id} (nothing in the graph produces it)"
    stopped = [dep for dep in requirements if dep.status == BLOCKED]
    if stopped:
        return BLOCKED, f"waits on {stopped[0].family} ({stopped[0].reason})"
    return WILL_RUN, _why_incomplete(task, requirements, earlier)


def _exists(path: str, task: luigi.Task) -> bool:
    for target in flatten(task.output()):
        if str(getattr(target, "path", target)) == path:
            return bool(target.exists())
    return False


def _why_incomplete(task: luigi.Task, requirements: list[PlannedTask], earlier: EarlierRuns) -> str:
    running = [dep.family for dep in requirements if dep.status == WILL_RUN]
    if getattr(task, "rerun", False):
        return "rerun=True"
    outputs = flatten(task.output())
    if outputs and all(target.exists() for target in outputs):
        return _check_trigger(task)
    if not hasattr(task, "logged_params"):  # a plain luigi task: no logs to compare with
        return f"upstream {running[0]} changed" if running else "new"
    difference = earlier.difference(task)
    if difference is None:
        return "new"
    return _describe(difference, task, running)


def _describe(difference: Difference, task: luigi.Task, running: list[str]) -> str:
    if difference.same_hash_logged:
        return "its output was removed"
    parts = [describe_change(name, old, new) for name, old, new in difference.changed]
    upstream = [_family_of(task.param_kwargs.get(name)) for name in difference.upstream]
    if not parts and not upstream:
        upstream = running  # wired through requires(): the own parameters match, so something upstream moved
    if upstream:
        more = f" (and {len(upstream) - 1} more)" if upstream[1:] else ""
        parts.append(f"upstream {upstream[0]} changed{more}")
    return ", ".join(parts) or "upstream changed"


def _family_of(value: Any) -> str:
    first = value[0] if isinstance(value, tuple) else value
    return first.get_task_family() if isinstance(first, luigi.Task) else "task"


def _check_trigger(task: luigi.Task) -> str:
    inputs = flatten(task.input())
    if getattr(task, "strict_check", False):
        missing = [target for target in inputs if not target.exists()]
        if missing:
            return f"strict_check: input {missing[0]} is missing"
    if getattr(task, "modification_time_check", False):
        present = [target for target in inputs if target.exists()]
        outputs = flatten(task.output())
        if present:
            oldest_output = min(target.last_modification_time() for target in outputs)
            newer = [target for target in present if target.last_modification_time() > oldest_output]
            if newer:
                return f"modification_time_check: input {newer[0]} is newer than the output"
    return "complete() is False although its outputs exist"
