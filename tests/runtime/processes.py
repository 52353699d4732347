"""Running several copies of one command at once, as separate machines would."""

from __future__ import annotations

import subprocess
from pathlib import Path


def run_together(command: list[str], folder: Path, count: int = 2) -> list[str]:
    """Start `count` processes of `command` in `folder` at once; return each one's stderr once all exit 0."""
    processes = []
    for number in range(count):  # log files, not pipes: a pipe read late can fill up and block its writer
        with open(folder / f"run{number}.log", "w") as log:
            processes.append(subprocess.Popen(command, cwd=folder, stderr=log))
    outputs = []
    for number, process in enumerate(processes):
        process.wait(timeout=120)
        stderr = (folder / f"run{number}.log").read_text()
        assert process.returncode == 0, stderr
        outputs.append(stderr)
    return outputs
