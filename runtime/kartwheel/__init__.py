"""kartwheel: machine-learning pipelines on luigi, with outputs named by the hash of what made them."""

from ._cli.main import run
from ._core.config import add_config
from ._core.config_params import inherits_config_params
from ._core.external import ExternalFile
from ._core.pandas_types import PandasTypeConfig
from ._core.parameters import (
    ExplicitBoolParameter,
    ListTaskInstanceParameter,
    SerializableParameter,
    TaskInstanceParameter,
    ZonedDateSecondParameter,
)
from ._core.task import TaskOnKart
from ._plan.task_info import make_task_info_as_tree_str
from ._plan.tree_info import make_tree_info, tree_info
from ._plan.workspace_management import delete_local_unnecessary_outputs
from ._targets.registry import FileFormat, register_format
from ._targets.target import KartTarget
from ._version import __version__

# Through the public module of that name, so that importing `kartwheel.build` later leaves this name the function.
from .build import build
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
from .file_processor import FileProcessor

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
