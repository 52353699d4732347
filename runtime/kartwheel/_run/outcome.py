"""A run's verdict for machines: an exit code and one line, from whether the root task is complete.

A process exits 0 when the root task is complete at the end, whoever ran it: on `luigid`, tasks run by
other workers are success for the root, not "nothing ran". Otherwise the code says why (see EXIT_CODES).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import luigi
import luigi.rpc

from .._luigi.interface import quick_remote_scheduler

__all__ = ["EXIT_CODES", "Verdict", "decide", "scheduler_graph"]

# The documented exit codes (README, "Exit codes"); the names of luigi's ones are luigi's `[retcode]` options.
EXIT_CODES = {
    "already_running": 10,  # the same command line is already running on this host (luigi's process lock)
    "missing_data": 20,  # an input outside the graph (an external task's output) does not exist
    "not_run": 30,  # not finished: tasks are still held by other workers, or were not run
    "task_failed": 40,  # a task failed (or its worker died while running it)
    "scheduling_error": 50,  # a task's requires(), output() or complete() raised while scheduling
    "scheduler_unreachable": 60,  # no luigid answered at the start (kartwheel's own code)
}

_FAILED = ("FAILED", "DISABLED")
_SHOWN = 3  # task names listed in a verdict line before "and N more"


@dataclass(frozen=True)
class Verdict:
    """The exit code and the line that says what this process did and why it exits so."""

    code: int
    line: str


def _names(tasks: Iterable[str]) -> str:
    ordered = sorted(tasks)
    shown = ", ".join(ordered[:_SHOWN])
    return shown + (f" and {len(ordered) - _SHOWN} more" if len(ordered) > _SHOWN else "")


def decide(
    root: luigi.Task,
    summary: dict[str, set],
    graph: dict[str, dict] | None,
    codes: Any,
    scheduled: dict[str, str] | None = None,
) -> Verdict:
    """The verdict from luigi's execution summary of this worker and the scheduler's view of the graph.

    `scheduled` holds the tasks this worker added to the scheduler itself (id -> name): the graph it
    counts, also when a restarted scheduler has forgotten some of it.

    `graph` is the scheduler's `dep_graph` of the root (task id -> status, display name, ...), or None
    when the scheduler could not be asked; `codes` holds luigi's configured `[retcode]` values.
    """
    answered = graph is not None
    graph = graph or {}
    here = len(summary["completed"])
    already = len(summary["already_done"])
    names = dict(scheduled or {})
    for part in summary.values():
        names.update((task.task_id, str(task)) for task in part if hasattr(task, "task_id"))
    for task_id, info in graph.items():
        names.setdefault(task_id, info.get("display_name", task_id))
    total = len(names)
    if _root_complete(root, summary, graph):
        others = max(total - here - already, 0)
        extra = f", {already} already complete" if already else ""
        return Verdict(0, f"root complete: {total} tasks, {here} run here, {others} by other workers{extra}")
    failed = {task.task_id for task in summary["failed"]}
    failed |= {task_id for task_id, info in graph.items() if info.get("status") in _FAILED}
    failed = {names[task_id] for task_id in failed}
    if failed:
        return Verdict(
            codes.task_failed,
            f"root not complete: {len(failed)} task(s) failed (or lost their worker): {_names(failed)}",
        )
    if summary["scheduling_error"]:
        return Verdict(
            codes.scheduling_error,
            f"root not complete: cannot schedule {_names(map(str, summary['scheduling_error']))} "
            "(its requires(), output() or complete() raised; see the log above)",
        )
    if summary["still_pending_ext"]:
        return Verdict(
            codes.missing_data,
            f"root not complete: missing input {_names(map(str, summary['still_pending_ext']))} "
            "(an external task's output does not exist)",
        )
    held = {task_id for task_id, info in graph.items() if info.get("status") == "RUNNING"}
    held |= {task.task_id for task in summary["run_by_other_worker"]}
    held = {names[task_id] for task_id in held}
    if held:
        return Verdict(
            codes.not_run,
            f"root not complete: {len(held)} task(s) still held by other workers ({_names(held)}); "
            "rerun when they finish",
        )
    why = _why_not_run(root, graph if answered else None, names)
    return Verdict(codes.not_run, f"root not complete: {here} task(s) run here; {why}; rerun")


def _why_not_run(root: luigi.Task, graph: dict[str, dict] | None, names: dict[str, str]) -> str:
    """Why nothing more ran, from the scheduler's view at the end (None: it did not answer)."""
    if graph is None:
        return "the scheduler did not answer at the end, so what other workers did is unknown"
    if root.task_id not in graph:
        return "the scheduler no longer knows this graph (was it restarted without --state-path?)"
    pending = {names.get(task_id, task_id) for task_id, info in graph.items() if info.get("status") == "PENDING"}
    if pending:
        return (
            f"{len(pending)} task(s) still pending on the scheduler ({_names(pending)}), none running, and it "
            "handed this worker none of them (it forgot this worker after a restart, or found it silent "
            "for longer than its worker_disconnect_delay)"
        )
    return "the rest was not run"


def _root_complete(root: luigi.Task, summary: dict[str, set], graph: dict[str, dict]) -> bool:
    if root in summary["completed"] or root in summary["already_done"]:
        return True
    if graph.get(root.task_id, {}).get("status") == "DONE":
        return True
    try:
        return bool(root.complete())
    except Exception:
        return False


def scheduler_graph(scheduler: Any, root: luigi.Task) -> dict[str, dict] | None:
    """The scheduler's view of the root's graph ({} when it does not know the root); asked once, without
    luigi's retries, None if unanswered."""
    if isinstance(scheduler, luigi.rpc.RemoteScheduler):
        scheduler = quick_remote_scheduler(scheduler)
    with contextlib.suppress(Exception):
        return scheduler.dep_graph(root.task_id, include_done=True) or {}
    return None
