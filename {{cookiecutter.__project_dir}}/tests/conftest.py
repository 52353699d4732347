"""Fixtures shared by the project's tests, from the testing helpers of the bundled runtime."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.kartwheel.testing import isolated_workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Path]:
    """Build into a fresh workspace with luigi's configuration reset, never the project's resources/."""
    # [TaskOnKart] outranks ProjectTask's default, which is the project's resources/.
    resources = tmp_path / "resources"
    with isolated_workspace(tmp_path, TaskOnKart={"workspace_directory": str(resources)}):
        yield resources
