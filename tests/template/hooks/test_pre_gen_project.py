"""hooks/pre_gen_project.py: every bad answer is refused with one clear line, and nothing is left behind."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from cookiecutter.exceptions import FailedHookException

from tests.processes import run, run_python

from ..conftest import Generate
from ..helpers import REPO, load_hook

# (answers, the key named in the message, a fragment of the reason)
REJECTED = {
    "project-empty": ({"project_name": ""}, "project_name", "is empty"),
    "project-spaces": ({"project_name": "   "}, "project_name", "is empty"),
    "project-slash": ({"project_name": "a/b"}, "project_name", "path separator"),
    "project-parent": ({"project_name": "../x"}, "project_name", "path separator"),
    "project-dotdot": ({"project_name": ".."}, "project_name", "'..'"),
    "project-backslash": ({"project_name": "a\\b"}, "project_name", "path separator"),
    "project-question-mark": ({"project_name": "what?", "package_name": "what"}, "project_name", "refuse"),
    "project-trailing-space": ({"project_name": "x ", "package_name": "x"}, "project_name", "spaces"),
    "project-device-name": ({"project_name": "con", "package_name": "con_x"}, "project_name", "reserved"),
    "project-newline": ({"project_name": "a\nb", "package_name": "ab"}, "project_name", "U+000A"),
    "project-too-long": ({"project_name": "x" * 256, "package_name": "x"}, "project_name", "255 bytes"),
    "package-dash": ({"package_name": "my-pkg"}, "package_name", "not a lower-case Python identifier"),
    "package-upper": ({"package_name": "MyPkg"}, "package_name", "not a lower-case Python identifier"),
    "package-digit": ({"package_name": "1abc"}, "package_name", "not a lower-case Python identifier"),
    "package-unicode": ({"package_name": "données"}, "package_name", "not a lower-case Python identifier"),
    "package-keyword": ({"package_name": "class"}, "package_name", "keyword"),
    "package-luigi": ({"package_name": "luigi"}, "package_name", "shadow"),
    "package-kartwheel": ({"package_name": "kartwheel"}, "package_name", "shadow"),
    "package-json": ({"package_name": "json"}, "package_name", "shadow"),
    "package-test": ({"package_name": "test"}, "package_name", "shadow"),
    "python-3.9": ({"python_version": "3.9"}, "python_version", "3.10, 3.11, 3.12, 3.13, 3.14"),
    "python-2.7": ({"python_version": "2.7"}, "python_version", "not a supported"),
    "python-3.15": ({"python_version": "3.15"}, "python_version", "not a supported"),
    "python-major-only": ({"python_version": "3"}, "python_version", "not a supported"),
    "python-leading-zero": ({"python_version": "3.010"}, "python_version", "not a supported"),
    "python-garbage-patch": ({"python_version": "3.12.x"}, "python_version", "not a supported"),
    "author-empty": ({"author": ""}, "author", "is empty"),
    "author-spaces": ({"author": "  "}, "author", "is empty"),
    "author-two-lines": ({"author": "a\nb"}, "author", "control character"),
    "description-tab": ({"package_description": "a\tb"}, "package_description", "control character"),
}


@pytest.fixture
def pre_gen() -> object:
    """Return a fresh import of the pre-generation hook."""
    return load_hook("pre_gen_project")


@pytest.mark.parametrize(("answers", "key", "reason"), REJECTED.values(), ids=REJECTED.keys())
def test_a_bad_answer_stops_generation_with_one_line_and_no_folder(
    generate: Generate, output_dir: Path, capfd: pytest.CaptureFixture[str], answers: dict, key: str, reason: str
) -> None:
    with pytest.raises(FailedHookException):
        generate(**answers)
    lines = [line for line in capfd.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {key}=")
    assert reason in lines[0]
    assert list(output_dir.iterdir()) == []


def test_a_license_outside_the_list_is_refused_before_anything_is_written(generate: Generate, output_dir: Path) -> None:
    with pytest.raises(ValueError, match="WTFPL provided for choice variable license"):
        generate(license="WTFPL")
    assert list(output_dir.iterdir()) == []


def test_a_folder_name_outside_the_output_dir_cannot_be_forced(generate: Generate, tmp_path: Path) -> None:
    with pytest.raises(FailedHookException):
        generate(project_name="x", __project_dir="../escaped")
    assert not (tmp_path / "escaped").exists() or list((tmp_path / "escaped").iterdir()) == []


@pytest.mark.parametrize(
    "value", ["nlp100", "my-ml-project", "Pepe's pipeline", "データ-pipeline", "v1.2", "a b", ".hidden"]
)
def test_good_project_names_pass(pre_gen: object, value: str) -> None:
    pre_gen.check_project_name(value)


@pytest.mark.parametrize("value", ["gokart_nlp100", "nlp100", "a", "my_pkg_2", "match", "case"])
def test_good_package_names_pass(pre_gen: object, value: str) -> None:
    pre_gen.check_package_name(value)


@pytest.mark.parametrize("value", ["3.10", "3.11", "3.12", "3.13", "3.14", "3.12.0", "3.13.1"])
def test_supported_python_versions_pass(pre_gen: object, value: str) -> None:
    pre_gen.check_python_version(value)


@pytest.mark.parametrize("value", ['José "Pepe" O\'Brien \\ 李', "Zoë 😀 𠮷", "{{ x }}", "山田\u3000太郎"])
def test_authors_with_quotes_braces_and_any_script_pass(pre_gen: object, value: str) -> None:
    pre_gen.check_author(value)


def test_the_suggested_package_name_is_itself_accepted(pre_gen: object) -> None:
    for raw in ["My Proj!", "123", "json", "class", "データ"]:
        pre_gen.check_package_name(pre_gen.suggest_package_name(raw))


def test_the_unrendered_hook_is_importable_and_answers_only_when_rendered(pre_gen: object) -> None:
    with pytest.raises(ValueError):
        pre_gen.rendered_answers()


def test_the_hook_runs_as_a_script_and_reports_through_its_exit_code(tmp_path: Path) -> None:
    source = (REPO / "hooks" / "pre_gen_project.py").read_text(encoding="utf-8")
    rendered = source.replace("{{ cookiecutter | tojson }}", '{"project_name": "a/b"}')
    script = tmp_path / "hook.py"
    script.write_text(rendered, encoding="utf-8")
    result = run_python(script)
    assert result.returncode == 1
    assert result.stderr.startswith('error: project_name="a/b" contains a path separator')
    assert result.stderr.count("\n") == 1


def test_every_wrong_answer_is_reported_at_once(
    generate: Generate, output_dir: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(FailedHookException):
        generate(package_name="class", python_version="3.9", author="")
    lines = [line for line in capfd.readouterr().err.splitlines() if line.startswith("error:")]
    assert [line.split("=")[0] for line in lines] == ["error: package_name", "error: python_version", "error: author"]
    assert list(output_dir.iterdir()) == []


def test_plain_cookiecutter_shows_the_reason_without_a_traceback(output_dir: Path, cookiecutter_config: Path) -> None:
    command = [sys.executable, "-m", "cookiecutter", str(REPO), "--no-input", "-o", str(output_dir)]
    result = run([*command, "--config-file", str(cookiecutter_config), "project_name=a/b"])
    assert result.returncode != 0
    assert 'error: project_name="a/b" contains a path separator' in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert list(output_dir.iterdir()) == []


@pytest.mark.parametrize(
    ("running", "default"), [((3, 11), "3.11"), ((3, 14), "3.14"), ((3, 9), "3.10"), ((3, 15), "3.14")]
)
def test_the_default_python_is_the_running_one_within_the_supported_range(
    pre_gen: object, running: tuple[int, int], default: str
) -> None:
    assert pre_gen.default_python_version(running) == default
