"""The pytest fixture: `pytest_plugins = ["kartwheel.testing"]` in a conftest.py makes it available."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .workspace import isolated_workspace

__all__ = ["kartwheel_workspace"]


@pytest.fixture
def kartwheel_workspace(tmp_path: Path) -> Iterator[Path]:
    """A fresh directory as the current one, luigi's configuration reset, and its `resources` workspace."""
    with isolated_workspace(tmp_path) as workspace:
        yield workspace
