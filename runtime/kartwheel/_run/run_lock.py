"""One writer per task: a lock beside the task's output, taken around `run`, then completeness re-checked.

Two processes that would run the same task at once (two `--local-scheduler` runs on one workspace, or a
task luigid handed out again) run it once: the second waits for the lock, finds the outputs complete and
skips the run. The lock is the storage's own (`Storage.writer_lock`: fcntl on a folder, a lease on S3); a
task with should_lock_run also takes a lease on its redis server first, which reaches machines that
share no such lock; the storage's lock is still taken inside it, so that a process configured without
redis is kept apart too.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

from luigi.task import flatten

from .._storage.locks import nested
from .._targets.target import KartTarget

__all__ = ["run_under_lock"]

logger = logging.getLogger(__name__)


def _lock_for(task: Any) -> contextlib.AbstractContextManager[bool] | None:
    """The task's writer lock, beside its first output (None: no output of ours to lock), inside its
    redis lock when it sets should_lock_run."""
    targets = sorted((target for target in flatten(task.output()) if isinstance(target, KartTarget)), key=str)
    if not targets:
        return None
    targets[0].confine()  # the lock file lives in the output's folder: refused there if a link leads outside
    storage_lock = targets[0].storage.writer_lock(f"{targets[0].path}.lock")
    if not getattr(task, "should_lock_run", False):
        return storage_lock
    from .._storage.redis_lock import lock_key, redis_lock  # redis is an optional extra

    outer = redis_lock(task.redis_host, task.redis_port, task.redis_timeout, lock_key(targets[0].path))
    return nested(outer, storage_lock)


def run_under_lock(task: Any, run: Callable[[], Any]) -> Any:
    """Call `run` holding the task's writer lock, unless another process completed the task meanwhile.

    After the lock is taken the outputs are checked again; a task found complete is not run (and its
    logs, written by the process that ran it, are kept).
    """
    lock = _lock_for(task)
    if lock is None:
        return run()
    with lock:
        if task.complete():
            state = getattr(task, "__kart_state__", None)
            if state is not None:
                state.done_elsewhere = True
            logger.info("%s was completed by another process; not run again", task)
            return None
        for target in flatten(task.output()):
            sweep = getattr(getattr(target, "storage", None), "sweep_leftovers", None)
            if sweep is not None:
                sweep(target.path, locked=True)
        state = getattr(task, "__kart_state__", None)
        if state is None:
            return run()
        state.found_incomplete = True  # complete_check_at_run need not ask the storage again
        try:
            return run()
        finally:
            state.found_incomplete = False
