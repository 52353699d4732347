"""Fixtures for runtime tests: a fresh workspace and cwd per test, and a call counter."""

from __future__ import annotations

import collections
from collections.abc import Iterator
from pathlib import Path

import pytest
from kartwheel.testing import isolated_config, isolated_workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[str]:
    """A fresh workspace directory and configuration; the cwd moves to tmp_path so './resources' lands there too."""
    with isolated_workspace(tmp_path) as resources:
        yield str(resources)


@pytest.fixture
def calls() -> collections.Counter:
    """Counts `run` calls per task name; tasks in tests record into tasks_for_tests.CALLS."""
    from tests.runtime import tasks_for_tests

    tasks_for_tests.CALLS.clear()
    return tasks_for_tests.CALLS


@pytest.fixture
def fresh_luigi_config() -> Iterator[None]:
    """The test starts from luigi's own config files and leaves the configuration as it found it."""
    with isolated_config():
        yield
