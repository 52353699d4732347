"""`cookiecutter <repo>` answered at the keyboard, through a pseudo-terminal and through piped stdin."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.processes import run_python

from .helpers import REPO

pytestmark = pytest.mark.slow

pexpect = pytest.importorskip("pexpect")


def plain_env(home: Path) -> dict[str, str]:
    """Return an environment with colours off, so prompts can be matched as plain text."""
    return dict(os.environ, NO_COLOR="1", TERM="dumb", HOME=str(home))


def cookiecutter_command(output_dir: Path, config: Path) -> list[str]:
    return ["-m", "cookiecutter", str(REPO), "-o", str(output_dir), "--config-file", str(config)]


def spawn_cookiecutter(output_dir: Path, config: Path, tmp_path: Path) -> pexpect.spawn:
    """cookiecutter on a pseudo-terminal, as a person at a shell runs it."""
    return pexpect.spawn(
        sys.executable,
        cookiecutter_command(output_dir, config),
        env=plain_env(tmp_path),
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 200),
    )


def test_answering_the_prompts_in_a_terminal(output_dir: Path, cookiecutter_config: Path, tmp_path: Path) -> None:
    child = spawn_cookiecutter(output_dir, cookiecutter_config, tmp_path)
    answers = [
        ("Project name", "nlp100"),
        ("Python package name", "gokart_nlp100"),
        ("Python version", "3.11"),
        ("Author", "José"),
        ("One-line description", ""),
    ]
    for label, answer in answers:
        child.expect(label)
        child.expect(r": $")
        child.sendline(answer)
    child.expect("Choose from")
    child.expect(r": $")
    child.sendline("2")
    child.expect("Next steps")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    pyproject = (output_dir / "nlp100" / "pyproject.toml").read_text(encoding="utf-8")
    assert 'license = "Apache-2.0"' in pyproject
    assert 'requires-python = ">=3.10"' in pyproject
    assert (
        'python-version: ["3.10", "3.11"]' in (output_dir / "nlp100" / ".github" / "workflows" / "ci.yml").read_text()
    )
    assert 'name = "José"' in pyproject


def test_a_bad_answer_in_a_terminal_leaves_nothing(output_dir: Path, cookiecutter_config: Path, tmp_path: Path) -> None:
    child = spawn_cookiecutter(output_dir, cookiecutter_config, tmp_path)
    child.expect("Project name")
    child.expect(r": $")
    child.sendline("a/b")
    for _ in range(4):
        child.expect(r": $")
        child.sendline("")
    child.expect("Choose from")
    child.expect(r": $")
    child.sendline("")
    child.expect('error: project_name="a/b" contains a path separator')
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1  # cookiecutter's exit code for a failed hook
    assert list(output_dir.iterdir()) == []


def test_answers_piped_on_stdin(output_dir: Path, cookiecutter_config: Path, tmp_path: Path) -> None:
    answers = "piped\n\n3.13\nAda\nPiped answers\n3\n"
    result = run_python(*cookiecutter_command(output_dir, cookiecutter_config), input=answers, env=plain_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    project = output_dir / "piped"
    assert 'license = "BSD-3-Clause"' in (project / "pyproject.toml").read_text(encoding="utf-8")
    assert (project / "piped" / "model" / "sample.py").is_file()
