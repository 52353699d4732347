"""The repository's own promises: one test command everywhere, a wheel that ships its type information."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from tests.processes import run_python

ROOT = Path(__file__).resolve().parent.parent


def _readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"Install and run the tests.*?```sh\n(.+?)\n```", readme, re.DOTALL)
    assert found, "README.md has no 'Install and run the tests' block"
    return found.group(1).strip()


def test_ci_runs_the_readme_test_command_verbatim():
    command = _readme_test_command()
    assert "scripts/check.py" in command
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    assert command in ci_lines


def test_the_wheel_ships_py_typed_and_the_template(tmp_path):
    done = run_python("-m", "hatchling", "build", "-t", "wheel", "-d", tmp_path, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("kartwheel-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "kartwheel/py.typed" in names
    assert "kartwheel/LICENSE" in names
    assert "kartwheel/_template/cookiecutter.json" in names


def test_the_runtime_carries_the_repository_licence():
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License\n\nCopyright (c) 2026 kartwheel developers\n")
    assert (ROOT / "runtime" / "kartwheel" / "LICENSE").read_text(encoding="utf-8") == licence


def test_the_changelog_opens_with_unreleased_and_has_the_current_version():
    from kartwheel import __version__

    headings = re.findall(r"^## (.+)$", (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), re.MULTILINE)
    assert headings[0] == "[Unreleased]"
    assert re.fullmatch(rf"\[{re.escape(__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}", headings[1])
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__), "a SemVer version"
