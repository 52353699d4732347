"""luigi's task registry and event callbacks: the classes it knows, and handlers added for a while."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import luigi
import luigi.task
from luigi.task_register import Register, TaskClassAmbigiousException

from .names import requires_attribute

__all__ = [
    "ambiguity_explained",
    "ambiguous_family_message",
    "event_handlers",
    "forget_redefined_task_classes",
    "registered_task_classes",
    "task_wraps",
]

requires_attribute(Register, "_reg")
requires_attribute(Register, "_get_reg")
requires_attribute(luigi.Task, "_event_callbacks")
requires_attribute(luigi.task, "_task_wraps")

# `functools.wraps` for a class that subclasses a task class (luigi's own helper, so luigi registers it right).
task_wraps: Callable[[type], Callable[[type], type]] = luigi.task._task_wraps


def registered_task_classes() -> dict[str, type]:
    """Family -> class of every task class luigi knows (an ambiguous family maps to `Register.AMBIGUOUS_CLASS`)."""
    return dict(Register._get_reg())


def ambiguous_family_message(family: str) -> str | None:
    """One line naming the classes that share `family` and how to tell them apart; None when it is not shared."""
    classes = [task_class for task_class in Register._reg if task_class.get_task_family() == family]
    names = list(dict.fromkeys(f"{task_class.__module__}.{task_class.__qualname__}" for task_class in classes))
    if len(names) < 2:
        return None
    return (
        f"task {family!r} is ambiguous: {' and '.join(names)} share that name; rename one of the classes "
        "or give one a different task_namespace"
    )


def ambiguity_explained(exception: BaseException) -> str | None:
    """`ambiguous_family_message` for luigi's TaskClassAmbigiousException ("Task 'x' is ambiguous"), else None."""
    if not isinstance(exception, TaskClassAmbigiousException):
        return None
    match = re.fullmatch(r"Task (['\"])(.*)\1 is ambiguous", str(exception))
    return ambiguous_family_message(match.group(2)) if match else None


def forget_redefined_task_classes() -> None:
    """Keep only the newest definition of a task class defined again in the same module under the same
    name (a notebook cell run twice), so that its name does not become ambiguous for luigi."""
    newest: dict[tuple[str, str, str], type] = {}
    for task_class in Register._reg:
        newest[(task_class.get_task_family(), task_class.__module__, task_class.__qualname__)] = task_class
    kept = set(map(id, newest.values()))
    Register._reg = [task_class for task_class in Register._reg if id(task_class) in kept]


@contextlib.contextmanager
def event_handlers(handlers: Mapping[str, Any], task_class: type[luigi.Task] = luigi.Task) -> Iterator[None]:
    """Call `handlers` (event -> function) on the events of every task of `task_class` inside the block only."""
    for event, handler in handlers.items():
        task_class.event_handler(event)(handler)
    try:
        yield
    finally:
        for event, handler in handlers.items():
            luigi.Task._event_callbacks[task_class][event].discard(handler)
