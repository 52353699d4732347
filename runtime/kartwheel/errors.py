"""kartwheel's exceptions: one base class, each subclass also the built-in a caller would expect."""

from __future__ import annotations


class KartwheelError(Exception):
    """Base of every error kartwheel raises on purpose; the command line turns it into one line."""


class UnknownFormatError(KartwheelError, ValueError):
    """Raised when a file name's extension has no registered format."""


class MissingDependencyError(KartwheelError, ImportError):
    """Raised when a format or `kartwheel new` needs an optional library that is not installed."""


class RunLockError(KartwheelError, ConnectionError):
    """Raised when the redis server holding run locks (`should_lock_run`) cannot be reached; the task does not run."""


class DumpError(KartwheelError, TypeError):
    """Raised when an object cannot be written in the format its target asks for."""


class LoadError(KartwheelError, OSError):
    """Raised when a target cannot be read: missing, truncated or not in the expected format."""


class WorkspaceEscapeError(KartwheelError, ValueError):
    """Raised when a target path would lead outside the task's workspace."""


class MissingOutputError(KartwheelError, RuntimeError):
    """Raised when a task's run returned without writing every output it declared."""


class TaskParameterError(KartwheelError, TypeError):
    """Raised when a parameter receives a value of the wrong type."""


class RequiresError(KartwheelError, TypeError):
    """Raised when `requires()` returns something other than tasks, or tasks that depend on each other."""


class ParameterValueError(TaskParameterError, ValueError):
    """Raised when a parameter's text (command line, config) cannot be parsed; a ValueError, as luigi's are."""


class ConfigError(KartwheelError, ValueError):
    """Raised when a configuration file cannot be found or read."""


class BuildError(KartwheelError, RuntimeError):
    """Raised by `build` when a task failed or could not be scheduled; names the task and its traceback.

    `raised_exceptions` maps each failed task's hash to the exceptions it raised in this process.
    """

    def __init__(self, message: str, raised_exceptions: dict[str, list[BaseException]] | None = None) -> None:
        super().__init__(message)
        self.raised_exceptions = raised_exceptions or {}


class NewProjectError(KartwheelError, ValueError):
    """Raised when `kartwheel new` cannot generate the project; the message is one line."""


class CommandLineError(KartwheelError, ValueError):
    """Raised for a command line naming an unknown task or parameter, or a value of the wrong type."""


class DynamicDependencyWarning(UserWarning):
    """Warned once per class when a task that yields dependencies in `run()` is reused from its outputs:
    those dependencies are not part of its hash, so a change in them does not rerun it."""


class PandasTypeError(KartwheelError, TypeError):
    """Raised when a dumped DataFrame has a column whose values are not the type its PandasTypeConfig names."""


class EmptyDumpError(KartwheelError, AssertionError):
    """Raised when a task with `fail_on_empty_dump=True` dumps an empty DataFrame (an AssertionError, as in gokart)."""


class MissingInputError(KartwheelError, FileNotFoundError):
    """Raised before anything runs when an external input file a task reads does not exist."""


class ProjectUpdateError(KartwheelError, RuntimeError):
    """Raised when `kartwheel check`, `update` or `new-task` cannot work on a project; says why and what to do."""


class ConfigWarning(UserWarning):
    """Warned when a task's config section holds a key that is none of the task's parameters."""


class LuigiVersionError(KartwheelError, ImportError):
    """Raised at import when the installed luigi lacks a private name kartwheel adapts (see `_luigi/names.py`)."""
