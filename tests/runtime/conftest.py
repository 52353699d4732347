"""Fixtures for runtime tests: a fresh workspace and cwd per test, and a call counter."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest


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
