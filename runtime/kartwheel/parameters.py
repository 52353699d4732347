"""Parameters beyond luigi's own: tasks as parameters, explicit booleans and serializable objects."""

from __future__ import annotations

import json
from typing import Any, cast

import luigi

from .errors import TaskParameterError
from .unique_id import task_reference

__all__ = [
    "ExplicitBoolParameter",
    "ListTaskInstanceParameter",
    "SerializableParameter",
    "TaskInstanceParameter",
]


def _check_task(value: Any, expected_type: type | None, what: str) -> luigi.Task:
    """Return `value` if it is a task (of `expected_type`, when given), else say what was expected."""
    wanted = expected_type or luigi.Task
    if not isinstance(value, wanted):
        got = f"the class {value.__name__}" if isinstance(value, type) else f"{type(value).__name__} {value!r:.80}"
        raise TaskParameterError(
            f"{what} takes a task instance of {wanted.__name__}, got {got}; "
            "pass an instance, e.g. MyTask(param=1), not the class or a name"
        )
    return cast(luigi.Task, value)


def _no_text(what: str, text: str) -> TaskParameterError:
    return TaskParameterError(
        f"{what} cannot be set from text ({text!r:.80}): a task instance is given in Python, "
        "e.g. Downstream(upstream=Upstream(x=1)), or through the task's requires()"
    )


class TaskInstanceParameter(luigi.Parameter):
    """A parameter whose value is a task; the task becomes a requirement and its hash part of ours.

    Declared with `default=None`, it is optional: None then means "no upstream task".
    """

    def __init__(self, *args: Any, expected_type: type | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected_type = expected_type

    def normalize(self, value: Any) -> Any:
        if value is None and self._default is None:
            return None
        return _check_task(value, self.expected_type, "TaskInstanceParameter")

    def serialize(self, value: Any) -> str:
        return "" if value is None else task_reference(value)

    def parse(self, text: str) -> Any:
        raise _no_text("TaskInstanceParameter", text)


class ListTaskInstanceParameter(luigi.Parameter):
    """A parameter whose value is a list of tasks, each a requirement; stored as a tuple."""

    def __init__(self, *args: Any, expected_elements_type: type | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected_elements_type = expected_elements_type

    def normalize(self, value: Any) -> Any:
        if isinstance(value, luigi.Task) or not isinstance(value, (list, tuple)):
            raise TaskParameterError(
                f"ListTaskInstanceParameter takes a list of task instances, got {type(value).__name__}"
            )
        return tuple(_check_task(item, self.expected_elements_type, "ListTaskInstanceParameter") for item in value)

    def serialize(self, value: Any) -> str:
        return json.dumps([task_reference(task) for task in value])

    def parse(self, text: str) -> Any:
        raise _no_text("ListTaskInstanceParameter", text)


class ExplicitBoolParameter(luigi.BoolParameter):
    """A bool given explicitly on the command line (`--flag true`); anything but a bool is an error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("parsing", luigi.BoolParameter.EXPLICIT_PARSING)
        super().__init__(*args, **kwargs)

    def normalize(self, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            return self.parse(value)
        raise TaskParameterError(f"ExplicitBoolParameter takes True or False, got {type(value).__name__} {value!r}")

    def parse(self, text: str) -> bool:
        lowered = str(text).lower()
        if lowered not in ("true", "false"):
            raise TaskParameterError(f"expected 'true' or 'false', got {text!r}")
        return lowered == "true"


class SerializableParameter(luigi.Parameter):
    """A parameter holding an object of `object_type`, which turns itself into a string and back.

    The type defines `kartwheel_serialize(self) -> str` and classmethod `kartwheel_deserialize(text)`
    (`gokart_serialize` / `gokart_deserialize` are accepted too, so ported code works unchanged).
    """

    def __init__(self, object_type: type, *args: Any, **kwargs: Any) -> None:
        self.object_type = object_type
        self._to_text, self._from_text = self._protocol(object_type)
        super().__init__(*args, **kwargs)

    @staticmethod
    def _protocol(object_type: type) -> tuple[str, str]:
        for prefix in ("kartwheel", "gokart"):
            pair = (f"{prefix}_serialize", f"{prefix}_deserialize")
            if all(callable(getattr(object_type, name, None)) for name in pair):
                return pair
        raise TaskParameterError(
            f"SerializableParameter needs {getattr(object_type, '__name__', object_type)} to define "
            "kartwheel_serialize(self) -> str and classmethod kartwheel_deserialize(text)"
        )

    def normalize(self, value: Any) -> Any:
        if isinstance(value, str) and self.object_type is not str:
            return self.parse(value)
        if not isinstance(value, self.object_type):
            raise TaskParameterError(
                f"SerializableParameter takes a {self.object_type.__name__}, got {type(value).__name__}"
            )
        return value

    def serialize(self, value: Any) -> str:
        return getattr(value, self._to_text)()

    def parse(self, text: str) -> Any:
        return getattr(self.object_type, self._from_text)(text)
