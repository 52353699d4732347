"""Fixtures shared by the project's tests."""

from collections.abc import Iterator
from pathlib import Path

import luigi
import pytest


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Path]:
    """Point every task at a fresh workspace, so that tests never read or write the project's resources/."""
    config = luigi.configuration.get_config()
    if not config.has_section("TaskOnKart"):
        config.add_section("TaskOnKart")
    previous = config.get("TaskOnKart", "workspace_directory", fallback=None)
    config.set("TaskOnKart", "workspace_directory", str(tmp_path / "resources"))
    yield tmp_path / "resources"
    if previous is None:
        config.remove_option("TaskOnKart", "workspace_directory")
    else:
        config.set("TaskOnKart", "workspace_directory", previous)
