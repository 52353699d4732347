"""The locks that keep writers apart: an `fcntl` lock on a file, a lease kept alive by a thread, and nesting.

A POSIX folder's writer lock is `fcntl_lock` on `<output>.lock` (released by the kernel when its holder
dies, also on NFS); S3's is a conditional-write lease (s3.py) and redis's a key (redis_lock.py), both
renewed by `renewing`. Which lock a task's run takes is decided in `_run/run_lock.py`.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import threading
from collections.abc import Callable, Iterator

__all__ = ["fcntl_lock", "nested", "renewing"]


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


@contextlib.contextmanager
def nested(
    outer: contextlib.AbstractContextManager[bool], inner: contextlib.AbstractContextManager[bool]
) -> Iterator[bool]:
    """Hold `outer`, then `inner` (always in this order, so two holders never wait for each other); yields
    whether either waited."""
    with outer as waited_outer, inner as waited_inner:
        yield waited_outer or waited_inner
