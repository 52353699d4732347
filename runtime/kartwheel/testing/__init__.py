"""Helpers for testing pipelines (importable as gokart's `testing` module is).

A workspace and configuration of their own per test (`isolated_workspace`, `isolated_config`), running a task
to get its output and what ran (`run_task`), and gokart's DataFrame helpers. With pytest installed, a
project's `conftest.py` line `pytest_plugins = ["kartwheel.testing"]` adds the `kartwheel_workspace` fixture.
"""

from .._cli.empty_data_frame import test_run, try_to_run_test_for_empty_data_frame
from .pandas_assert import assert_frame_contents_equal
from .workspace import TaskRun, isolated_config, isolated_workspace, run_task

try:
    from .fixtures import kartwheel_workspace
except ModuleNotFoundError as missing:  # the fixture is pytest's alone; without pytest there is nothing to offer
    if missing.name != "pytest":
        raise

__all__ = [
    "TaskRun",
    "assert_frame_contents_equal",
    "isolated_config",
    "isolated_workspace",
    "kartwheel_workspace",
    "run_task",
    "test_run",
    "try_to_run_test_for_empty_data_frame",
]
