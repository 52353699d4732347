"""The source of a task class's own methods, for `serialized_task_definition_check`."""

from __future__ import annotations

import inspect
from typing import Any

from ..errors import KartwheelError

__all__ = ["class_sources"]


def class_sources(task_class: type) -> list[str]:
    """The source of each method of `task_class`'s hierarchy that is not kartwheel's or luigi's own.

    Read through each function's code object, which knows its exact lines (a class's own source is
    found by name, and a class defined twice under one name would give the first one's).
    """
    sources = []
    for klass in task_class.__mro__:
        module = getattr(klass, "__module__", "")
        if module.split(".")[0] in ("kartwheel", "luigi", "builtins", "typing", "abc"):
            continue
        for name, member in sorted(vars(klass).items()):
            function = _function_of(member)
            if function is None:
                continue
            try:
                sources.append(f"{klass.__qualname__}.{name}:{inspect.getsource(function)}")
            except (OSError, TypeError) as exc:
                raise KartwheelError(
                    f"serialized_task_definition_check needs the source of {klass.__qualname__}.{name} "
                    f"(module {module}), which Python cannot find ({exc}); define the class in a .py file, "
                    "or set serialized_task_definition_check=False"
                ) from None
    return sources


def _function_of(member: Any) -> Any:
    """The Python function behind a method, classmethod, staticmethod or property, else None."""
    if isinstance(member, (classmethod, staticmethod)):
        member = member.__func__
    elif isinstance(member, property):
        member = member.fget
    member = inspect.unwrap(member) if callable(member) else member
    return member if inspect.isfunction(member) else None
