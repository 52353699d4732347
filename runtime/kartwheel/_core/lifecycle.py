"""What happens around a task's `run` when a luigi worker runs it: seeding, checks, logs, cleanup.

Hooked into luigi's own points (the START and PROCESSING_TIME events, `on_success`, `on_failure`), so a
direct `task.run()` in a unit test stays a plain call, as it is in luigi. What a run records lives in
one `RunState` per task.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import luigi
from luigi.task import flatten

from ..errors import MissingOutputError
from . import settings
from .logs import gokart_str_params, write_logs
from .seed import apply_seed, seed_from_unique_id

if TYPE_CHECKING:
    from .task import TaskOnKart

__all__ = ["RunState", "after_failure", "after_success", "before_run", "record_processing_time"]


@dataclass
class RunState:
    """A task's run, from luigi's START event to `on_success` / `on_failure`."""

    rerun_pending: bool = False  # the outputs present are to be replaced: the task is not complete yet
    dumped: set[str] = field(default_factory=set)  # outputs written by this run, by path
    seed: dict[str, Any] = field(default_factory=lambda: {"seed": None, "seed_methods": []})
    processing_time: float = 0.0  # seconds luigi measured around run()
    done_elsewhere: bool = False  # another process wrote the outputs while this one waited for the lock
    in_run: bool = False  # inside run(): complete_check_at_run does not cut a super().run() short
    found_incomplete: bool = False  # the writer lock's check just found it incomplete: run() need not ask again


def before_run(task: TaskOnKart) -> None:
    """Seed the random generators; for a rerun, first remove the outputs it is to replace.

    Otherwise an output already present was written by this very task (same hash) and stays valid;
    the task runs because another of its outputs is missing, which the check after run catches.
    Once the old outputs are gone the rerun is under way, so `complete()` answers from the new ones
    (luigi's `check_complete_on_run` asks it before `on_success`).
    """
    state = task.__kart_state__
    if state.rerun_pending or task.modification_time_check:
        for target in _own_outputs(task):
            target.remove()
        state.rerun_pending = False
    state.dumped = set()
    state.done_elsewhere = False
    seed = task.fix_random_seed_value
    if seed is None:
        seed = seed_from_unique_id(task.make_unique_id())
    state.seed = {"seed": seed, "seed_methods": apply_seed(seed, task.fix_random_seed_methods)}


def record_processing_time(task: TaskOnKart, seconds: float) -> None:
    """Keep the duration luigi measured around `run`, for the processing_time log."""
    task.__kart_state__.processing_time = float(seconds)


def after_success(task: TaskOnKart) -> None:
    """Fail unless every declared output was written, then write the logs (unless switched off)."""
    state = task.__kart_state__
    outputs = flatten(task.output())
    missing = [str(target) for target in outputs if str(target) not in state.dumped and not target.exists()]
    if missing:
        raise MissingOutputError(
            f"{task} finished run() without writing {', '.join(missing)}; "
            "call self.dump(obj) (or self.dump(obj, 'name') for each named output) before run() returns"
        )
    if state.done_elsewhere:
        return  # another process ran it and wrote its logs
    if settings.current().supplementary_logs and task.should_dump_supplementary_log_files:
        # gokart's `file_path`: what thunderbolt loads, the paths as the targets give them, as plain str
        task.task_log["file_path"] = [str(getattr(target, "path", target)) for target in outputs]
        write_logs(
            str(task.workspace_directory),
            f"{type(task).__name__}_{task.make_unique_id()}",
            module=type(task).__module__,
            processing_time=state.processing_time,
            seed=state.seed,
            task_log=task.task_log,
            params=gokart_str_params(task),
        )


def after_failure(task: TaskOnKart) -> None:
    """Remove whatever a failed run wrote, so that nothing half-done looks complete."""
    for target in _own_outputs(task):
        with contextlib.suppress(Exception):
            target.remove()


def _own_outputs(task: TaskOnKart) -> list:
    """The outputs a task writes itself: none for a wrapper, whose outputs are its requirements'."""
    return [] if task.__kart_is_wrapper__() else flatten(task.output())


def install_event_handlers(task_class: type[luigi.Task]) -> None:
    """Register the START and PROCESSING_TIME handlers for every subclass of `task_class`."""
    task_class.event_handler(luigi.Event.START)(before_run)
    task_class.event_handler(luigi.Event.PROCESSING_TIME)(record_processing_time)
