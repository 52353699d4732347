"""`kartwheel new` (runtime/kartwheel/new_project.py): checks first, renders aside, moves into place last."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.processes import run_python

from .helpers import REPO, RUNTIME, copy_template


@pytest.fixture
def new_project(monkeypatch: pytest.MonkeyPatch, cookiecutter_config: Path) -> object:
    """Return the module behind `kartwheel new`, with cookiecutter's user config isolated."""
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(cookiecutter_config))
    monkeypatch.syspath_prepend(str(RUNTIME.parent))
    from kartwheel._project import new as new_project

    return new_project


def test_it_generates_a_working_project(new_project: object, output_dir: Path) -> None:
    argv = ["--no-input", "-o", str(output_dir), "project_name=nlp100", "package_name=gokart_nlp100"]
    assert new_project.main(argv) == 0
    project = output_dir / "nlp100"
    assert (project / "gokart_nlp100" / "model" / "sample.py").is_file()
    assert (project / "gokart_nlp100" / "kartwheel" / "_version.py").is_file()
    assert [path.name for path in output_dir.iterdir()] == ["nlp100"]


def test_the_template_is_found_from_the_source_tree(new_project: object) -> None:
    assert new_project.find_template() == REPO


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["project_name=a/b"], 'project_name="a/b" contains a path separator'),
        (["package_name=luigi"], 'package_name="luigi" would shadow'),
        (["python_version=3.9"], 'python_version="3.9" is not a supported CPython version'),
        (["license=WTFPL"], 'license="WTFPL" is not offered'),
        (["author="], 'author="" is empty'),
        (["colour=blue"], "'colour' is not a question of the template"),
        (["__project_dir=../x"], "'__project_dir' is not a question of the template"),
        (["nlp100"], "'nlp100' is not an answer; write key=value"),
        (["author={{ oops"], 'author="{{ oops" is read as a Jinja template'),
    ],
    ids=[
        "slash",
        "shadow",
        "old-python",
        "license",
        "no-author",
        "unknown",
        "private",
        "no-equals",
        "jinja",
    ],
)
def test_a_bad_answer_is_refused_before_cookiecutter_starts(
    new_project: object, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    output_dir = tmp_path / "not-yet"
    assert new_project.main(["--no-input", "-o", str(output_dir), *argv]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kartwheel new: error: ") and err.count("\n") == 1
    assert message in err
    assert not output_dir.exists()


def test_an_existing_folder_is_left_alone(
    new_project: object, output_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = output_dir / "nlp100"
    existing.mkdir()
    (existing / "keep.txt").write_text("mine", encoding="utf-8")
    assert new_project.main(["--no-input", "-o", str(output_dir), "project_name=nlp100"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert [path.name for path in existing.iterdir()] == ["keep.txt"]
    assert [path.name for path in output_dir.iterdir()] == ["nlp100"]


def test_a_failure_during_generation_leaves_nothing(
    new_project: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    broken = copy_template(tmp_path / "template-without-runtime", with_runtime=False)
    monkeypatch.setattr(new_project, "find_template", lambda: broken)
    output_dir = tmp_path / "out" / "deeper"
    assert new_project.main(["--no-input", "-o", str(output_dir), "project_name=nlp100"]) == 1
    captured = capfd.readouterr()
    assert "the kartwheel runtime is missing" in captured.err
    assert "nothing was written" in captured.err
    assert "Traceback" not in captured.err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_the_packaged_layout_finds_its_template_and_bundles_itself(tmp_path: Path, cookiecutter_config: Path) -> None:
    site = tmp_path / "site-packages"
    package = site / "kartwheel"
    shutil.copytree(RUNTIME, package, ignore=shutil.ignore_patterns("__pycache__"))
    copy_template(package / "_template", with_runtime=False)
    output_dir = tmp_path / "out"
    code = (
        "import sys; from kartwheel._project.new import main, find_template; "
        f"assert str(find_template()) == {str(package / '_template')!r}; "
        f"sys.exit(main(['--no-input', '-o', {str(output_dir)!r}, 'project_name=shipped']))"
    )
    env = {"PYTHONPATH": str(site), "COOKIECUTTER_CONFIG": str(cookiecutter_config), "PATH": "/usr/bin:/bin"}
    result = run_python("-c", code, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    bundled = output_dir / "shipped" / "shipped" / "kartwheel"
    assert (bundled / "_version.py").is_file()
    assert not (bundled / "_template").exists()


def test_no_input_reports_every_wrong_answer_at_once(
    new_project: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--no-input", "-o", str(tmp_path / "out"), "package_name=class", "python_version=3.9", "license=WTFPL"]
    assert new_project.main(argv) == 1
    lines = capsys.readouterr().err.splitlines()
    assert [line.split("=")[0] for line in lines] == [
        "kartwheel new: error: package_name",
        "kartwheel new: error: python_version",
        "kartwheel new: error: license",
    ]
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_wrong_typed_answer_is_asked_again_at_once_saying_why(tmp_path: Path, cookiecutter_config: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    output_dir = tmp_path / "out"
    code = f"import sys; from kartwheel._project.new import main; sys.exit(main(['-o', {str(output_dir)!r}]))"
    env = {
        "PYTHONPATH": str(RUNTIME.parent),
        "COOKIECUTTER_CONFIG": str(cookiecutter_config),
        "PATH": "/usr/bin:/bin",
        "NO_COLOR": "1",
        "TERM": "dumb",
        "HOME": str(tmp_path),
    }
    child = pexpect.spawn(sys.executable, ["-c", code], env=env, encoding="utf-8", timeout=60, dimensions=(40, 200))
    child.expect("Project name")
    child.sendline("a/b")
    child.expect("contains a path separator")
    child.expect("Project name")  # asked again before any other question
    child.sendline("Élan 2024")
    child.expect(r"Python package name \(lower case, underscores\) \(elan_2024\)")
    child.sendline("class")
    child.expect("is a Python keyword")
    child.expect("Python package name")
    child.sendline("")
    for label in ("Python version", "Author", "One-line description"):
        child.expect(label)
        child.sendline("")
    child.expect("Choose from")
    child.sendline("1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    project = output_dir / "Élan 2024"
    assert (project / "elan_2024" / "kartwheel" / "_version.py").is_file()


def test_without_cookiecutter_kartwheel_new_says_how_to_install_it(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['cookiecutter'] = None; "  # as if it were not installed
        "from kartwheel._project.console import main; "
        f"sys.exit(main(['new', '--no-input', '-o', {str(tmp_path)!r}, 'project_name=nope']))"
    )
    result = run_python("-c", code)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "kartwheel new: error: generating a project needs cookiecutter, which is not installed; "
        "install it with `pip install 'kartwheel[new]'`"
    )
    assert list(tmp_path.iterdir()) == []
