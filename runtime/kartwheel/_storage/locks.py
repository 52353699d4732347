"""The locks that keep writers apart: an `fcntl` lock on a file, a lease kept alive by a thread, and nesting.

A POSIX folder's writer lock is `folder_lock`: one byte of the folder's lock file per output, an fcntl
byte-range lock (released by the kernel when its holder dies, also on NFS); `fcntl_lock` locks a file of its
own; S3's is a conditional-write lease (s3.py) and redis's a key (redis_lock.py), both
renewed by `renewing`. Which lock a task's run takes is decided in `_run/run_lock.py`.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import multiprocessing.util
import os
import threading
from collections.abc import Callable, Iterator

__all__ = ["FOLDER_LOCK_NAME", "fcntl_lock", "folder_lock", "nested", "release_folder_locks", "renewing"]

# The one lock file of a folder's writers; each output is a byte of it (folder_lock).
FOLDER_LOCK_NAME = ".kartwheel-writers.lock"
# Bytes are drawn below 2**31, so that the offsets fit the oldest NFS lock protocol too.
_LOCK_BYTES = 2**31 - 1


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


class _FolderLockFile:
    """This process's open descriptor of one folder's lock file, and how many of its bytes it holds."""

    __slots__ = ("fd", "held")

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.held: dict[int, int] = {}  # byte -> holders in this process


_folder_files: dict[str, _FolderLockFile] = {}
_folder_files_pid = os.getpid()
_folder_guard = threading.Lock()


def _byte_of(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big") % _LOCK_BYTES


def _folder_files_here() -> dict[str, _FolderLockFile]:
    """The lock files opened by this process (a forked child holds none of its parent's locks)."""
    global _folder_files, _folder_files_pid
    if _folder_files_pid != os.getpid():
        _folder_files, _folder_files_pid = {}, os.getpid()
        _register_release()
    return _folder_files


@contextlib.contextmanager
def folder_lock(path: str) -> Iterator[bool]:
    """Hold an exclusive lock named `path` (e.g. `<output>.lock`); yields whether it waited.

    The same guarantee as `fcntl_lock(path)`, one holder across processes and hosts sharing the folder,
    without creating and removing a file per lock: each name is one byte (drawn from a hash of the
    name) of the folder's lock file, `FOLDER_LOCK_NAME`, which stays open in this process and is removed
    by `release_folder_locks` when no process holds any byte of it. Two names that draw the same byte
    only wait for each other. A byte locked on a lock file that was removed meanwhile is let go and
    locked again on the folder's current file, as `fcntl_lock` does.
    """
    lock_file = os.path.join(os.path.dirname(path) or ".", FOLDER_LOCK_NAME)
    byte = _byte_of(os.path.basename(path))
    waited = False
    while True:
        with _folder_guard:
            files = _folder_files_here()
            entry = files.get(lock_file)
            if entry is None:
                entry = files[lock_file] = _FolderLockFile(_open(lock_file))
            holders = entry.held.get(byte, 0)
            entry.held[byte] = holders + 1
        if holders:
            break  # this process holds the byte already (POSIX locks do not exclude their own process)
        try:
            try:
                fcntl.lockf(entry.fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, byte)
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                waited = True
                fcntl.lockf(entry.fd, fcntl.LOCK_EX, 1, byte)
            try:
                current = os.stat(lock_file).st_ino
            except FileNotFoundError:
                current = None
        except BaseException:
            _let_go(lock_file, entry, byte)
            raise
        if current == os.fstat(entry.fd).st_ino:
            break
        _let_go(lock_file, entry, byte)
        with _folder_guard:
            if files.get(lock_file) is entry and not entry.held:
                del files[lock_file]
                os.close(entry.fd)
    try:
        yield waited
    finally:
        _let_go(lock_file, entry, byte)


def _let_go(lock_file: str, entry: _FolderLockFile, byte: int) -> None:
    with _folder_guard:
        holders = entry.held[byte] - 1
        if holders:
            entry.held[byte] = holders
            return
        del entry.held[byte]
        fcntl.lockf(entry.fd, fcntl.LOCK_UN, 1, byte)


def release_folder_locks() -> None:
    """Close this process's idle folder lock files, removing each that no other process holds a byte of.

    Called when a worker's loop ends, and at the exit of a process (forked task processes included).
    """
    with _folder_guard:
        files = _folder_files_here()
        for lock_file, entry in list(files.items()):
            if entry.held:
                continue
            del files[lock_file]
            try:
                fcntl.lockf(entry.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the whole file: nobody holds a byte
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
            else:
                with contextlib.suppress(FileNotFoundError):
                    if os.stat(lock_file).st_ino == os.fstat(entry.fd).st_ino:
                        os.remove(lock_file)
            os.close(entry.fd)


def _register_release() -> None:
    """Release at the exit of this process; multiprocessing runs these in forked children too."""
    multiprocessing.util.Finalize(None, release_folder_locks, exitpriority=0)


_register_release()


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
