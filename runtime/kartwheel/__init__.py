"""kartwheel: machine-learning pipelines on luigi, with outputs named by the hash of what made them."""

from ._version import __version__
from .build import build
from .cli import run
from .config import add_config
from .config_params import inherits_config_params
from .errors import (
    BuildError,
    CommandLineError,
    ConfigError,
    ConfigWarning,
    DumpError,
    DynamicDependencyWarning,
    EmptyDumpError,
    KartwheelError,
    LoadError,
    MissingDependencyError,
    MissingInputError,
    MissingOutputError,
    NewProjectError,
    PandasTypeError,
    ParameterValueError,
    ProjectUpdateError,
    RequiresError,
    RunLockError,
    TaskParameterError,
    UnknownFormatError,
    WorkspaceEscapeError,
)
from .external import ExternalFile
from .file_processor import FileProcessor
from .formats import FileFormat, register_format
from .info import make_tree_info, tree_info
from .pandas_type_config import PandasTypeConfig
from .parameters import (
    ExplicitBoolParameter,
    ListTaskInstanceParameter,
    SerializableParameter,
    TaskInstanceParameter,
    ZonedDateSecondParameter,
)
from .target import KartTarget
from .task import TaskOnKart
from .tree.task_info import make_task_info_as_tree_str
from .workspace_management import delete_local_unnecessary_outputs

__all__ = [
    "BuildError",
    "CommandLineError",
    "ConfigError",
    "ConfigWarning",
    "DumpError",
    "DynamicDependencyWarning",
    "EmptyDumpError",
    "ExplicitBoolParameter",
    "ExternalFile",
    "FileFormat",
    "FileProcessor",
    "KartTarget",
    "KartwheelError",
    "ListTaskInstanceParameter",
    "LoadError",
    "MissingDependencyError",
    "MissingInputError",
    "MissingOutputError",
    "NewProjectError",
    "PandasTypeConfig",
    "PandasTypeError",
    "ParameterValueError",
    "ProjectUpdateError",
    "RequiresError",
    "RunLockError",
    "SerializableParameter",
    "TaskInstanceParameter",
    "TaskOnKart",
    "TaskParameterError",
    "UnknownFormatError",
    "WorkspaceEscapeError",
    "ZonedDateSecondParameter",
    "__version__",
    "add_config",
    "build",
    "delete_local_unnecessary_outputs",
    "inherits_config_params",
    "make_task_info_as_tree_str",
    "make_tree_info",
    "register_format",
    "run",
    "tree_info",
]


def __getattr__(name: str) -> object:
    """`kartwheel.testing` on first use, as `gokart.testing` is reachable after `import gokart`."""
    if name in ("testing", "test_run"):
        import importlib

        testing = importlib.import_module(".testing", __name__)
        return testing if name == "testing" else testing.test_run
    raise AttributeError(f"module 'kartwheel' has no attribute {name!r}")
