"""The parameters under the module name ported code imports them from (`from gokart.parameter import ...`)."""

from .parameters import (
    ExplicitBoolParameter,
    ListTaskInstanceParameter,
    SerializableParameter,
    TaskInstanceParameter,
    ZonedDateSecondParameter,
)

__all__ = [
    "ExplicitBoolParameter",
    "ListTaskInstanceParameter",
    "SerializableParameter",
    "TaskInstanceParameter",
    "ZonedDateSecondParameter",
]
