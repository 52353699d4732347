"""One writer per task: a lock beside the task's output, taken around `run`, then completeness re-checked.

Two processes that would run the same task at once (two `--local-scheduler` runs on one workspace, or a
task luigid handed out again) run it once: the second waits for the lock, finds the outputs complete and
skips the run. A POSIX folder uses an `fcntl` lock on `<output>.lock` (released by the kernel when its
holder dies, also on NFS); S3 a conditional-write lease (see s3.py). A task with should_lock_run also
takes a lease on its redis server first (see redis_lock.py), which reaches machines that share no such
lock; the storage's own lock is still taken inside it, so that a process configured without redis is kept
apart too.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

from luigi.task import flatten

__all__ = ["fcntl_lock", "renewing", "run_under_lock"]

logger = logging.getLogger("luigi-interface")  # where luigi logs a run


@contextlib.contextmanager
def fcntl_lock(path: str) -> Iterator[bool]:
    """Hold an exclusive lock on the file `path` (created, and removed on release); yields whether it waited.

    The file is removed while held; a waiter that then gets the lock of the removed file tries again, so
    that two processes never both think they hold it.
    """
    waited = False
    while True:
        fd = _open(path)
        try:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                waited = True
                fcntl.lockf(fd, fcntl.LOCK_EX)
            try:
                current = os.stat(path).st_ino
            except FileNotFoundError:
                current = None
            if current == os.fstat(fd).st_ino:
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    try:
        yield waited
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)
        os.close(fd)


@contextlib.contextmanager
def renewing(renew: Callable[[], bool], every_seconds: float, name: str) -> Iterator[None]:
    """While the block runs, a thread calls `renew()` every `every_seconds` to keep a lease alive; it stops
    early once `renew()` returns False (the lease is lost; `renew` says so in the log)."""
    stopped = threading.Event()

    def keep_renewing() -> None:
        while not stopped.wait(every_seconds):
            if not renew():
                return

    thread = threading.Thread(target=keep_renewing, daemon=True, name=name)
    thread.start()
    try:
        yield
    finally:
        stopped.set()
        thread.join()


def _open(path: str) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)


def _lock_for(task: Any) -> contextlib.AbstractContextManager[bool] | None:
    """The task's writer lock, beside its first output (None: no output of ours to lock), inside its
    redis lock when it sets should_lock_run."""
    from .target import KartTarget

    targets = sorted((target for target in flatten(task.output()) if isinstance(target, KartTarget)), key=str)
    if not targets:
        return None
    storage_lock = targets[0].storage.writer_lock(f"{targets[0].path}.lock")
    if not getattr(task, "should_lock_run", False):
        return storage_lock
    from .redis_lock import lock_key, redis_lock

    outer = redis_lock(task.redis_host, task.redis_port, task.redis_timeout, lock_key(targets[0].path))
    return _nested(outer, storage_lock)


@contextlib.contextmanager
def _nested(
    outer: contextlib.AbstractContextManager[bool], inner: contextlib.AbstractContextManager[bool]
) -> Iterator[bool]:
    """Hold `outer`, then `inner` (always in this order, so two holders never wait for each other)."""
    with outer as waited_outer, inner as waited_inner:
        yield waited_outer or waited_inner


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
            task._run_state.done_elsewhere = True
            logger.info("%s was completed by another process; not run again", task)
            return None
        for target in flatten(task.output()):
            sweep = getattr(getattr(target, "storage", None), "sweep_leftovers", None)
            if sweep is not None:
                sweep(target.path, locked=True)
        return run()
