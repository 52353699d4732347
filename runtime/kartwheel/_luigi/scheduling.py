"""luigi's own scheduler and worker, minus the per-task costs that grow with the graph.

luigi's local scheduler answers every "what runs next?" by pruning, counting and sorting the whole
graph: quadratic in the number of tasks. `LocalScheduler` keeps a ready queue instead, for the case
luigi itself treats as simple (one worker, no resources, no batching, not paused), and hands every
other case, and the final "nothing left" answer, to luigi's code. A central `luigid` is untouched.
`[kartwheel] fast_scheduler = false` hands scheduling back to luigi's own scheduler and result queue.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import heapq
import logging
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import luigi.interface
import luigi.rpc
import luigi.scheduler
import luigi.worker
from luigi.scheduler import BATCH_RUNNING, DISABLED, DONE, FAILED, PENDING, RUNNING

from .names import requires_attribute

__all__ = ["LocalScheduler", "Worker", "WorkerHooks", "WorkerSchedulerFactory", "deep_graphs", "unwrapped"]

for _name in (
    "_schedulable",
    "_update_worker",
    "_update_task_history",
    "_rank",
    "_prune_tasks",
    "get_work",
    "add_task",
    "prune",
):
    requires_attribute(luigi.scheduler.Scheduler, _name)
for _name in ("_create_task_process", "_run_task", "_keep_alive", "run", "__exit__"):
    requires_attribute(luigi.worker.Worker, _name)
requires_attribute(luigi.worker.TaskProcess, "_run_get_new_deps")
requires_attribute(luigi.interface, "_WorkerSchedulerFactory")
_STATE_NAMES = (
    "get_task",
    "inactivate_workers",
    "fail_dead_worker_task",
    "update_status",
    "may_prune",
    "inactivate_tasks",
)
for _name in _STATE_NAMES:
    requires_attribute(luigi.scheduler.SimpleTaskState, _name)

logger = logging.getLogger(__name__)

# Polls a worker on luigid makes, finding nothing running and nothing to run, before it gives up on pending
# tasks that wait on something only a rerun can mend: a task that failed here, a missing input, a task that
# could not be scheduled. Pending tasks that wait on other workers (alive, or dead and not yet found so by
# luigid, whose tasks it hands out again) are waited for while luigid answers.
IDLE_POLLS = 3

# How often the scheduler looks for dead workers and retryable failures (luigi does it on every request).
PRUNE_INTERVAL_SECONDS = 1.0


@dataclass(frozen=True)
class WorkerHooks:
    """What the layers above add to luigi's worker and scheduler, as plain functions (this layer knows no task)."""

    read_fast_paths: Callable[[], bool]  # read the settings now; whether the fast scheduler and queue are on
    fast_paths: Callable[[], bool]  # whether they are on, as last read
    around_run: Callable[[Any, Callable[[], Any]], Any]  # calls a task's run (e.g. under its writer lock)
    before_task_process: Callable[[Any], None]  # in the worker's process, before a task's process is made
    after_worker_run: Callable[[], None]  # when the worker's loop ended (e.g. wait for logs to be written)
    scheduling_pass: Callable[[], contextlib.AbstractContextManager[Any]]  # around the worker's graph walk (`add`)


def unwrapped(scheduler: Any) -> Any:
    """The scheduler behind a wrapper that declares one (`wrapped_scheduler`); `scheduler` itself otherwise."""
    return getattr(scheduler, "wrapped_scheduler", scheduler)


class _TaskRecipe:
    """How luigi's scheduler would make a task it may not need: made only if the task is new.

    luigi's `add_task` builds a whole task record, and one more for each dependency, on every call,
    then throws them away when the task is already known, which is almost always.
    """

    __slots__ = ("kwargs", "make")

    def __init__(self, make: Any, kwargs: dict[str, Any]) -> None:
        self.make = make
        self.kwargs = kwargs


class _TaskState(luigi.scheduler.SimpleTaskState):
    """luigi's task table, which makes a task from a `_TaskRecipe` only when the id is new, and notes when a
    worker is dropped (its tasks may then lose their last stakeholder)."""

    workers_dropped = False

    def inactivate_workers(self, delete_workers: Any) -> None:
        """luigi's, skipped when there is no worker to drop: luigi then still visits every task to remove
        nothing from it, at every prune."""
        if not delete_workers:
            return
        self.workers_dropped = True
        super().inactivate_workers(delete_workers)

    def get_task(self, task_id: str, default: Any = None, setdefault: Any = None) -> Any:
        if not isinstance(setdefault, _TaskRecipe):
            return super().get_task(task_id, default, setdefault)
        task = self._tasks.get(task_id)
        if task is None:
            task = self._tasks[task_id] = setdefault.make(**setdefault.kwargs)
        self._status_tasks[task.status][task.id] = task
        return task


class LocalScheduler(luigi.scheduler.Scheduler):
    """luigi's scheduler with a ready queue: `get_work` costs O(log N), not O(N)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("record_task_history", False)
        kwargs["prune_on_get_work"] = False  # pruned every PRUNE_INTERVAL_SECONDS instead
        super().__init__(**kwargs)
        collector = self._state._metrics_collector
        self._state = _TaskState(self._config.state_path)
        self._state._metrics_collector = collector
        make = self._make_task
        # luigi types _make_task as the partial it builds; _TaskState accepts this recipe in its place.
        self._make_task = lambda **task_kwargs: _TaskRecipe(make, task_kwargs)  # type: ignore[assignment]
        self._dependents: dict[str, set[str]] = collections.defaultdict(set)
        self._ready: list[tuple[int, float, str]] = []  # (-priority, time, id): luigi's order
        self._stale = True  # the ready queue must be rebuilt from the task table
        self._uses_resources = False
        self._first_unfinished: dict[str, tuple[list[str], int]] = {}  # id -> (deps, index of first not DONE)
        self._waiting_on: dict[str, str] = {}  # id -> the dependency it was last found waiting on
        self._last_prune = time.time()
        # Whether some task may lack a stakeholder or carry a removal time: then a prune looks at every task,
        # as luigi's does; until then only RUNNING, FAILED and DISABLED tasks can change (see _prune_tasks).
        self._prune_every_task = False

    # -- keeping the ready queue in step with every change luigi makes -----------------------------

    def add_task(
        self,
        task_id: str | None = None,
        status: str = PENDING,
        deps: Any = None,
        new_deps: Any = None,
        resources: Any = None,
        **kwargs: Any,
    ) -> Any:
        reply = super().add_task(
            task_id=task_id, status=status, deps=deps, new_deps=new_deps, resources=resources, **kwargs
        )
        if task_id is None:
            return reply  # luigi has nothing to schedule without an id
        self._uses_resources = self._uses_resources or bool(resources)
        if kwargs.get("assistant") or kwargs.get("batch_id") is not None:
            self._prune_every_task = True  # tasks without a stakeholder, or removed when they fail
        for dep in list(deps or ()) + list(new_deps or ()):
            self._dependents[dep].add(task_id)
        if deps is not None or new_deps:
            self._first_unfinished.pop(task_id, None)
        if status == DONE:
            self._wake_dependents_of(task_id)
        if not (status in (DONE, FAILED, RUNNING) and deps is None and not new_deps):
            self._stale = True  # scheduling, dynamic dependencies or suspension: rebuild next time
        return reply

    def _wake_dependents_of(self, task_id: str) -> None:
        for parent_id in self._dependents.get(task_id, ()):
            if self._waiting_on.get(parent_id) == task_id:
                parent = self._state.get_task(parent_id)
                if parent is not None and parent.status == PENDING:
                    heapq.heappush(self._ready, (-parent.priority, parent.time, parent.id))

    def _prune_tasks(self) -> None:
        """luigi's pruning of tasks, looking only at the tasks it can change (O(running + failed), not O(graph)).

        luigi's loop over every task fails RUNNING tasks of a vanished worker, retries FAILED tasks, re-enables
        DISABLED ones, and marks and later removes tasks without a stakeholder. Every task this scheduler
        made has the adding worker as a stakeholder, and a stakeholder goes away only with its worker, so
        until a worker is dropped, or an assistant or a batch adds tasks, no other task can change.
        """
        state = self._state
        if self._prune_every_task or not isinstance(state, _TaskState) or state.workers_dropped:
            self._prune_every_task = True
            super()._prune_tasks()
            self._stale = True
            return
        statuses = (RUNNING, BATCH_RUNNING, FAILED, DISABLED)
        tasks = [task for status in statuses for task in state._status_tasks[status].values()]
        if not tasks:
            return
        before = [task.status for task in tasks]
        assistant_ids = {worker.id for worker in state.get_assistants()}
        removed = []
        for task in tasks:
            state.fail_dead_worker_task(task, self._config, assistant_ids)
            state.update_status(task, self._config)
            if state.may_prune(task):
                logger.info("Removing task %r", task.id)
                removed.append(task.id)
        state.inactivate_tasks(removed)
        if removed or any(task.status != status for task, status in zip(tasks, before, strict=True)):
            self._stale = True  # a task came back to PENDING, or went: rebuild the ready queue

    def forgive_failures(self, task_id: str | None = None) -> Any:
        self._stale = True
        return super().forgive_failures(task_id)

    def mark_as_done(self, task_id: str | None = None) -> Any:
        self._stale = True
        return super().mark_as_done(task_id)

    def re_enable_task(self, task_id: str | None = None) -> Any:
        self._stale = True
        return super().re_enable_task(task_id)

    # -- answering get_work ------------------------------------------------------------------------

    def _is_ready(self, task: Any) -> bool:
        """luigi's `_schedulable`, resumed from the first dependency not yet seen DONE (amortised O(1))."""
        deps, index = self._first_unfinished.get(task.id) or (list(task.deps), 0)
        while index < len(deps):
            dep = self._state._tasks.get(deps[index])
            if dep is None or dep.status != DONE:
                self._first_unfinished[task.id] = (deps, index)
                self._waiting_on[task.id] = deps[index]
                return False
            index += 1
        self._first_unfinished[task.id] = (deps, index)
        self._waiting_on.pop(task.id, None)
        if self._schedulable(task):
            return True
        self._first_unfinished.pop(task.id, None)  # a dependency went back from DONE: look again in full
        return False

    def _simple_case(self, assistant: bool) -> bool:
        state = self._state
        return (
            not assistant
            and not self._paused
            and len(state._active_workers) == 1
            and not state._task_batchers
            and not self._uses_resources
        )

    def _counts(self) -> dict[str, Any]:
        pending = len(self._state._status_tasks[PENDING]) + len(self._state._status_tasks[FAILED])
        return {
            "n_pending_tasks": pending,
            "n_unique_pending": pending,
            "n_pending_last_scheduled": pending,
            "worker_state": luigi.scheduler.WORKER_STATE_ACTIVE,
            "running_tasks": [],
        }

    def get_work(
        self,
        host: str | None = None,
        assistant: bool = False,
        current_tasks: Any = None,
        worker: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        now = time.time()
        if now - self._last_prune > PRUNE_INTERVAL_SECONDS:
            self._last_prune = now
            self.prune()
        luigi_answer = {"host": host, "assistant": assistant, "current_tasks": current_tasks, "worker": worker}
        if not self._simple_case(assistant) or not self._update_worker(worker, {"host": host}, get_work=True).enabled:
            return super().get_work(**luigi_answer, **kwargs)
        best = self._reclaimed_task(worker, current_tasks) or self._next_ready(worker)
        if best is None:
            if not self._state._status_tasks[RUNNING]:
                self._stale = True
                return super().get_work(**luigi_answer, **kwargs)  # the final answer is luigi's own
            return {**self._counts(), "task_id": None}
        if best.status != RUNNING:
            self.update_metrics_task_started(best)
            self._state.set_status(best, RUNNING, self._config)
            best.worker_running = worker
            best.resources_running = best.resources.copy()
            best.time_running = time.time()
            self._update_task_history(best, RUNNING, host=host)
        return {
            **self._counts(),
            "task_id": best.id,
            "task_family": best.family,
            "task_module": getattr(best, "module", None),
            "task_params": best.params,
        }

    def _reclaimed_task(self, worker: str | None, current_tasks: Any) -> Any:
        """A task this worker runs but no longer reports, as luigi hands it back."""
        if current_tasks is None:
            return None
        reported = set(current_tasks)
        found = None
        for task in sorted(self._state.get_active_tasks_by_status(RUNNING), key=self._rank):
            if task.worker_running == worker and task.id not in reported:
                found = task
        return found

    def _next_ready(self, worker: str | None) -> Any:
        state = self._state
        if self._stale:
            self._ready = [
                (-task.priority, task.time, task.id)
                for task in state._status_tasks[PENDING].values()
                if worker in task.workers and self._is_ready(task)
            ]
            heapq.heapify(self._ready)
            self._stale = False
        while self._ready:
            negative_priority, _, task_id = heapq.heappop(self._ready)
            task = state.get_task(task_id)
            if task is None or task.status != PENDING or worker not in task.workers:
                continue
            if -negative_priority != task.priority:
                heapq.heappush(self._ready, (-task.priority, task.time, task_id))
                continue
            if self._is_ready(task):
                return task
        return None


class _InProcessQueue(queue.SimpleQueue):
    """The result queue for a worker that runs its tasks in its own process: no pipe, no feeder thread."""

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        return super().get(block, timeout)

    def close(self) -> None:
        """Nothing to release."""


class Worker(luigi.worker.Worker):
    """luigi's worker; with one process and no timeouts, task results skip the multiprocessing queue."""

    def __init__(self, *args: Any, hooks: WorkerHooks, **kwargs: Any) -> None:
        self._outer_usr1 = _usr1_handler()
        self._hooks = hooks
        super().__init__(*args, **kwargs)
        self._in_process = (
            hooks.fast_paths()
            and self.worker_processes <= 1
            and not self._config.force_multiprocessing
            and not self._config.timeout
        )
        if self._in_process:
            self._task_result_queue.close()
            # luigi types the queue as multiprocessing's; the worker uses only put, get and close.
            self._task_result_queue = _InProcessQueue()  # type: ignore[assignment]

    def __exit__(self, *exc: object) -> bool:
        """luigi's clean-up; then give SIGUSR1 back, which luigi leaves pointing at this worker, and so
        keeps it and the whole graph it scheduled alive until the next build."""
        suppressed = super().__exit__(*exc)
        if self._outer_usr1 is not None and _usr1_handler() == self.handle_interrupt:
            signal.signal(signal.SIGUSR1, self._outer_usr1)
        return suppressed

    def add(self, *args: Any, **kwargs: Any) -> bool:
        """luigi's walk of the graph (which tasks are complete, what to declare), inside a scheduling pass."""
        with self._hooks.scheduling_pass():
            return bool(super().add(*args, **kwargs))

    def run(self) -> bool:
        """Run luigi's worker loop; then wait for the logs of the tasks it ran to be written."""
        succeeded = super().run()
        self._hooks.after_worker_run()
        return succeeded

    def _keep_alive(self, get_work_response: Any) -> bool:
        """On luigid, stay while tasks of this graph run or are pending there and could still run, so that
        the exit code can say whether the root got done: a task of a killed worker is failed by luigid
        after `worker_disconnect_delay` and handed out again after `retry_delay`. Leave once luigid counts
        nothing pending, or a few polls after finding that what is pending waits on a failure some worker
        reported, a missing input or a task this worker could not schedule. luigi's own rule on the local scheduler, or
        when `[core] worker-keep-alive` is configured."""
        remote = isinstance(unwrapped(self._scheduler), luigi.rpc.RemoteScheduler)
        if self._config.keep_alive or self._assistant or not remote:
            return super()._keep_alive(get_work_response)
        if get_work_response.running_tasks:
            self._idle_polls = 0
            return True
        self._idle_polls = getattr(self, "_idle_polls", 0) + 1
        pending = get_work_response.n_pending_tasks
        if pending <= 0:
            return False
        if self._idle_polls % IDLE_POLLS:
            return True
        if self._stuck_here() or self._failed_elsewhere():
            return False
        if self._idle_polls == IDLE_POLLS:
            logger.info(
                "%d task(s) of this graph pending on the scheduler and none running: waiting for them to be "
                "handed out (a killed worker's task is, after the scheduler's worker_disconnect_delay and "
                "retry_delay)",
                pending,
            )
        return True

    def _stuck_here(self) -> bool:
        """Whether this worker saw what only a rerun mends: a task failing here, a task it could not
        schedule, or an input (an external task's output) that does not exist."""
        if not self.run_succeeded or not self.add_succeeded:
            return True
        return any(status == PENDING and not runnable for _, status, runnable in self._add_task_history)

    def _failed_elsewhere(self) -> bool:
        """Whether luigid holds a task of this graph that failed with an error (its worker reported it), as
        opposed to one failed only because its worker went silent, which luigid hands out again; True
        when luigid cannot say."""
        if not self._add_task_history:
            return True
        root_id = self._add_task_history[0][0].task_id  # the root is added first
        try:
            graph = self._scheduler.dep_graph(root_id, include_done=False) or {}
            failed = [task_id for task_id, info in graph.items() if info.get("status") == "FAILED"]
            return any((self._scheduler.fetch_error(task_id) or {}).get("error") for task_id in failed)
        except Exception:
            return True

    def _run_task(self, task_id: str) -> Any:
        self._idle_polls = 0
        return super()._run_task(task_id)

    def _create_task_process(self, task: Any) -> Any:
        self._hooks.before_task_process(task)
        if self._in_process and task.worker_timeout:
            # A task with a timeout runs in a child process, which cannot reach an in-process queue. With
            # one process nothing else is running now, so the queue is empty and can be swapped.
            import multiprocessing

            self._task_result_queue = multiprocessing.Queue()
            self._in_process = False
        process = super()._create_task_process(task)
        process._run_get_new_deps = functools.partial(self._hooks.around_run, task, process._run_get_new_deps)
        return process


def _usr1_handler() -> Any:
    """The current SIGUSR1 handler, or None where it cannot be changed (no SIGUSR1, or not the main thread)."""
    if not hasattr(signal, "SIGUSR1") or threading.current_thread() is not threading.main_thread():
        return None
    return signal.getsignal(signal.SIGUSR1)


class WorkerSchedulerFactory(luigi.interface._WorkerSchedulerFactory):
    """What `build` and `run` hand to luigi: the fast local scheduler, luigi's remote one for luigid.

    luigi asks for the scheduler first, within the run's command line: the settings are read then
    (config and `--kartwheel-*` options), for the whole build. `wrap` may put a wrapper between the
    worker and its scheduler (one that counts, say).
    """

    def __init__(self, hooks: WorkerHooks) -> None:
        self.hooks = hooks

    def create_local_scheduler(self) -> luigi.scheduler.Scheduler:
        if not self.hooks.read_fast_paths():
            return super().create_local_scheduler()
        return LocalScheduler()

    def create_remote_scheduler(self, url: str) -> Any:
        self.hooks.read_fast_paths()
        return super().create_remote_scheduler(url)

    def create_worker(self, scheduler: Any, worker_processes: int, assistant: bool = False) -> Worker:
        return Worker(
            scheduler=self.wrap(scheduler), worker_processes=worker_processes, assistant=assistant, hooks=self.hooks
        )

    def wrap(self, scheduler: Any) -> Any:
        """The scheduler the worker talks to: `scheduler` itself here."""
        return scheduler


@contextlib.contextmanager
def deep_graphs(limit: int = 200_000) -> Iterator[None]:
    """Let luigi's execution summary walk deep graphs: it recurses once per task of a failed chain."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)
