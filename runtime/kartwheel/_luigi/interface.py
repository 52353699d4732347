"""luigi's run of a command line, its summary of what a worker did, and a quick client of luigid."""

from __future__ import annotations

from typing import Any

import luigi.execution_summary
import luigi.interface
import luigi.rpc
import luigi.worker

from .names import requires_attribute

__all__ = ["quick_remote_scheduler", "root_task_of", "run_command_line", "scheduled_by", "scheduler_of", "summary_of"]

requires_attribute(luigi.interface, "_run")
requires_attribute(luigi.execution_summary, "_summary_dict")
requires_attribute(luigi.execution_summary, "_root_task")


def run_command_line(argv: list[str], factory: Any) -> luigi.worker.Worker:
    """luigi's run of `argv` (as `luigi.run` without its exit), on `factory`; returns the worker."""
    return luigi.interface._run(argv, worker_scheduler_factory=factory).worker


def summary_of(worker: luigi.worker.Worker) -> dict[str, set]:
    """luigi's execution summary of `worker`: task sets by kind (completed, already_done, failed...)."""
    return dict(luigi.execution_summary._summary_dict(worker))


def scheduled_by(worker: luigi.worker.Worker) -> dict[str, str]:
    """The tasks `worker` itself added to its scheduler (its own add_task calls), by id, with their names."""
    return {task.task_id: str(task) for task, _, _ in getattr(worker, "_add_task_history", ())}


def root_task_of(worker: luigi.worker.Worker) -> Any:
    """The root task `worker` was given (luigi's summary's notion of it)."""
    return luigi.execution_summary._root_task(worker)


def scheduler_of(worker: Any) -> Any:
    """The scheduler `worker` talks to, or None for something that is not a luigi worker."""
    return getattr(worker, "_scheduler", None)


def quick_remote_scheduler(scheduler: luigi.rpc.RemoteScheduler, timeout: float = 2.0) -> luigi.rpc.RemoteScheduler:
    """A client of the same luigid that asks once, without luigi's retries (for a question at the end of a run)."""
    quick = luigi.rpc.RemoteScheduler(scheduler._url, connect_timeout=timeout)
    quick._rpc_retry_attempts = 1
    quick._rpc_retry_wait = 0
    quick._rpc_log_retries = False
    return quick
