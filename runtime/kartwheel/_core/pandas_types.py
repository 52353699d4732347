"""Column type checks on dumped DataFrames: a `PandasTypeConfig` applies to the tasks of its namespace."""

from __future__ import annotations

import sys
from typing import Any

import luigi

from ..errors import EmptyDumpError, PandasTypeError

__all__ = ["PandasTypeConfig", "PandasTypeError", "check_before_dump"]


class PandasTypeConfig(luigi.Config):
    """Subclass it with a `type_dict()` of column name to type; every value of those columns must be an instance
    of the type when a task with the same `task_namespace` dumps a DataFrame."""

    @classmethod
    def type_dict(cls) -> dict[str, Any]:
        """The expected type of each checked column."""
        raise NotImplementedError(f"{cls.__name__} must define the classmethod type_dict() -> dict[str, type]")

    @classmethod
    def check(cls, df: Any) -> None:
        """Raise PandasTypeError naming the first column holding a value of another type."""
        for column, expected in cls.type_dict().items():
            if column not in df.columns:
                continue
            for value in df[column]:
                if not isinstance(value, expected):
                    raise PandasTypeError(
                        f"column {column!r} must hold {expected.__name__} values ({cls.__name__}.type_dict()), "
                        f"but holds {value!r} of type {type(value).__name__}; convert the column before dumping"
                    )


def _configs_for(namespace: str | None) -> list[type[PandasTypeConfig]]:
    """Every PandasTypeConfig subclass defined for `namespace` (found by walking the subclasses)."""
    found, pending = [], list(PandasTypeConfig.__subclasses__())
    while pending:
        config = pending.pop()
        pending.extend(config.__subclasses__())
        if config.get_task_namespace() == namespace and "type_dict" in vars(config):
            found.append(config)
    return found


def check_before_dump(task: Any, obj: Any) -> None:
    """The checks gokart makes before a task dumps a DataFrame: column types, and `fail_on_empty_dump`."""
    pandas = sys.modules.get("pandas")
    if pandas is None or not isinstance(obj, pandas.DataFrame):
        return
    for config in _configs_for(task.get_task_namespace()):
        config.check(obj)
    if task.fail_on_empty_dump and obj.empty:
        raise EmptyDumpError(
            f"{task} dumps an empty DataFrame while fail_on_empty_dump is true; check its inputs, "
            "or set fail_on_empty_dump=False if an empty result is expected"
        )
