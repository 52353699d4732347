"""Parameters beyond luigi's own: tasks as parameters, explicit booleans and serializable objects.

Each is generic like luigi's own (`TaskInstanceParameter[MyTask]`), so annotated class bodies run.
"""

from __future__ import annotations

import bz2
import datetime
import json
from typing import Any, Generic, TypeVar, cast

import luigi
from luigi.task_register import Register

from .._luigi.bool_parsing import ExplicitValueParsing, FlagParsing
from .._luigi.parameter_defaults import declared_default, remove_default
from ..errors import ParameterValueError, TaskParameterError
from .hashing import task_reference

__all__ = [
    "ExplicitBoolParameter",
    "ListTaskInstanceParameter",
    "SerializableParameter",
    "TaskInstanceParameter",
    "ZonedDateSecondParameter",
    "decode_task_json",
]

TaskT = TypeVar("TaskT")
S = TypeVar("S")


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


def _check_expected(expected: Any, what: str) -> Any:
    if expected is not None and not isinstance(expected, type):
        raise TaskParameterError(f"{what} must be a task class, got {type(expected).__name__} {expected!r:.80}")
    return expected


def decode_task_json(text: str) -> dict[str, Any] | None:
    """The dict of a task's JSON (`params` decoded to a dict of str), or None if `text` is not one."""
    if not text.startswith("{"):
        return None
    try:
        values = json.loads(text)
    except ValueError:
        return None
    if not isinstance(values, dict) or not isinstance(values.get("type"), str):
        return None
    if "params" in values:
        values["params"] = json.loads(bz2.decompress(bytes.fromhex(values["params"])).decode())
    return values


def _task_from_text(text: str, what: str) -> luigi.Task:
    """The task a gokart-form JSON names: built from its params, or restored by its hash when it has none."""
    decoded = decode_task_json(text) if isinstance(text, str) else None
    if decoded is None:
        raise _no_text(what, text)
    task_class = Register.get_task_cls(decoded["type"])
    if "params" not in decoded:
        return cast(luigi.Task, task_class.restore(decoded["unique_id"]))
    params = decoded["params"]
    return task_class(**{name: param.parse(params[name]) for name, param in task_class.get_params() if name in params})


class TaskInstanceParameter(luigi.Parameter[TaskT], Generic[TaskT]):
    """A parameter whose value is a task; the task becomes a requirement and its hash part of ours.

    Declared with `default=None`, it is optional: None then means "no upstream task".
    """

    def __init__(self, expected_type: type | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected_type = _check_expected(expected_type, "TaskInstanceParameter's expected_type")

    def normalize(self, value: Any) -> Any:
        if value is None and declared_default(cast(luigi.Parameter, self)) is None:
            return None
        return _check_task(value, self.expected_type, "TaskInstanceParameter")

    def serialize(self, value: Any) -> str:
        return "" if value is None else task_reference(value)

    def parse(self, text: str) -> Any:
        """A task from gokart's form (`{"type": ..., "params": ...}`, as the task_params log holds it)."""
        if text == "" and declared_default(cast(luigi.Parameter, self)) is None:
            return None
        return _task_from_text(text, "TaskInstanceParameter")


class ListTaskInstanceParameter(luigi.Parameter[TaskT], Generic[TaskT]):
    """A parameter whose value is a list of tasks, each a requirement; stored as a tuple."""

    def __init__(self, expected_elements_type: type | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected_elements_type = _check_expected(
            expected_elements_type, "ListTaskInstanceParameter's expected_elements_type"
        )

    def normalize(self, value: Any) -> Any:
        if isinstance(value, luigi.Task) or not isinstance(value, (list, tuple)):
            raise TaskParameterError(
                f"ListTaskInstanceParameter takes a list of task instances, got {type(value).__name__}"
            )
        return tuple(_check_task(item, self.expected_elements_type, "ListTaskInstanceParameter") for item in value)

    def serialize(self, value: Any) -> str:
        return json.dumps([task_reference(task) for task in value])

    def parse(self, text: str) -> Any:
        """Tasks from a JSON list of gokart-form task strings (as the task_params log holds it)."""
        try:
            items = json.loads(text)
        except (TypeError, ValueError):
            raise _no_text("ListTaskInstanceParameter", text) from None
        if not isinstance(items, list):
            raise _no_text("ListTaskInstanceParameter", text)
        return tuple(_task_from_text(item, "ListTaskInstanceParameter") for item in items)


class ExplicitBoolParameter(ExplicitValueParsing):
    """A bool given explicitly on the command line (`--flag true`, never a bare `--flag`); only bools."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("parsing", luigi.BoolParameter.EXPLICIT_PARSING)
        super().__init__(*args, **kwargs)
        if not args and "default" not in kwargs and "config_path" not in kwargs:
            remove_default(
                cast(luigi.Parameter, self)
            )  # luigi's BoolParameter defaults to False; an explicit one must be given

    def normalize(self, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            return self.parse(value)
        raise TaskParameterError(f"ExplicitBoolParameter takes True or False, got {type(value).__name__} {value!r}")

    def parse(self, text: str) -> bool:
        lowered = str(text).lower()
        if lowered not in ("true", "false"):
            raise ParameterValueError(f"expected 'true' or 'false', got {text!r}")
        return lowered == "true"


class FlagParameter(FlagParsing, ExplicitBoolParameter):
    """A bool that a bare `--flag` sets on the command line (`--flag false` too); in Python, only bools."""


class SerializableParameter(luigi.Parameter[S], Generic[S]):
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


class ZonedDateSecondParameter(luigi.Parameter[datetime.datetime]):
    """A datetime to the second with its time zone, in ISO 8601 (`2013-07-10T19:07:38+09:00`; `Z` for UTC)."""

    def parse(self, text: str) -> datetime.datetime:
        value = str(text)
        if value.endswith("Z"):
            value = value[:-1] + "+00:00"
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError:
            raise ParameterValueError(
                f"expected an ISO 8601 datetime with a time zone, e.g. 2013-07-10T19:07:38+09:00, got {text!r}"
            ) from None
        if parsed.tzinfo is None:
            raise ParameterValueError(
                f"{text!r} has no time zone; add one (e.g. +09:00 or Z), or use luigi.DateSecondParameter"
            )
        return parsed

    def serialize(self, value: datetime.datetime) -> str:
        return value.isoformat()

    def normalize(self, value: Any) -> Any:
        if isinstance(value, str):
            value = self.parse(value)
        if not isinstance(value, datetime.datetime):
            raise TaskParameterError(f"ZonedDateSecondParameter takes a datetime, got {type(value).__name__}")
        return value.replace(microsecond=0)


def setting(parameter_class: type, default: Any, description: str) -> Any:
    """A task setting: a parameter with a default that is never part of the hash nor positional."""
    return parameter_class(default=default, significant=False, positional=False, description=description)
