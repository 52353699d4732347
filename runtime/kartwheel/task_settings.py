"""TaskOnKart's further settings and the methods ported gokart code calls: clone, restore, get_info...

None of these settings is significant: adding them changes no task's hash. (The settings of targets,
such as store_index_in_feather, are in target_factory.)
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Iterator
from typing import Any

import luigi
from luigi.task import flatten

from ._luigi.per_class import per_class
from .errors import KartwheelError, ParameterValueError, TaskParameterError
from .parameters import (
    ExplicitBoolParameter,
    FlagParameter,
    ListTaskInstanceParameter,
    TaskInstanceParameter,
    setting,
)

__all__ = ["KartSettings", "checked_run", "complete_check_skipped"]


# Whether any task was ever created with rerun=True: until one is, no requirement can be about to rerun,
# and complete() need not ask.
_rerun_requested = False


class KartSettings:
    """The settings gokart documents on every task, and the methods built on a task's parameters."""

    serialized_task_definition_check = setting(
        FlagParameter, False, "Add the source of the task's class to its hash, so that editing the class reruns it."
    )
    delete_unnecessary_output_files = setting(
        FlagParameter,
        False,
        "On the command line: delete the workspace's outputs that no task of this graph needs, and exit.",
    )
    complete_check_at_run = setting(
        ExplicitBoolParameter, True, "Skip run() when the outputs appeared since the task was scheduled."
    )
    cache_unique_id = setting(
        ExplicitBoolParameter,
        True,
        "Accepted for ported code: a hash is kept until the configuration may have changed (build, run, "
        "add_config recompute it), so it is never stale either way.",
    )
    should_dump_supplementary_log_files = setting(
        ExplicitBoolParameter, True, "Write the logs under <workspace>/log/ after a successful run."
    )
    redis_host = setting(luigi.OptionalParameter, None, "Host of the redis server for run locks.")
    redis_port = setting(luigi.OptionalIntParameter, None, "Port of the redis server for run locks.")
    redis_timeout = setting(
        luigi.IntParameter, 180, "Seconds after which the redis run lock of a dead holder expires (renewed while held)."
    )
    should_lock_run = setting(
        ExplicitBoolParameter,
        False,
        "Hold a lock on a redis server around run(), so that machines sharing no folder lock run a task once "
        "(needs redis_host and redis_port, and `pip install 'kartwheel[redis]'`).",
    )

    def _init_settings(self) -> None:
        """Check the settings that go together, and note a rerun request."""
        if self.rerun:
            global _rerun_requested
            _rerun_requested = True
        if self.should_lock_run and (self.redis_host is None or self.redis_port is None):
            raise TaskParameterError(
                f"{type(self).__name__}: should_lock_run=True needs both redis_host and redis_port "
                f"(got redis_host={self.redis_host!r}, redis_port={self.redis_port!r})"
            )
        if self.should_lock_run:
            if self.redis_timeout < 1:
                raise ParameterValueError(
                    f"{type(self).__name__}: redis_timeout is the number of seconds after which the run lock of "
                    f"a dead holder expires; give 1 or more (got {self.redis_timeout})"
                )
            from .redis_lock import require_client

            require_client()

    # -- graph ----------------------------------------------------------------------------------------

    @classmethod
    def _is_wrapper(cls) -> bool:
        """A task without a run() of its own: it stands for its requirements and writes nothing."""
        return per_class(cls, "_kartwheel_is_wrapper", lambda: (cls.run is luigi.Task.run,))[0]

    def make_task_instance_dictionary(self) -> dict[str, Any]:
        """The tasks given as TaskInstanceParameter / ListTaskInstanceParameter values, by parameter name."""
        return {name: value for name in self._task_parameter_names() if (value := getattr(self, name)) is not None}

    def _requirement_reruns(self) -> bool:
        """Whether a task this one requires directly is about to rerun (which makes this one rerun too).

        Ask after the task's hash or outputs were computed: that creates the tasks its requires() returns.
        """
        if not _rerun_requested:
            return False
        return any(getattr(task, "_rerun_pending", False) for task in flatten(self.requires()))

    # -- hash -----------------------------------------------------------------------------------------

    def _extra_unique_id_inputs(self) -> Any:
        """A JSON value added to the task's hash besides its parameters and upstream tasks, or None.

        With serialized_task_definition_check, the source of the task's own classes, so that editing
        the class gives new outputs.
        """
        if not self.serialized_task_definition_check:
            return None
        return {"source": per_class(type(self), "_kartwheel_source", lambda: _class_sources(type(self)))}

    # -- copies and restores ----------------------------------------------------------------------------

    def clone(self, cls: type | None = None, **kwargs: Any) -> Any:
        """A task of `cls` (default: this class) with this task's values for the parameters it shares.

        `kwargs` override them; rerun, strict_check and modification_time_check are not copied.
        """
        cls = cls or type(self)
        values = {}
        for name, _ in cls.get_params():
            if name in kwargs:
                values[name] = kwargs[name]
            elif name in self.param_kwargs and name not in ("rerun", "strict_check", "modification_time_check"):
                values[name] = self.param_kwargs[name]
        return cls(**values)

    @classmethod
    def restore(cls, unique_id: str, workspace_directory: str | None = None) -> Any:
        """The task of this class whose hash is `unique_id`, rebuilt from the parameters it logged when it ran."""
        from .restore import restore_task

        return restore_task(cls, unique_id, workspace_directory)

    def get_info(self, only_significant: bool = False) -> dict[str, str]:
        """Parameter values as strings; tasks as `Class-<hash>`."""
        info = {}
        for name, param in self.get_params():
            if only_significant and not param.significant:
                continue
            value = self.param_kwargs[name]
            if isinstance(param, TaskInstanceParameter) and value is not None:
                info[name] = f"{type(value).__name__}-{value.make_unique_id()}"
            elif isinstance(param, ListTaskInstanceParameter):
                info[name] = str([f"{type(task).__name__}-{task.make_unique_id()}" for task in value])
            else:
                info[name] = param.serialize(value)
        return info


def _class_sources(task_class: type) -> list[str]:
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


def checked_run(run: Any) -> Any:
    """`run`, skipped when complete_check_at_run is set and the task is already complete.

    Another worker may have written the outputs since this one was scheduled. Only the outermost run
    checks, so that a subclass's run() calling super().run() is not cut short by its own dumps.
    """

    def skip(self: Any) -> bool:
        return not self.__dict__.get("_kartwheel_in_run") and self.complete_check_at_run and self.complete()

    if inspect.isgeneratorfunction(run):  # stays a generator function: luigi and the hash ask

        @functools.wraps(run)
        def yield_unless_complete(self: Any, *args: Any, **kwargs: Any) -> Any:
            if skip(self):
                return
            yield from run(self, *args, **kwargs)

        yield_unless_complete._kartwheel_checked = True
        return yield_unless_complete

    @functools.wraps(run)
    def run_unless_complete(self: Any, *args: Any, **kwargs: Any) -> Any:
        if skip(self):
            return None
        outer = not self.__dict__.get("_kartwheel_in_run")
        self._kartwheel_in_run = True
        try:
            return run(self, *args, **kwargs)
        finally:
            if outer:
                self._kartwheel_in_run = False

    run_unless_complete._kartwheel_checked = True
    return run_unless_complete


@contextlib.contextmanager
def complete_check_skipped(task: Any) -> Iterator[None]:
    """Inside, `task.run()` runs even if the task is complete (to run a finished task again on purpose)."""
    previous = task.__dict__.get("_kartwheel_in_run", False)
    task._kartwheel_in_run = True
    try:
        yield
    finally:
        task._kartwheel_in_run = previous
