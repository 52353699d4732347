"""`kartwheel new-task`: a task module in the project's style and a passing, lint-clean test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.processes import run_project

from .conftest import Generate
from .helpers import RUNTIME


@pytest.fixture
def new_task(monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.syspath_prepend(str(RUNTIME.parent))
    from kartwheel._project import new_task as project_new_task

    return project_new_task


@pytest.mark.slow
def test_a_new_task_and_its_test_pass_the_project_checks(
    new_task: object, generate: Generate, capsys: pytest.CaptureFixture[str]
) -> None:
    project = generate(project_name="tasks")
    assert new_task.main(["tasks.model.FeatureSet", "--project", str(project)]) == 0
    assert new_task.main(["tasks.text.HTTPLog", "--project", str(project)]) == 0
    out = capsys.readouterr().out
    assert "wrote tasks/model/feature_set.py" in out and "wrote tests/test_feature_set.py" in out
    assert "from tasks.model.feature_set import FeatureSet" in out
    assert (project / "tasks" / "text" / "__init__.py").is_file()
    assert (project / "tasks" / "text" / "http_log.py").is_file()
    tests = run_project(
        project, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_feature_set.py", "tests/test_http_log.py"
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "4 passed" in tests.stdout
    for command in (["check", "--no-cache"], ["format", "--check", "--no-cache"]):
        lint = run_project(project, "-m", "ruff", *command, ".")
        assert lint.returncode == 0, lint.stdout + lint.stderr


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("other.model.Features", "inside the project's package, e.g. tasks.model.Features"),
        ("tasks.model.features", "names the task class"),
        ("tasks.Model.Features", "'Model' is not a lower-case module name"),
        ("tasks.model.Fit", None),  # made once below, then refused as existing
    ],
)
def test_bad_names_and_existing_files_are_refused(
    new_task: object, generate: Generate, capsys: pytest.CaptureFixture[str], target: str, message: str | None
) -> None:
    project = generate(project_name="tasks")
    if message is None:
        assert new_task.main([target, "--project", str(project)]) == 0
        message = "fit.py already exists"
    before = sorted(path.relative_to(project) for path in project.rglob("*"))
    assert new_task.main([target, "--project", str(project)]) == 1
    assert message in capsys.readouterr().err
    assert sorted(path.relative_to(project) for path in project.rglob("*")) == before


def test_outside_a_project_it_says_so(new_task: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new_task.main(["x.model.Features", "--project", str(tmp_path)]) == 1
    assert "run the command in a project's root folder" in capsys.readouterr().err
