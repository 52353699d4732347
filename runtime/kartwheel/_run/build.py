"""`build`: run tasks in this process with luigi's local scheduler and return what they dumped."""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections.abc import Iterator
from typing import Any

import luigi
from luigi.execution_summary import LuigiStatusCode

from .._core.hashing import invalidate_hashes
from .._luigi.interface import scheduler_of
from .._luigi.registry import (
    ambiguity_explained,
    ambiguous_family_message,
    event_handlers,
    forget_redefined_task_classes,
)
from .._luigi.scheduling import deep_graphs
from .._targets.target import load_targets
from ..errors import BuildError
from .scheduling import SchedulerFactory

__all__ = ["GokartBuildError", "build"]

# The name gokart's code catches (`from gokart.build import GokartBuildError`): the same class.
GokartBuildError = BuildError

_SUCCESS = (LuigiStatusCode.SUCCESS, LuigiStatusCode.SUCCESS_WITH_RETRY)


@contextlib.contextmanager
def _problems() -> Iterator[tuple[list[tuple[luigi.Task, BaseException]], list[luigi.Task]]]:
    """Collect, in this process, tasks that failed or broke (with their exceptions) and missing ones."""
    failed: list[tuple[luigi.Task, BaseException]] = []
    missing: list[luigi.Task] = []

    def record_failure(task: luigi.Task, exception: BaseException) -> None:
        failed.append((task, exception))

    def record_missing(task: luigi.Task) -> None:
        missing.append(task)

    handlers = {
        luigi.Event.FAILURE: record_failure,
        luigi.Event.BROKEN_TASK: record_failure,
        luigi.Event.DEPENDENCY_MISSING: record_missing,
    }
    with event_handlers(handlers):
        yield failed, missing


def _complete_error(task: luigi.Task) -> BaseException | None:
    """The exception a task's complete() raises, if any (luigi logs it but keeps only the text)."""
    try:
        task.complete()
    except Exception as exc:
        return exc
    return None


def _describe(task: luigi.Task, exception: BaseException) -> tuple[str, BaseException]:
    ambiguity = ambiguity_explained(exception)
    if ambiguity is not None:
        return f"{task} failed: {ambiguity}", exception
    trace = "".join(traceback.format_exception(type(exception), exception, exception.__traceback__))
    return f"{task} failed: {type(exception).__name__}: {exception}\n\n{trace}", exception


def _failure_message(
    result: Any, failed: list[tuple[luigi.Task, BaseException]], missing: list[luigi.Task]
) -> tuple[str, BaseException | None]:
    """Name the failing task and carry its traceback, from this process or from the scheduler."""
    if failed:
        return _describe(*failed[0])
    for task in missing:
        error = _complete_error(task)
        if error is not None:
            return _describe(task, error)
    scheduler = scheduler_of(getattr(result, "worker", None))
    if scheduler is not None:
        for task_id in scheduler.task_list("FAILED", ""):
            trace = scheduler.fetch_error(task_id).get("error") or ""
            return f"{task_id} failed:\n\n{trace}", None
    if missing:
        outputs = ", ".join(str(target) for target in luigi.task.flatten(missing[0].output()))
        return f"missing data: {missing[0]} is not complete and cannot be run here (no {outputs})", None
    return f"the build did not succeed ({result.status.name}):\n{result.summary_text}", None


def _raised_exceptions(failed: list[tuple[luigi.Task, BaseException]]) -> dict[str, list[BaseException]]:
    """The exceptions raised in this process, by the hash (luigi's task_id for plain luigi tasks) of their task."""
    raised: dict[str, list[BaseException]] = {}
    for task, exception in failed:
        key = task.make_unique_id() if hasattr(task, "make_unique_id") else task.task_id
        raised.setdefault(key, []).append(exception)
    return raised


def _check_unambiguous(task_list: list[luigi.Task]) -> None:
    """Refuse roots of two classes that share a family: luigi would take them for one task."""
    classes: dict[str, set[type]] = {}
    for task in task_list:
        classes.setdefault(task.get_task_family(), set()).add(type(task))
    for family, shared in classes.items():
        if len(shared) > 1:
            raise BuildError(ambiguous_family_message(family) or f"task {family!r} is ambiguous")


def build(
    task: luigi.Task | list[luigi.Task],
    return_value: bool = True,
    reset_register: bool = True,
    log_level: int | str = logging.ERROR,
    **env_params: Any,
) -> Any:
    """Run `task` (or a list of tasks) and everything it needs; return what it dumped (True with return_value=False).

    Raises `BuildError` (also named `GokartBuildError`) naming the failing task, with its original
    exception chained and every exception by task hash in `raised_exceptions`, when any task fails,
    cannot be scheduled or needs missing external data. `reset_register` forgets older definitions of
    re-defined task classes. `env_params` go to luigi (e.g. workers=2).
    """
    tasks = task
    task_list = tasks if isinstance(tasks, list) else [tasks]
    invalidate_hashes()  # the configuration may have changed since these tasks were hashed
    if reset_register:
        forget_redefined_task_classes()
    _check_unambiguous(task_list)
    env_params.setdefault("local_scheduler", True)
    if isinstance(log_level, int):
        log_level = logging.getLevelName(log_level)
    with _problems() as (failed, missing), deep_graphs():
        try:
            result = luigi.build(
                task_list,
                worker_scheduler_factory=SchedulerFactory(),
                detailed_summary=True,
                log_level=log_level,
                **env_params,
            )
        except Exception as exc:
            ambiguity = ambiguity_explained(exc)
            if ambiguity is None:
                raise
            raise BuildError(ambiguity) from None
    if result.status not in _SUCCESS:
        message, cause = _failure_message(result, failed, missing)
        raise BuildError(message, raised_exceptions=_raised_exceptions(failed)) from cause
    if not return_value:
        return True
    outputs = [load_targets(task.output()) for task in task_list]
    return outputs if isinstance(tasks, list) else outputs[0]
