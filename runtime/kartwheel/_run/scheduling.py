"""The scheduler factory `build` and `run` hand to luigi: luigi's worker with kartwheel's steps around each task.

Each task's run holds its writer lock (run_lock.py); seed libraries are imported once in the worker
instead of in every task process; task logs are flushed, and idle folder lock files closed, when the
worker's loop ends; with `count=True` the worker reports through a `CountingScheduler`, for the progress
line and the summary.
"""

from __future__ import annotations

from typing import Any

from .._core import settings
from .._core.seed import import_seed_methods
from .._luigi.scheduling import WorkerHooks, WorkerSchedulerFactory
from .._storage import locks, log_writer
from .._storage.storage import scheduling_pass
from .progress import CountingScheduler, Counts
from .run_lock import run_under_lock

__all__ = ["HOOKS", "SchedulerFactory"]


def _read_fast_paths() -> bool:
    return bool(settings.refresh().fast_scheduler)


def _fast_paths() -> bool:
    return bool(settings.current().fast_scheduler)


def _before_task_process(task: Any) -> None:
    """Import numpy & co. here, once, rather than in every forked task process."""
    import_seed_methods(getattr(task, "fix_random_seed_methods", ()))


def _after_worker_run() -> None:
    log_writer.writer.flush()
    locks.release_folder_locks()


HOOKS = WorkerHooks(
    read_fast_paths=_read_fast_paths,
    fast_paths=_fast_paths,
    around_run=run_under_lock,
    before_task_process=_before_task_process,
    after_worker_run=_after_worker_run,
    scheduling_pass=scheduling_pass,
)


class SchedulerFactory(WorkerSchedulerFactory):
    """luigi's factory with kartwheel's hooks; with `count=True` the worker's scheduler counts what it hears."""

    def __init__(self, count: bool = False) -> None:
        super().__init__(HOOKS)
        self.count = count
        self.counter: CountingScheduler | None = None

    def wrap(self, scheduler: Any) -> Any:
        if self.count:
            scheduler = self.counter = CountingScheduler(scheduler)
        return scheduler

    def counts(self) -> Counts | None:
        """The counts so far (None before the worker exists, or without `count=True`)."""
        return self.counter.counts() if self.counter is not None else None
