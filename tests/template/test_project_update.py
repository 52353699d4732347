"""`kartwheel check` and `kartwheel update` across a real template change (a v1 -> v2 fixture template)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.processes import run

from .helpers import RUNTIME, copy_template

TEMPLATE_DIR = "{{cookiecutter.__project_dir}}"


@pytest.fixture
def modules(monkeypatch: pytest.MonkeyPatch, cookiecutter_config: Path) -> tuple[object, object]:
    """The modules behind `kartwheel new` and `kartwheel check/update`, with cookiecutter's config isolated."""
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(cookiecutter_config))
    monkeypatch.syspath_prepend(str(RUNTIME.parent))
    from kartwheel._project import new as new_project
    from kartwheel._project import update as project_update

    return new_project, project_update


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def git(project: Path, *args: str) -> None:
    identity = ["-c", "user.name=Test", "-c", "user.email=test@example.com"]
    run(["git", *identity, *args], cwd=project, check=True, timeout=60)


def make_v2(v1: Path, tmp_path: Path) -> Path:
    """A later template: new version, a changed README and param.ini, a changed main.py docstring, a new file."""
    v2 = copy_template(tmp_path / "v2", with_runtime=True)
    edit(v2 / "runtime" / "kartwheel" / "_version.py", '__version__ = "', '__version__ = "9.')
    edit(v2 / TEMPLATE_DIR / "README.md", "## Test\n", "## Tests\n")
    edit(v2 / TEMPLATE_DIR / "conf" / "param.ini", "workspace_directory=./resources", "workspace_directory=./build")
    edit(v2 / TEMPLATE_DIR / "main.py", "from any folder.", "from any folder of the machine.")
    (v2 / TEMPLATE_DIR / "NEWS.md").write_text("# News of {{ cookiecutter.project_name }}\n", encoding="utf-8")
    return v2


def test_update_merges_a_new_template_into_a_project_with_edits(
    modules: tuple[object, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new_project, project_update = modules
    v1 = copy_template(tmp_path / "v1", with_runtime=True)
    project = new_project.generate(v1, tmp_path / "out", {"project_name": "proj"}, no_input=True, quiet=True)
    record = json.loads((project / ".kartwheel-answers.json").read_text(encoding="utf-8"))
    assert record["answers"]["project_name"] == "proj" and record["answers"]["license"] == "MIT"
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "generated")
    assert project_update.check(project, v1) == 0

    # The user's month of work: an edit where the template will also change, and one where it will not.
    edit(project / "conf" / "param.ini", "workspace_directory=./resources", "workspace_directory=/data/outputs")
    with (project / "main.py").open("a", encoding="utf-8") as file:
        file.write("# run nightly by cron\n")
    v2 = make_v2(v1, tmp_path)
    assert project_update.check(project, v2) == 1
    assert "run `kartwheel update`" in capsys.readouterr().out

    with pytest.raises(project_update.ProjectUpdateError, match="uncommitted changes"):
        project_update.update(project, v2)
    git(project, "commit", "-qam", "my edits")
    assert project_update.update(project, v2) == 1  # one conflict left to resolve

    out = capsys.readouterr().out
    assert "conflict conf/param.ini" in out and "updated  README.md" in out and "merged   main.py" in out
    assert "## Tests\n" in (project / "README.md").read_text(encoding="utf-8")
    assert (project / "NEWS.md").read_text(encoding="utf-8") == "# News of proj\n"
    main = (project / "main.py").read_text(encoding="utf-8")
    assert "from any folder of the machine." in main and main.endswith("# run nightly by cron\n")
    param = (project / "conf" / "param.ini").read_text(encoding="utf-8")
    assert "<<<<<<< your version\nworkspace_directory=/data/outputs\n" in param
    assert "=======\nworkspace_directory=./build\n>>>>>>> template now\n" in param
    assert project_update.check(project, v2) == 0

    # Once resolved and committed, a second update has nothing to do and keeps the resolution.
    edit(project / "conf" / "param.ini", param[param.index("<<<<<<<") :], "workspace_directory=/data/outputs\n")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "resolved")
    assert project_update.update(project, v2) == 0
    assert "workspace_directory=/data/outputs\n" in (project / "conf" / "param.ini").read_text(encoding="utf-8")


def test_check_and_update_name_a_folder_that_is_not_a_project(
    modules: tuple[object, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, project_update = modules
    assert project_update.main(["check", str(tmp_path)]) == 1
    assert ".kartwheel-answers.json is missing" in capsys.readouterr().err
