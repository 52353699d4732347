"""Writes task logs in a helper process, so that creating five files overlaps the next task's work.

Creating a file costs the disk 40 µs to over 1 ms, and every finished task leaves five logs: written
inline, they take half of a trivial task's time or more. A thread cannot take that cost away, as it
would wait for the interpreter lock between its calls; a helper process (`log_writer_process`, started
once the process has logged `INLINE_TASKS` tasks) can. What is written is encoded when the task
finishes; the helper only creates files. `flush()` waits until every log is on disk; the worker calls
it when a build ends, reading a log calls it first, and the interpreter calls it at exit.

Logs of remote workspaces, and of tasks run in a forked worker process, are written inline, as are all
logs with `[kartwheel] log_helper_process = false`.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
from typing import IO

from ..errors import DumpError
from .log_writer_process import FILE, FRAME, REPLY
from .storage import LocalStorage, Storage

__all__ = ["INLINE_TASKS", "LogWriter", "writer"]

# Tasks whose logs a process writes inline before it starts the helper: small builds need no process.
INLINE_TASKS = 64


class LogWriter:
    """Hands small files to the helper process in order; `flush` waits for them and reports failures."""

    def __init__(self, inline_tasks: int = INLINE_TASKS) -> None:
        self._pid = os.getpid()
        self._inline_left = inline_tasks
        self._helper: _Helper | None = None
        self._pending = False  # files were sent since the last flush
        self._lost: str | None = None  # why logs sent to the helper may be missing

    def submit(self, storage: Storage, files: list[tuple[str, bytes]], helper: bool = True) -> None:
        """Write each `(path, data)` soon; inline when a helper would not pay off or `helper` is False (a
        remote storage sends the files at once, a folder in order)."""
        if os.getpid() != self._pid or not isinstance(storage, LocalStorage) or self._inline_left > 0 or not helper:
            self._inline_left -= 1
            storage.write_many(files)
            return
        parts = []
        for path, data in files:
            encoded = os.path.abspath(path).encode("utf-8", "surrogateescape")
            parts += [FILE.pack(len(encoded), len(data)), encoded, data]
        body = b"".join(parts)
        try:
            self._send(FRAME.pack(b"F", len(body)) + body)
            self._pending = True
        except OSError as exc:
            self._give_up(f"the log writer process stopped ({exc})")
            self.submit(storage, files)  # inline from now on

    def flush(self) -> None:
        """Wait until every submitted log is written; raise `DumpError` for any that could not be."""
        if os.getpid() != self._pid:
            return
        errors = ""
        if self._pending and self._helper is not None:
            self._pending = False
            try:
                self._send(FRAME.pack(b"S", 0))
                errors = _read_reply(self._helper.replies)
            except OSError as exc:
                self._give_up(f"the log writer process stopped ({exc})")
        problems = [line for line in errors.splitlines() if line]
        if self._lost:
            problems.insert(0, f"{self._lost}: logs of recently finished tasks may be missing")
            self._lost = None
        if problems:
            shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
            raise DumpError(f"could not write every task log: {shown}")

    def close(self) -> None:
        """Flush, then let the helper process end."""
        if os.getpid() != self._pid:
            return
        try:
            self.flush()
        finally:
            self._stop_helper(kill=False)

    def _send(self, frame: bytes) -> None:
        if self._helper is None:
            self._helper = _Helper()
        view = memoryview(frame)
        while view:
            view = view[self._helper.frames.write(view) or 0 :]

    def _give_up(self, reason: str) -> None:
        """Stop using a helper that failed; from now on every log is written inline."""
        self._lost = self._lost or reason
        self._inline_left = sys.maxsize
        self._stop_helper(kill=True)

    def _stop_helper(self, kill: bool) -> None:
        """End the helper (it exits by itself once its input closes) and release its pipes."""
        helper, self._helper = self._helper, None
        if helper is None:
            return
        if kill:
            helper.process.kill()
        helper.frames.close()
        helper.process.wait()
        helper.replies.close()


class _Helper:
    """The running helper process and its two pipes: frames to it, replies from it."""

    def __init__(self) -> None:
        script = os.path.join(os.path.dirname(__file__), "log_writer_process.py")
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-S", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0
        )
        if self.process.stdin is None or self.process.stdout is None:  # never, with PIPE; a checker cannot know
            raise RuntimeError("the log writer process was started without pipes")
        self.frames: IO[bytes] = self.process.stdin
        self.replies: IO[bytes] = self.process.stdout
        _widen_pipe(self.frames)


def _widen_pipe(stream: IO[bytes]) -> None:
    """Let the pipe hold about a thousand tasks' logs, so a slow disk rarely makes a task wait."""
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass  # not Linux, or a lower limit: the default buffer works, with less slack


def _read_reply(stream: IO[bytes]) -> str:
    (size,) = REPLY.unpack(_read_exactly(stream, REPLY.size))
    return _read_exactly(stream, size).decode("utf-8", "surrogateescape")


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise BrokenPipeError("the log writer process ended without answering")
        data += chunk
    return data


writer = LogWriter()


def _close_at_exit() -> None:
    try:
        writer.close()
    except DumpError as exc:
        print(f"kartwheel: {exc}", file=sys.stderr)


atexit.register(_close_at_exit)
