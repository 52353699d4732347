"""Run one measurement in a fresh subprocess: wall time, peak RSS, exit status and the child's own report."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CHILD = HERE / "child.py"


@dataclass
class Outcome:
    """What one subprocess did: its wall time, peak RSS of it and its children, and its JSON report."""

    wall_s: float
    maxrss_mb: float
    returncode: int
    timed_out: bool = False
    report: dict[str, Any] = field(default_factory=dict)
    stderr_tail: str = ""

    @property
    def ok(self) -> bool:
        """True when the process exited 0 within its time budget."""
        return self.returncode == 0 and not self.timed_out

    def failure(self) -> str:
        """A short label for a failed run, for the table."""
        if self.timed_out:
            return f"timeout (> {self.wall_s:.0f} s)"
        last = self.stderr_tail.strip().splitlines()[-1:] or [f"exit {self.returncode}"]
        return f"error: {last[0][:80]}"


def _kill_group(proc: subprocess.Popen[bytes], flag: list[bool]) -> None:
    """Kill a child's whole process group (it may have forked workers) and note the timeout."""
    flag.append(True)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def run_command(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 600.0) -> Outcome:
    """Run ``cmd`` to completion (or kill it after ``timeout`` s); rusage comes from wait4 on this child."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=True)
        timed_out: list[bool] = []
        timer = threading.Timer(timeout, _kill_group, (proc, timed_out))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
        except BaseException:
            # Interrupted (Ctrl-C, or SIGTERM through run.py's handler): stop the measurement too, and do not
            # leave the timer thread to keep this process alive until the budget runs out.
            _kill_group(proc, [])
            proc.wait()
            raise
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-4000:].decode(errors="replace")
    return Outcome(
        wall_s=wall,
        maxrss_mb=usage.ru_maxrss / 1024,
        returncode=proc.returncode,
        timed_out=bool(timed_out),
        stderr_tail=tail,
    )


def run_child(python: str, mode: str, args: dict[str, Any], cwd: Path, env: dict[str, str], timeout: float) -> Outcome:
    """Run ``child.py <mode>`` with JSON arguments; attach the report it writes to a file."""
    fd, report_path = tempfile.mkstemp(suffix=".json", dir=cwd)
    os.close(fd)
    payload = json.dumps({**args, "report": report_path})
    outcome = run_command([python, str(CHILD), mode, payload], cwd=cwd, env=env, timeout=timeout)
    text = Path(report_path).read_text()
    Path(report_path).unlink()
    if outcome.ok and text:
        outcome.report = json.loads(text)
    elif outcome.ok:
        outcome.returncode = -1
        outcome.stderr_tail += "\nchild wrote no report"
    return outcome


def median(values: list[float]) -> float | None:
    """The median of the values, or None when there are none."""
    return statistics.median(values) if values else None


# Workspaces are deleted when the whole run is over, not between measurements: on a disk mounted with
# `discard` (as this VM's is), deleting thousands of files makes file creation several times slower
# for a minute or more, which would be measured as the next build's cost.
_FINISHED: list[Path] = []


class Workspace:
    """A fresh temporary directory on the benchmark disk, deleted by `remove_workspaces` at the end."""

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix="ws-", dir=root))

    def __enter__(self) -> Path:
        os.sync()  # what earlier measurements wrote reaches the disk before this one starts
        return self.path

    def __exit__(self, *exc: object) -> None:
        _FINISHED.append(self.path)


def remove_workspaces() -> None:
    """Delete every workspace of this run."""
    while _FINISHED:
        shutil.rmtree(_FINISHED.pop(), ignore_errors=True)


# Set in a kartwheel child's environment: the `runtime/` directory its `import kartwheel` must come from.
# The child checks `kartwheel.__file__` against it (see scenarios.load_library), so that an editable install
# of another checkout (a `.pth` in site-packages) can never be measured in place of the tree asked for.
RUNTIME_VAR = "KARTWHEEL_BENCH_RUNTIME"


def child_env(library: str, repo: Path, runtime: Path | None = None) -> dict[str, str]:
    """The environment for a child: kartwheel's runtime (default: the repository's) first on the path.

    PYTHONPATH comes before site-packages on sys.path, and so before the paths an editable install's
    `.pth` file appends there.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", RUNTIME_VAR)}
    if library == "kartwheel":
        runtime = runtime or repo / "runtime"
        env["PYTHONPATH"] = str(runtime)
        env[RUNTIME_VAR] = str(runtime)
    return env


def interpreter(library: str, gokart_python: str | None) -> str:
    """The Python interpreter that runs a library's side of the benchmark."""
    if library == "gokart" and gokart_python:
        return gokart_python
    return sys.executable
