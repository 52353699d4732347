"""Fixtures for runtime tests: a fresh workspace and cwd per test, a call counter, and luigid."""

from __future__ import annotations

import collections
from collections.abc import Iterator
from pathlib import Path

import pytest
from kartwheel.testing import isolated_config, isolated_workspace

from tests.runtime.luigid import Luigid


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


@pytest.fixture
def luigid_config() -> Path | None:
    """The LUIGI_CONFIG_PATH of the `luigid` fixture's server: none, unless a module overrides this fixture."""
    return None


@pytest.fixture
def luigid(tmp_path: Path, luigid_config: Path | None) -> Iterator[Luigid]:
    """A central scheduler on 127.0.0.1 serving tmp_path, on the port it bound (no race for a free one), stopped after
    the test."""
    with Luigid(tmp_path, config=luigid_config) as server:
        yield server
