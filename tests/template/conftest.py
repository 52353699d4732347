"""Fixtures for the template tests: an isolated cookiecutter configuration and a project generator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cookiecutter.main import cookiecutter

from .helpers import REPO

Generate = Callable[..., Path]


@pytest.fixture
def cookiecutter_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Write a cookiecutter user config that keeps replay files and clones out of the real home folder."""
    home = tmp_path_factory.mktemp("cookiecutter-home")
    config = home / "config.yaml"
    config.write_text(f"replay_dir: '{home / 'replay'}'\ncookiecutters_dir: '{home / 'clones'}'\n", encoding="utf-8")
    return config


@pytest.fixture
def output_dir(tmp_path: Path) -> Path:
    """Return an empty folder to generate projects into."""
    out = tmp_path / "out"
    out.mkdir()
    return out


@pytest.fixture
def generate(output_dir: Path, cookiecutter_config: Path) -> Generate:
    """Return a function that generates a project from this repository with the given answers."""

    def _generate(**answers: str) -> Path:
        project = cookiecutter(
            str(REPO),
            no_input=True,
            extra_context=answers,
            output_dir=str(output_dir),
            config_file=str(cookiecutter_config),
        )
        return Path(project)

    return _generate
