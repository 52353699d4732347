"""kartwheel: machine-learning pipelines on luigi, with outputs named by the hash of what made them."""

from ._version import __version__
from .build import build
from .cli import run
from .config import add_config
from .errors import (
    BuildError,
    CommandLineError,
    ConfigError,
    DumpError,
    DynamicDependencyWarning,
    KartwheelError,
    LoadError,
    MissingDependencyError,
    MissingOutputError,
    NewProjectError,
    RequiresError,
    TaskParameterError,
    UnknownFormatError,
    WorkspaceEscapeError,
)
from .file_processor import FileProcessor
from .formats import FileFormat, register_format
from .parameters import (
    ExplicitBoolParameter,
    ListTaskInstanceParameter,
    SerializableParameter,
    TaskInstanceParameter,
)
from .target import KartTarget
from .task import TaskOnKart

__all__ = [
    "BuildError",
    "CommandLineError",
    "ConfigError",
    "DumpError",
    "DynamicDependencyWarning",
    "ExplicitBoolParameter",
    "FileFormat",
    "FileProcessor",
    "KartTarget",
    "KartwheelError",
    "ListTaskInstanceParameter",
    "LoadError",
    "MissingDependencyError",
    "MissingOutputError",
    "NewProjectError",
    "RequiresError",
    "SerializableParameter",
    "TaskInstanceParameter",
    "TaskOnKart",
    "TaskParameterError",
    "UnknownFormatError",
    "WorkspaceEscapeError",
    "__version__",
    "add_config",
    "build",
    "register_format",
    "run",
]
