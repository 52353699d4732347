"""`TaskOnKart`: a luigi task whose outputs are files named by its hash, with `dump` and `load`."""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Iterator
from typing import Any, Generic, TypeVar, overload

import luigi
from luigi.task import flatten

from . import lifecycle
from ._luigi.construction import OnceRegister
from ._luigi.per_class import per_class
from ._luigi.task_id import workspace_task_id
from ._luigi.task_overrides import TaskOverrides
from .errors import DynamicDependencyWarning, EmptyDumpError, KartwheelError, RequiresError
from .fresh_defaults import rebuilt
from .lifecycle import RunState
from .logs import log_file_name, read_log
from .pandas_type_config import check_before_dump
from .parameters import FlagParameter, ListTaskInstanceParameter, TaskInstanceParameter, setting
from .seed import DEFAULT_SEED_METHODS
from .target import KartTarget, TargetOnKart, load_targets
from .target_factory import TargetFactory
from .task_settings import KartSettings, checked_run
from .unique_id import compute_unique_id, task_reference

__all__ = ["EmptyDumpError", "TaskOnKart"]

T = TypeVar("T")
K = TypeVar("K")


class TaskOnKart(TaskOverrides, KartSettings, TargetFactory, luigi.Task, Generic[T], metaclass=OnceRegister):
    """A luigi task that dumps its result to `<workspace>/<module path>/<Class>_<hash>.pkl`.

    The hash covers the class, its significant parameters and the hashes of every task upstream (given
    as parameters or returned by requires()), so a change anywhere upstream gives new paths downstream
    and reruns exactly what it must.
    `T` is what the task dumps, so that `self.load(task)` is typed. A task without a run() of its
    own is a wrapper: its outputs are its requirements' outputs, and it is done when they are.
    """

    workspace_directory = setting(
        luigi.Parameter, "./resources", "Where outputs and logs are written: a path, or a URL with kartwheel[remote]."
    )
    rerun = setting(FlagParameter, False, "Remove this task's outputs and run it again, even though they exist.")
    strict_check = setting(FlagParameter, False, "Count the task complete only while its inputs exist too.")
    modification_time_check = setting(
        FlagParameter, False, "Count the task incomplete when an input is newer than its outputs."
    )
    significant = setting(FlagParameter, True, "False leaves this task out of the hash of the tasks it is given to.")
    fix_random_seed_methods = setting(
        luigi.ListParameter, DEFAULT_SEED_METHODS, "Functions called with the task's seed before run, e.g. random.seed."
    )
    fix_random_seed_value = setting(
        luigi.OptionalIntParameter, None, "The seed; by default one derived from the task's hash."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # luigi's id names the task to a scheduler; with the workspace in it, one luigid serves many workspaces.
        self.task_id = workspace_task_id(self.task_id, str(self.workspace_directory))
        self._given = (args, kwargs)
        self._init_settings()
        self._rerun_pending = bool(self.rerun)
        self._dumped: set[str] = set()
        self._default_output: KartTarget | None = None  # for the hash in its name, _default_output_id
        self._default_output_id = ""
        self.task_log: dict[str, Any] = {}

    # -- parameters ---------------------------------------------------------------------------------

    @classmethod
    def _task_parameter_names(cls) -> list[str]:
        task_types = (TaskInstanceParameter, ListTaskInstanceParameter)
        return per_class(
            cls,
            "_kartwheel_task_params",
            lambda: [name for name, param in cls.get_params() if isinstance(param, task_types)],
        )

    def _rebuilt(self) -> TaskOnKart:
        """The same task made again from the arguments it was given, so that today's config fills the rest."""
        args, kwargs = self._given
        return type(self)(*map(rebuilt, args), **{name: rebuilt(value) for name, value in kwargs.items()})

    def make_unique_id(self) -> str:
        """The hash in this task's file names: its parameters and every task upstream, by their hashes.

        Computed on first use (requires() is called then, not in __init__) and kept until the
        configuration may have changed.
        """
        return compute_unique_id(self)

    def logged_params(self) -> dict[str, Any]:
        """The task's own parameters (not TaskOnKart's), with tasks given as their names."""
        own = {name for name, _ in TaskOnKart.get_params()}
        logged = {}
        for name, value in self.param_kwargs.items():
            if name in own:
                continue
            if isinstance(value, luigi.Task):
                value = task_reference(value)
            elif isinstance(value, tuple) and value and all(isinstance(item, luigi.Task) for item in value):
                value = [task_reference(item) for item in value]
            logged[name] = value
        return logged

    # -- graph --------------------------------------------------------------------------------------

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Give each run() defined by a subclass the complete_check_at_run check."""
        super().__init_subclass__(**kwargs)
        run = cls.__dict__.get("run")
        if callable(run) and not getattr(run, "_kartwheel_checked", False):
            cls.run = checked_run(run)  # type: ignore[method-assign]  # each subclass run() gets the check once

    def requires(self) -> Any:
        """By default, the tasks given as TaskInstanceParameter / ListTaskInstanceParameter by name ([]: none)."""
        return self.make_task_instance_dictionary() or []

    @staticmethod
    def is_task_on_kart(value: Any) -> bool:
        """Whether `value` is a TaskOnKart, or a non-empty list or tuple of them."""
        if isinstance(value, (list, tuple)):
            return bool(value) and all(isinstance(item, TaskOnKart) for item in value)
        return isinstance(value, TaskOnKart)

    def output(self) -> Any:
        """By default one pickle, `<workspace>/<module path>/<Class>_<hash>.pkl`; a wrapper's: its inputs."""
        if self._is_wrapper():
            return self.input()
        unique_id = compute_unique_id(self)
        if self._default_output is None or self._default_output_id != unique_id:
            self._default_output = self.make_target()
            self._default_output_id = unique_id
        return self._default_output

    def complete(self) -> bool:
        """Done when every output exists (and, with strict_check, every input; see modification_time_check).

        Not done while it, or a task it requires directly, is to rerun (rerun=True looks one level down).
        """
        if self._rerun_pending:
            return False
        outputs = flatten(self.output())
        if self._requirement_reruns():
            self._rerun_pending = True  # a task it reads is rerun, so its own outputs must go too
            return False
        if self.strict_check and not all(target.exists() for target in flatten(self.input())):
            return False
        if not outputs:
            return self._is_wrapper()
        if not all(target.exists() for target in outputs):
            return False
        if self.modification_time_check and not _outputs_newer(flatten(self.input()), outputs):
            return False
        if per_class(type(self), "_kartwheel_yields", lambda: inspect.isgeneratorfunction(type(self).run)):
            _warn_dynamic_dependencies(type(self))
        return True

    # -- targets (make_target and the other factories come from TargetFactory) ---------------------

    def _output_target(self, key: str | luigi.Target | None) -> luigi.Target:
        if isinstance(key, luigi.Target):
            return key
        output = self.output()
        if key is None:
            if isinstance(output, luigi.Target):
                return output
            names = ", ".join(map(repr, output)) if isinstance(output, dict) else "several"
            raise KartwheelError(f"{self} declares outputs {names}; name the one to write: self.dump(obj, name)")
        if not isinstance(output, dict) or key not in output:
            names = ", ".join(map(repr, output)) if isinstance(output, dict) else "none"
            raise KeyError(f"{self} has no output named {key!r}; its named outputs are: {names}")
        return output[key]

    # -- dump and load ------------------------------------------------------------------------------

    def dump(self, obj: T, target: str | luigi.Target | None = None) -> None:
        """Write `obj` to the output (or the output named `target`), atomically."""
        check_before_dump(self, obj)
        destination = self._output_target(target)
        if not isinstance(destination, TargetOnKart):
            raise KartwheelError(
                f"{self} cannot dump to {destination!r}: dump writes targets made by self.make_target(...); "
                "return those from output()"
            )
        destination.dump(obj)
        self._run_state.dumped.add(str(destination))

    @overload
    def load(self, target: TaskOnKart[K]) -> K: ...

    @overload
    def load(self, target: str | luigi.Target | list | tuple | dict | None = None) -> Any: ...

    def load(self, target: Any = None) -> Any:
        """Load inputs: all of them in the shape of requires(), one by name, or one task's output."""
        return load_targets(self._input_targets(target))

    def load_generator(self, target: Any = None) -> Iterator[Any]:
        """Yield the inputs one at a time (a list's items, a dict's values), holding one in memory."""
        targets = self._input_targets(target)
        items = targets.values() if isinstance(targets, dict) else targets
        if isinstance(items, luigi.Target):
            items = [items]
        for item in items:
            yield load_targets(item)

    def _input_targets(self, target: Any) -> Any:
        if target is None:
            return self.input()
        if isinstance(target, str):
            inputs = self.input()
            if not isinstance(inputs, dict) or target not in inputs:
                names = ", ".join(map(repr, inputs)) if isinstance(inputs, dict) else "none"
                raise KeyError(f"{self} has no input named {target!r}; its named inputs are: {names}")
            return inputs[target]
        loadable: set[str] | None = None  # read once per load, on the first task met

        def outputs_of(value: Any) -> Any:
            nonlocal loadable
            if isinstance(value, luigi.Task):
                if loadable is None:
                    loadable = self._loadable_task_ids()
                if value.task_id not in loadable:
                    raise RequiresError(
                        f"{self} loads {value}, which it does not require: return it from requires() (or give it "
                        "as a task parameter), so that it runs first and a change to it reaches this task's hash"
                    )
                return value.output()
            if isinstance(value, (list, tuple)):
                return [outputs_of(item) for item in value]
            if isinstance(value, dict):
                return {key: outputs_of(item) for key, item in value.items()}
            return value

        return outputs_of(target)

    def _loadable_task_ids(self) -> set[str]:
        """The tasks whose outputs load(task) may read: what requires() returns and the task parameters."""
        tasks = flatten(self.requires()) + flatten(list(self.make_task_instance_dictionary().values()))
        return {task.task_id for task in tasks}

    # -- what a finished task logged ----------------------------------------------------------------

    def get_task_log(self) -> dict[str, Any]:
        """The `task_log` dict the task filled during its last successful run."""
        return read_log(self._log_target("task_log"))

    def get_task_params(self) -> dict[str, Any]:
        """The parameters the task last ran with."""
        return read_log(self._log_target("task_params"))

    def get_processing_time(self) -> float:
        """Seconds the last successful run took."""
        return read_log(self._log_target("processing_time"))

    def get_random_seed(self) -> dict[str, Any]:
        """`{'seed': int, 'seed_methods': [...]}` of the last successful run."""
        return read_log(self._log_target("random_seed"))

    def _log_target(self, kind: str) -> KartTarget:
        return self.make_target(log_file_name(type(self).__name__, kind))

    # -- the state of a run (kept by lifecycle) -----------------------------------------------------

    @functools.cached_property
    def _run_state(self) -> RunState:
        return RunState()

    # `__init__` and `complete` use these two names for the run state's fields.
    @property
    def _rerun_pending(self) -> bool:
        return self._run_state.rerun_pending

    @_rerun_pending.setter
    def _rerun_pending(self, value: bool) -> None:
        self._run_state.rerun_pending = value

    @property
    def _dumped(self) -> set[str]:
        return self._run_state.dumped

    @_dumped.setter
    def _dumped(self, value: set[str]) -> None:
        self._run_state.dumped = value

    # -- luigi's hooks ------------------------------------------------------------------------------

    def on_success(self) -> Any:
        """Check that every output was written and write the logs; subclasses call super()."""
        lifecycle.after_success(self)
        return super().on_success()

    def on_failure(self, exception: BaseException) -> Any:
        """Remove partial outputs; subclasses call super()."""
        lifecycle.after_failure(self)
        return super().on_failure(exception)


def _warn_dynamic_dependencies(cls: type) -> None:
    """Say once per class that the tasks `run()` yields are not part of the hash of its cached outputs."""
    if cls.__dict__.get("_kartwheel_warned_dynamic"):
        return
    setattr(cls, "_kartwheel_warned_dynamic", True)  # noqa: B010  (any task class; a checker knows none by name)
    warnings.warn(
        DynamicDependencyWarning(
            f"{cls.__name__} yields tasks from run(); they are not part of its hash, so its outputs are reused "
            "even when those tasks change. Return them from requires() or pass them as task parameters to have "
            "a change rerun it (or build with rerun=True)."
        ),
        stacklevel=2,
    )


def _outputs_newer(inputs: list, outputs: list) -> bool:
    """Whether no input (other than the outputs themselves) was written after the oldest output."""
    own = {str(target) for target in outputs}
    present = [target for target in inputs if str(target) not in own and target.exists()]
    if not present:
        return True
    newest_input = max(target.last_modification_time() for target in present)
    return min(target.last_modification_time() for target in outputs) >= newest_input


lifecycle.install_event_handlers(TaskOnKart)
