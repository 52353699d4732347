"""Commands run by tests: each with a timeout, its output captured, and a failure that shows what it printed.

`run` runs any command to its end, `run_python` this interpreter, `run_project` this interpreter in a folder as a
user's shell would (without the suite's PYTHONPATH and pytest options). `start` and `finish` run processes side
by side, each writing its stderr to a log file; `run_together` starts copies of one command at once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# Seconds a command of a test may take before it is killed and the test fails: generous for a busy 2-core machine.
TIMEOUT = 120

Command = Sequence["str | os.PathLike[str]"]


def _shown(command: Command) -> str:
    return " ".join(str(part) for part in command)


def _text(output: str | bytes | None) -> str:
    return output.decode(errors="replace") if isinstance(output, bytes) else output or ""


def output_of(stdout: str | bytes | None, stderr: str | bytes | None) -> str:
    """Both streams of a command, headed, for a failure message."""
    return f"--- stdout ---\n{_text(stdout)}\n--- stderr ---\n{_text(stderr)}"


def run(
    command: Command,
    *,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
    timeout: float = TIMEOUT,
    check: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run `command` to its end, its output captured as text; with `check`, the test fails unless it exits 0.

    A command still running after `timeout` seconds is killed, and the test fails showing what it printed so far.
    """
    try:
        done = subprocess.run(
            [str(part) for part in command],
            cwd=cwd,
            env=None if env is None else dict(env),
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as expired:
        pytest.fail(
            f"`{_shown(command)}` did not finish within {timeout} s\n{output_of(expired.stdout, expired.stderr)}"
        )
    if check and done.returncode != 0:
        pytest.fail(f"`{_shown(command)}` exited {done.returncode}\n{output_of(done.stdout, done.stderr)}")
    return done


def run_python(*args: str | os.PathLike[str], **options: Any) -> subprocess.CompletedProcess[str]:
    """`run` of this interpreter with `args` (a script and its arguments, `-c` code, `-m` a module); `run`'s options."""
    return run([sys.executable, *args], **options)


def user_env() -> dict[str, str]:
    """This environment without the suite's import path and pytest options, as a user's shell has it."""
    return {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTEST_ADDOPTS")}


def run_project(
    folder: str | os.PathLike[str], *args: str | os.PathLike[str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """`run_python` in `folder` with `user_env()`: a generated project imports its own code, not this tree's."""
    return run([sys.executable, *args], cwd=folder, env=user_env(), timeout=timeout)


@dataclass
class Started:
    """A process started by `start`, and the file its stderr goes to."""

    process: subprocess.Popen[bytes]
    log: Path


def start(command: Command, cwd: str | os.PathLike[str], log: Path, env: Mapping[str, str] | None = None) -> Started:
    """Start `command` in `cwd`, its stderr written to `log`: a file, as a pipe read late can fill and block it."""
    with open(log, "w") as stderr:
        process = subprocess.Popen(
            [str(part) for part in command], cwd=cwd, env=None if env is None else dict(env), stderr=stderr
        )
    return Started(process, log)


def finish(started: Iterable[Started], timeout: float = TIMEOUT) -> list[tuple[int, str]]:
    """Wait for each process in turn; its exit code and its stderr. If one is still running after `timeout` seconds,
    all that still run are killed and the test fails."""
    started = list(started)
    results = []
    for each in started:
        try:
            code = each.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            for other in started:
                if other.process.poll() is None:
                    other.process.kill()
                    other.process.wait(timeout=10)
            pytest.fail(f"`{_shown(each.process.args)}` did not finish within {timeout} s\n{each.log.read_text()}")
        results.append((code, each.log.read_text()))
    return results


def run_together(command: Command, folder: Path, count: int = 2) -> list[str]:
    """Start `count` processes of `command` in `folder` at once; return each one's stderr once all exit 0."""
    started = [start(command, folder, folder / f"run{number}.log") for number in range(count)]
    outputs = []
    for code, stderr in finish(started):
        assert code == 0, stderr
        outputs.append(stderr)
    return outputs
