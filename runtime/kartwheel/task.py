"""`TaskOnKart` under the module name ported code imports it from (`from gokart.task import TaskOnKart`)."""

from ._core.task import TaskOnKart
from .errors import EmptyDumpError

__all__ = ["EmptyDumpError", "TaskOnKart"]
