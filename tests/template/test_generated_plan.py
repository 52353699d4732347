"""A generated project can be seen and steered: its README shows how, its main.py lists tasks and plans."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.processes import run_project

from .conftest import Generate


def main_py(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_project(project, "main.py", *args)


def test_the_readme_shows_plan_graph_and_progress_in_its_first_screen(generate: Generate) -> None:
    project = generate(project_name="nlp100", package_name="gokart_nlp100")
    first_screen = "\n".join((project / "README.md").read_text(encoding="utf-8").splitlines()[:30])
    assert "python main.py gokart_nlp100.Score --plan" in first_screen
    assert "python main.py gokart_nlp100.Score --graph pipeline.html" in first_screen
    assert "progress" in first_screen


@pytest.mark.slow
def test_help_plan_and_a_run_without_scheduler_flags(generate: Generate) -> None:
    project = generate(project_name="nlp100", package_name="gokart_nlp100")
    listing = main_py(project, "--help")
    assert listing.returncode == 0, listing.stderr
    assert "gokart_nlp100.Score" in listing.stdout and "The fitted line and its error" in listing.stdout

    plan = main_py(project, "gokart_nlp100.Score", "--plan")
    assert plan.returncode == 0, plan.stderr
    assert re.fullmatch(r"\d+ tasks: (\d+ cached, )?\d+ will run", plan.stdout.splitlines()[-1])

    run = main_py(project, "gokart_nlp100.Score")
    assert run.returncode == 0, run.stderr
    assert re.search(r"^\d+ tasks: \d+ ran, \d+ cached, 0 failed", run.stderr, re.M)
    assert main_py(project, "gokart_nlp100.Score", "--plan").stdout.splitlines()[-1].endswith("cached")

    wrong = main_py(project, "Score")
    assert wrong.returncode == 2 and "did you mean gokart_nlp100.Score?" in wrong.stderr
