"""Fixtures for runtime tests: a fresh workspace and cwd per test, and a call counter."""

from __future__ import annotations

import collections
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.runtime.luigi_state import luigi_config_restored


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh workspace directory; the cwd moves to tmp_path so default './resources' lands there too."""
    monkeypatch.chdir(tmp_path)
    return str(tmp_path / "resources")


@pytest.fixture
def calls() -> collections.Counter:
    """Counts `run` calls per task name; tasks in tests record into tasks_for_tests.CALLS."""
    from tests.runtime import tasks_for_tests

    tasks_for_tests.CALLS.clear()
    return tasks_for_tests.CALLS


@pytest.fixture
def fresh_luigi_config() -> Iterator[None]:
    """The test starts from luigi's default config files and leaves them as it found them."""
    with luigi_config_restored():
        yield
