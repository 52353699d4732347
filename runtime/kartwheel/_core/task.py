"""`TaskOnKart`: a luigi task whose outputs are files named by its hash, with `dump` and `load`.

The whole gokart-compatible surface of a task is here: its settings, outputs and targets, `dump` and
`load`, completeness, logs, clones and restores. The work behind each method lives in the modules of
this layer (targets.py, lifecycle.py, hashing.py, ...). What those modules, and the layers above, need
from a task is the small declared interface at the end of the class (`__kart_*__`), never a private
attribute read by name.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar, overload

import luigi
from luigi.task import flatten

from .._luigi.construction import OnceRegister
from .._luigi.per_class import per_class
from .._luigi.task_id import workspace_task_id
from .._luigi.task_overrides import TaskOverrides
from .._targets.target import KartTarget, TargetOnKart, load_targets
from ..errors import KartwheelError, ParameterValueError, RequiresError, TaskParameterError
from . import lifecycle, targets
from .code_source import class_sources
from .completeness import checked_run, is_checked, outputs_newer, warn_dynamic_dependencies
from .fresh_defaults import fresh_task_defaults, rebuilt
from .hashing import compute_unique_id, task_reference
from .lifecycle import RunState
from .logs import log_file_name, read_log, readable_params
from .pandas_types import check_before_dump
from .parameters import (
    ExplicitBoolParameter,
    FlagParameter,
    ListTaskInstanceParameter,
    TaskInstanceParameter,
    setting,
)
from .seed import DEFAULT_SEED_METHODS

__all__ = ["TaskOnKart"]

T = TypeVar("T")
K = TypeVar("K")

# Whether any task was ever created with rerun=True: until one is, no requirement can be about to rerun,
# and complete() need not ask.
_rerun_requested = False

# Parameters that clone() does not copy: they are about one run of one task.
_NOT_CLONED = ("rerun", "strict_check", "modification_time_check")


class TaskOnKart(TaskOverrides, luigi.Task, Generic[T], metaclass=OnceRegister):
    """A luigi task that dumps its result to `<workspace>/<module path>/<Class>_<hash>.pkl`.

    The hash covers the class, its significant parameters and the hashes of every task upstream (given
    as parameters or returned by requires()), so a change anywhere upstream gives new paths downstream
    and reruns exactly what it must.
    `T` is what the task dumps, so that `self.load(task)` is typed. A task without a run() of its
    own is a wrapper: its outputs are its requirements' outputs, and it is done when they are.
    """

    # -- settings: none is significant, so adding one changes no task's hash ------------------------

    workspace_directory = setting(
        luigi.Parameter, "./resources", "Where outputs and logs are written: a path, or a URL with kartwheel[remote]."
    )
    local_temporary_directory = setting(
        luigi.Parameter,
        "./resources/tmp/",
        "Where model targets unpack and pack their files (each in a fresh folder of its own).",
    )
    rerun = setting(FlagParameter, False, "Remove this task's outputs and run it again, even though they exist.")
    strict_check = setting(FlagParameter, False, "Count the task complete only while its inputs exist too.")
    modification_time_check = setting(
        FlagParameter, False, "Count the task incomplete when an input is newer than its outputs."
    )
    significant = setting(FlagParameter, True, "False leaves this task out of the hash of the tasks it is given to.")
    serialized_task_definition_check = setting(
        FlagParameter, False, "Add the source of the task's class to its hash, so that editing the class reruns it."
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
    fix_random_seed_methods = setting(
        luigi.ListParameter, DEFAULT_SEED_METHODS, "Functions called with the task's seed before run, e.g. random.seed."
    )
    fix_random_seed_value = setting(
        luigi.OptionalIntParameter, None, "The seed; by default one derived from the task's hash."
    )
    store_index_in_feather = setting(
        ExplicitBoolParameter,
        True,
        "Keep a DataFrame's index in .feather outputs (in a column) and restore it on load.",
    )
    fail_on_empty_dump = setting(ExplicitBoolParameter, False, "Fail when the task dumps an empty DataFrame.")
    should_dump_supplementary_log_files = setting(
        ExplicitBoolParameter, True, "Write the logs under <workspace>/log/ after a successful run."
    )
    delete_unnecessary_output_files = setting(
        FlagParameter,
        False,
        "On the command line: delete the workspace's outputs that no task of this graph needs, and exit.",
    )
    should_lock_run = setting(
        ExplicitBoolParameter,
        False,
        "Hold a lock on a redis server around run(), so that machines sharing no folder lock run a task once "
        "(needs redis_host and redis_port, and `pip install 'kartwheel[redis]'`).",
    )
    redis_host = setting(luigi.OptionalParameter, None, "Host of the redis server for run locks.")
    redis_port = setting(luigi.OptionalIntParameter, None, "Port of the redis server for run locks.")
    redis_timeout = setting(
        luigi.IntParameter, 180, "Seconds after which the redis run lock of a dead holder expires (renewed while held)."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # luigi's id names the task to a scheduler; with the workspace in it, one luigid serves many workspaces.
        self.task_id = workspace_task_id(self.task_id, str(self.workspace_directory))
        self._given = (args, kwargs)
        self._check_settings()
        self.__kart_state__.rerun_pending = bool(self.rerun)
        self._default_output: KartTarget | None = None  # for the hash in its name, _default_output_id
        self._default_output_id = ""
        self.task_log: dict[str, Any] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Give each run() defined by a subclass the complete_check_at_run check."""
        super().__init_subclass__(**kwargs)
        run = cls.__dict__.get("run")
        if callable(run) and not is_checked(run):
            cls.run = checked_run(run)  # type: ignore[method-assign]  # each subclass run() gets the check once

    def _check_settings(self) -> None:
        """Check the settings that go together, and note a rerun request."""
        if self.rerun:
            global _rerun_requested
            _rerun_requested = True
        if not self.should_lock_run:
            return
        if self.redis_host is None or self.redis_port is None:
            raise TaskParameterError(
                f"{type(self).__name__}: should_lock_run=True needs both redis_host and redis_port "
                f"(got redis_host={self.redis_host!r}, redis_port={self.redis_port!r})"
            )
        if self.redis_timeout < 1:
            raise ParameterValueError(
                f"{type(self).__name__}: redis_timeout is the number of seconds after which the run lock of "
                f"a dead holder expires; give 1 or more (got {self.redis_timeout})"
            )
        from .._storage.redis_lock import require_client  # redis is an optional extra

        require_client()

    # -- the graph ------------------------------------------------------------------------------------

    def requires(self) -> Any:
        """By default, the tasks given as TaskInstanceParameter / ListTaskInstanceParameter by name ([]: none)."""
        return self.make_task_instance_dictionary() or []

    def make_task_instance_dictionary(self) -> dict[str, Any]:
        """The tasks given as TaskInstanceParameter / ListTaskInstanceParameter values, by parameter name."""
        names = self.__kart_task_parameter_names__()
        return {name: value for name in names if (value := getattr(self, name)) is not None}

    @staticmethod
    def is_task_on_kart(value: Any) -> bool:
        """Whether `value` is a TaskOnKart, or a non-empty list or tuple of them."""
        if isinstance(value, (list, tuple)):
            return bool(value) and all(isinstance(item, TaskOnKart) for item in value)
        return isinstance(value, TaskOnKart)

    def make_unique_id(self) -> str:
        """The hash in this task's file names: its parameters and every task upstream, by their hashes.

        Computed on first use (requires() is called then, not in __init__) and kept until the
        configuration may have changed.
        """
        return compute_unique_id(self)

    def complete(self) -> bool:
        """Done when every output exists (and, with strict_check, every input; see modification_time_check).

        Not done while it, or a task it requires directly, is to rerun (rerun=True looks one level down).
        """
        state = self.__kart_state__
        if state.rerun_pending:
            return False
        outputs = flatten(self.output())
        if _rerun_requested and any(_rerun_pending(task) for task in flatten(self.requires())):
            state.rerun_pending = True  # a task it reads is rerun, so its own outputs must go too
            return False
        if self.strict_check and not all(target.exists() for target in flatten(self.input())):
            return False
        if not outputs:
            return self.__kart_is_wrapper__()
        if not all(target.exists() for target in outputs):
            return False
        if self.modification_time_check and not outputs_newer(flatten(self.input()), outputs):
            return False
        if per_class(type(self), "_kartwheel_yields", lambda: inspect.isgeneratorfunction(type(self).run)):
            warn_dynamic_dependencies(type(self))
        return True

    # -- outputs and targets --------------------------------------------------------------------------

    def output(self) -> Any:
        """By default one pickle, `<workspace>/<module path>/<Class>_<hash>.pkl`; a wrapper's: its inputs."""
        if self.__kart_is_wrapper__():
            return self.input()
        unique_id = compute_unique_id(self)
        if self._default_output is None or self._default_output_id != unique_id:
            self._default_output = self.make_target()
            self._default_output_id = unique_id
        return self._default_output

    def make_target(
        self, relative_file_path: str | None = None, use_unique_id: bool = True, processor: Any = None
    ) -> KartTarget:
        """A target in the workspace; the extension picks the format unless `processor` is given.

        Without a path: `<module path>/<Class>.pkl`, the default output.
        """
        path = targets.default_path(type(self), ".pkl") if relative_file_path is None else relative_file_path
        return targets.file_target(
            self._target_place(path, use_unique_id), processor, bool(self.store_index_in_feather)
        )

    def make_model_target(
        self,
        relative_file_path: str,
        save_function: Callable[[Any, str], Any],
        load_function: Callable[[str], Any],
        use_unique_id: bool = True,
    ) -> KartTarget:
        """A `.zip` target for a model saved by `save_function(model, path)` and read by `load_function(path)`."""
        place = self._target_place(relative_file_path, use_unique_id, required_suffix=".zip")
        return targets.model_target(place, save_function, load_function, str(self.local_temporary_directory))

    def make_large_data_frame_target(
        self, relative_file_path: str | None = None, use_unique_id: bool = True, max_byte: int = 1 << 26
    ) -> KartTarget:
        """A `.zip` target for a DataFrame stored in pickles of about `max_byte` bytes each."""
        path = targets.default_path(type(self), ".zip") if relative_file_path is None else relative_file_path
        place = self._target_place(path, use_unique_id, required_suffix=".zip")
        return targets.large_data_frame_target(place, max_byte, str(self.local_temporary_directory))

    def _target_place(self, path: str, use_unique_id: bool, required_suffix: str | None = None) -> targets.Place:
        return targets.Place.inside(
            type(self).__name__,
            str(self.workspace_directory),
            path,
            self.make_unique_id if use_unique_id else None,
            required_suffix,
            self,
        )

    # -- dump and load --------------------------------------------------------------------------------

    def dump(self, obj: T, target: str | luigi.Target | None = None) -> None:
        """Write `obj` to the output (or the output named `target`), atomically."""
        check_before_dump(self, obj)
        destination = targets.named_output(self, self.output(), target)
        if not isinstance(destination, TargetOnKart):
            raise KartwheelError(
                f"{self} cannot dump to {destination!r}: dump writes targets made by self.make_target(...); "
                "return those from output()"
            )
        destination.dump(obj)
        self.__kart_state__.dumped.add(str(destination))

    @overload
    def load(self, target: TaskOnKart[K]) -> K: ...

    @overload
    def load(self, target: str | luigi.Target | list | tuple | dict | None = None) -> Any: ...

    def load(self, target: Any = None) -> Any:
        """Load inputs: all of them in the shape of requires(), one by name, or one task's output."""
        return load_targets(self._input_targets(target))

    def load_generator(self, target: Any = None) -> Iterator[Any]:
        """Yield the inputs one at a time (a list's items, a dict's values), holding one in memory."""
        inputs = self._input_targets(target)
        items = inputs.values() if isinstance(inputs, dict) else inputs
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
                    tasks = flatten(self.requires()) + flatten(list(self.make_task_instance_dictionary().values()))
                    loadable = {task.task_id for task in tasks}
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

    # -- what a finished task logged ------------------------------------------------------------------

    def get_task_log(self) -> dict[str, Any]:
        """The `task_log` dict the task filled during its last successful run."""
        return read_log(self._log_target("task_log"))

    def get_task_params(self) -> dict[str, Any]:
        """The parameters the task last ran with: values as its parameters hold them, tasks as `Family_<hash>`
        (the log itself holds gokart's strings, or, written by kartwheel 0.3.0, these values)."""
        return readable_params(type(self), read_log(self._log_target("task_params")))

    def get_processing_time(self) -> float:
        """Seconds the last successful run took."""
        return read_log(self._log_target("processing_time"))

    def get_random_seed(self) -> dict[str, Any]:
        """`{'seed': int, 'seed_methods': [...]}` of the last successful run."""
        return read_log(self._log_target("random_seed"))

    def _log_target(self, kind: str) -> KartTarget:
        return self.make_target(log_file_name(type(self).__name__, kind))

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

    # -- copies and restores --------------------------------------------------------------------------

    def clone(self, cls: type[luigi.Task] | None = None, **kwargs: Any) -> Any:
        """A task of `cls` (default: this class) with this task's values for the parameters it shares.

        `kwargs` override them; rerun, strict_check and modification_time_check are not copied.
        """
        cls = cls or type(self)
        values = {}
        for name, _ in cls.get_params():
            if name in kwargs:
                values[name] = kwargs[name]
            elif name in self.param_kwargs and name not in _NOT_CLONED:
                values[name] = self.param_kwargs[name]
        return cls(**values)

    @classmethod
    def restore(cls, unique_id: str, workspace_directory: str | None = None) -> Any:
        """The task of this class whose hash is `unique_id`, rebuilt from the parameters it logged when it ran."""
        from .restore import restore_task  # restore builds tasks of any class, this one included

        return restore_task(cls, unique_id, workspace_directory)

    # -- luigi's hooks --------------------------------------------------------------------------------

    def on_success(self) -> Any:
        """Check that every output was written and write the logs; subclasses call super()."""
        lifecycle.after_success(self)
        return super().on_success()

    def on_failure(self, exception: BaseException) -> Any:
        """Remove partial outputs; subclasses call super()."""
        lifecycle.after_failure(self)
        return super().on_failure(exception)

    # -- the interface kartwheel's other modules use (dunder names: no user parameter can clash) ------

    @functools.cached_property
    def __kart_state__(self) -> RunState:
        """This task's run: a pending rerun, what it dumped, its seed and duration (kept by lifecycle)."""
        return RunState()

    @classmethod
    def __kart_is_wrapper__(cls) -> bool:
        """A task without a run() of its own: it stands for its requirements and writes nothing."""
        return bool(per_class(cls, "_kartwheel_is_wrapper", lambda: (cls.run is luigi.Task.run,))[0])

    @classmethod
    def __kart_task_parameter_names__(cls) -> list[str]:
        """The names of the parameters that hold tasks (TaskInstanceParameter, ListTaskInstanceParameter)."""
        task_types = (TaskInstanceParameter, ListTaskInstanceParameter)
        names: list[str] = per_class(
            cls,
            "_kartwheel_task_params",
            lambda: [name for name, param in cls.get_params() if isinstance(param, task_types)],
        )
        return names

    def __kart_rebuilt__(self) -> TaskOnKart:
        """The same task made again from the arguments it was given, so that today's config fills the rest."""
        args, kwargs = self._given
        return type(self)(*map(rebuilt, args), **{name: rebuilt(value) for name, value in kwargs.items()})

    def __kart_hash_inputs__(self) -> Any:
        """A JSON value added to the task's hash besides its parameters and upstream tasks, or None.

        With serialized_task_definition_check, the source of the task's own classes, so that editing
        the class gives new outputs.
        """
        if not self.serialized_task_definition_check:
            return None
        return {"source": per_class(type(self), "_kartwheel_source", lambda: class_sources(type(self)))}

    @classmethod
    def __kart_fresh_values__(cls, params: list, args: tuple, kwargs: dict, values: list) -> list:
        """Resolved parameter values, with tasks given as defaults remade under today's configuration."""
        return fresh_task_defaults(cls, params, args, kwargs, values)


def _rerun_pending(task: Any) -> bool:
    """Whether `task` (any luigi task) is a TaskOnKart about to rerun."""
    state = getattr(task, "__kart_state__", None)
    return bool(state is not None and state.rerun_pending)


lifecycle.install_event_handlers(TaskOnKart)
