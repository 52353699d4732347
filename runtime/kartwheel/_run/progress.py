"""Live progress of a run, counted from what the worker tells its scheduler (local or luigid).

Every status change of every task, whichever process ran it, reaches the scheduler through the worker
in the main process; luigi's per-task events do not (with --workers 2 or more they fire in child
processes). `CountingScheduler` sits on that channel; `ProgressPrinter` draws the counts.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from luigi.scheduler import DONE, FAILED, RUNNING

__all__ = ["CountingScheduler", "Counts", "ProgressPrinter", "format_counts", "format_duration"]

# How often a line is printed when the output is not a terminal, and redrawn when it is.
PLAIN_INTERVAL_SECONDS = 5.0
TERMINAL_INTERVAL_SECONDS = 0.25


@dataclass(frozen=True)
class Counts:
    """The tasks of a run so far: scheduled in all, found complete, run to success, failed, running."""

    total: int
    cached: int
    ran: int
    failed: int
    running: int
    elapsed: float
    ran_elapsed: float  # seconds from the first task started to the last one finished

    @property
    def done(self) -> int:
        return self.cached + self.ran


class CountingScheduler:
    """A scheduler (luigi's local one or luigid's client) that counts what the worker reports to it."""

    def __init__(self, scheduler: Any) -> None:
        self.wrapped_scheduler = scheduler  # the scheduler it counts for (the name _luigi.scheduling.unwrapped reads)
        self._lock = threading.Lock()
        self._status: dict[str, str] = {}
        self._cached: set[str] = set()
        self._running: set[str] = set()
        self._started = time.monotonic()
        self._first_run: float | None = None
        self._last_finished: float | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped_scheduler, name)

    def add_task(self, *args: Any, **kwargs: Any) -> Any:
        reply = self.wrapped_scheduler.add_task(*args, **kwargs)
        task_id = kwargs.get("task_id", args[0] if args else None)
        status = kwargs.get("status", args[1] if len(args) > 1 else None)
        if task_id is not None and status is not None:
            self._record(task_id, status)
        return reply

    def get_work(self, *args: Any, **kwargs: Any) -> Any:
        reply = self.wrapped_scheduler.get_work(*args, **kwargs)
        task_id = reply.get("task_id") if isinstance(reply, dict) else None
        if task_id is not None:
            self._record(task_id, RUNNING)
        return reply

    def _record(self, task_id: str, status: str) -> None:
        with self._lock:
            first_sight = task_id not in self._status
            self._status[task_id] = status
            if status == RUNNING:
                self._running.add(task_id)
                if self._first_run is None:
                    self._first_run = time.monotonic()
                return
            was_running = task_id in self._running
            self._running.discard(task_id)
            if status == DONE and first_sight:
                self._cached.add(task_id)
            if was_running and status in (DONE, FAILED):
                self._last_finished = time.monotonic()

    def failed_ids(self) -> list[str]:
        """The tasks whose last reported status is FAILED, in the order they were first seen."""
        with self._lock:
            return [task_id for task_id, status in self._status.items() if status == FAILED]

    def counts(self) -> Counts:
        with self._lock:
            statuses = list(self._status.values())
            done = statuses.count(DONE)
            cached = len(self._cached & {task_id for task_id, status in self._status.items() if status == DONE})
            now = time.monotonic()
            ran_elapsed = (self._last_finished or now) - self._first_run if self._first_run is not None else 0.0
            return Counts(
                total=len(statuses),
                cached=cached,
                ran=done - cached,
                failed=statuses.count(FAILED),
                running=len(self._running),
                elapsed=now - self._started,
                ran_elapsed=ran_elapsed,
            )


def format_duration(seconds: float) -> str:
    """`0:14`, `12:03`, `1:02:03`."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def format_counts(counts: Counts) -> str:
    """`12/40 done · 2 running · 1 failed · 0:14 elapsed · ~0:30 left`."""
    line = (
        f"{counts.done}/{counts.total} done · {counts.running} running · {counts.failed} failed · "
        f"{format_duration(counts.elapsed)} elapsed"
    )
    remaining = counts.total - counts.done - counts.failed
    if counts.ran and remaining > 0 and counts.ran_elapsed > 0:
        line += f" · ~{format_duration(counts.ran_elapsed / counts.ran * remaining)} left"
    return line


class ProgressPrinter:
    """Prints counts (a CountingScheduler's): redrawn in place on a terminal, a plain line now and then elsewhere."""

    def __init__(
        self, counts: Callable[[], Counts | None], stream: IO[str] | None = None, plain_interval: float | None = None
    ) -> None:
        self.counts = counts
        self.stream = stream or sys.stderr
        self.terminal = bool(getattr(self.stream, "isatty", lambda: False)())
        self.plain_interval = PLAIN_INTERVAL_SECONDS if plain_interval is None else plain_interval
        self._stop = threading.Event()

    @contextmanager
    def running(self) -> Iterator[None]:
        """Print while the block runs, and the final counts when it ends."""
        thread = threading.Thread(target=self._loop, name="kartwheel-progress", daemon=True)
        thread.start()
        try:
            yield
        finally:
            self._stop.set()
            thread.join()
            self._print(final=True)

    def _loop(self) -> None:
        interval = TERMINAL_INTERVAL_SECONDS if self.terminal else self.plain_interval
        while not self._stop.wait(interval):
            self._print(final=False)

    def _print(self, final: bool) -> None:
        counts = self.counts()
        if counts is None:
            return  # the worker has not been created yet
        line = format_counts(counts)
        if self.terminal:
            self.stream.write(f"\r\x1b[K{line}" + ("\n" if final else ""))
        else:
            self.stream.write(f"progress: {line}\n")
        self.stream.flush()
