"""Checks behind `TaskOnKart.complete()`: input ages, dependencies yielded by `run()`, and `complete_check_at_run`
(a task's `run()` skipped when its outputs appeared since it was scheduled)."""

from __future__ import annotations

import contextlib
import functools
import inspect
import warnings
from collections.abc import Iterator
from typing import Any

from .._luigi.per_class import per_class
from ..errors import DynamicDependencyWarning

__all__ = ["checked_run", "complete_check_skipped", "is_checked", "outputs_newer", "warn_dynamic_dependencies"]


def warn_dynamic_dependencies(cls: type) -> None:
    """Say once per class that the tasks `run()` yields are not part of the hash of its cached outputs."""
    per_class(cls, "_kartwheel_warned_dynamic", lambda: _warn(cls))


def _warn(cls: type) -> bool:
    warnings.warn(
        DynamicDependencyWarning(
            f"{cls.__name__} yields tasks from run(); they are not part of its hash, so its outputs are reused "
            "even when those tasks change. Return them from requires() or pass them as task parameters to have "
            "a change rerun it (or build with rerun=True)."
        ),
        stacklevel=4,
    )
    return True


def outputs_newer(inputs: list[Any], outputs: list[Any]) -> bool:
    """Whether no input (other than the outputs themselves) was written after the oldest output."""
    own = {str(target) for target in outputs}
    present = [target for target in inputs if str(target) not in own and target.exists()]
    if not present:
        return True
    newest_input = max(target.last_modification_time() for target in present)
    return min(target.last_modification_time() for target in outputs) >= newest_input


def is_checked(run: Any) -> bool:
    """Whether `run` is already wrapped by `checked_run`."""
    return bool(getattr(run, "__kart_checked__", False))


def checked_run(run: Any) -> Any:
    """`run`, skipped when complete_check_at_run is set and the task is already complete.

    Another worker may have written the outputs since this one was scheduled. Only the outermost run
    checks, so that a subclass's run() calling super().run() is not cut short by its own dumps.
    """

    def skip(self: Any) -> bool:
        state = self.__kart_state__
        if state.in_run or not self.complete_check_at_run:
            return False
        if state.found_incomplete:  # checked an instant ago, under the writer lock
            state.found_incomplete = False
            return False
        return bool(self.complete())

    if inspect.isgeneratorfunction(run):  # stays a generator function: luigi and the hash ask

        @functools.wraps(run)
        def yield_unless_complete(self: Any, *args: Any, **kwargs: Any) -> Any:
            if skip(self):
                return
            yield from run(self, *args, **kwargs)

        yield_unless_complete.__kart_checked__ = True  # type: ignore[attr-defined]  # a marker on the function
        return yield_unless_complete

    @functools.wraps(run)
    def run_unless_complete(self: Any, *args: Any, **kwargs: Any) -> Any:
        if skip(self):
            return None
        state = self.__kart_state__
        outer = not state.in_run
        state.in_run = True
        try:
            return run(self, *args, **kwargs)
        finally:
            if outer:
                state.in_run = False

    run_unless_complete.__kart_checked__ = True  # type: ignore[attr-defined]  # a marker on the function
    return run_unless_complete


@contextlib.contextmanager
def complete_check_skipped(task: Any) -> Iterator[None]:
    """Inside, `task.run()` runs even if the task is complete (to run a finished task again on purpose)."""
    state = task.__kart_state__
    previous = state.in_run
    state.in_run = True
    try:
        yield
    finally:
        state.in_run = previous
