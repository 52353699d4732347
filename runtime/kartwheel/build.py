"""`build`: run tasks in this process with luigi's local scheduler and return what they dumped."""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections.abc import Iterator
from typing import Any

import luigi
from luigi.execution_summary import LuigiStatusCode

from .errors import BuildError

__all__ = ["build"]

_SUCCESS = (LuigiStatusCode.SUCCESS, LuigiStatusCode.SUCCESS_WITH_RETRY)


@contextlib.contextmanager
def _failures() -> Iterator[list[tuple[luigi.Task, BaseException]]]:
    """Collect the exceptions of tasks that fail or break in this process, with their tracebacks."""
    seen: list[tuple[luigi.Task, BaseException]] = []

    def record(task: luigi.Task, exception: BaseException) -> None:
        seen.append((task, exception))

    events = (luigi.Event.FAILURE, luigi.Event.BROKEN_TASK)
    for event in events:
        luigi.Task.event_handler(event)(record)
    try:
        yield seen
    finally:
        for event in events:
            luigi.Task._event_callbacks[luigi.Task][event].discard(record)


def _failure_message(result: Any, seen: list[tuple[luigi.Task, BaseException]]) -> tuple[str, BaseException | None]:
    """Name the failing task and carry its traceback, from this process or from the scheduler."""
    if seen:
        task, exception = seen[0]
        trace = "".join(traceback.format_exception(type(exception), exception, exception.__traceback__))
        return f"{task} failed: {type(exception).__name__}: {exception}\n\n{trace}", exception
    scheduler = result.worker._scheduler
    for task_id in scheduler.task_list("FAILED", ""):
        error = scheduler.fetch_error(task_id).get("error") or ""
        return f"{task_id} failed:\n\n{error}", None
    return f"the build did not succeed ({result.status.name}):\n{result.summary_text}", None


def build(
    tasks: luigi.Task | list[luigi.Task],
    return_value: bool = True,
    log_level: int | str = logging.ERROR,
    **env_params: Any,
) -> Any:
    """Run `tasks` and everything they need; return what they dumped (or True with return_value=False).

    Raises `BuildError` naming the failing task, with its original exception chained, when any task
    fails, cannot be scheduled or needs missing external data. `env_params` go to luigi (e.g. workers=2).
    """
    task_list = tasks if isinstance(tasks, list) else [tasks]
    env_params.setdefault("local_scheduler", True)
    if isinstance(log_level, int):
        log_level = logging.getLevelName(log_level)
    with _failures() as seen:
        result = luigi.build(task_list, detailed_summary=True, log_level=log_level, **env_params)
    if result.status not in _SUCCESS:
        message, cause = _failure_message(result, seen)
        raise BuildError(message) from cause
    if not return_value:
        return True
    outputs = [_load_output(task) for task in task_list]
    return outputs if isinstance(tasks, list) else outputs[0]


def _load_output(task: luigi.Task) -> Any:
    output = task.output()
    if isinstance(output, dict):
        return {key: target.load() for key, target in output.items()}
    if isinstance(output, (list, tuple)):
        return [target.load() for target in output]
    return output.load()
