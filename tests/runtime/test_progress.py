"""Progress lines and the end-of-run summary, read from a real run's non-terminal output."""

from __future__ import annotations

import re
import subprocess
import textwrap
from pathlib import Path

import pytest
from kartwheel._run.progress import Counts, format_counts, format_duration

from tests.processes import run_python

PIPELINE = textwrap.dedent("""
    import time

    import luigi

    import kartwheel


    class Part(kartwheel.TaskOnKart):
        index = luigi.IntParameter()

        def run(self):
            time.sleep(0.1)
            self.dump(self.index)


    class Broken(kartwheel.TaskOnKart):
        def run(self):
            raise ValueError("broken on purpose")


    class Total(kartwheel.TaskOnKart):
        parts = luigi.IntParameter(default=12)
        broken = luigi.BoolParameter(default=False)

        def requires(self):
            return [Part(index=i) for i in range(self.parts)] + ([Broken()] if self.broken else [])

        def run(self):
            self.dump(sum(self.load()))


    if __name__ == "__main__":
        kartwheel.run()
""")

LINE = re.compile(r"^progress: (\d+)/(\d+) done · (\d+) running · (\d+) failed · \d+:\d\d elapsed( · ~\d+:\d\d left)?$")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pipeline.py").write_text(PIPELINE)
    (tmp_path / "luigi.cfg").write_text("[kartwheel]\nprogress_seconds=0.1\n")
    return tmp_path


def run(project: Path, *args: str) -> subprocess.CompletedProcess:
    return run_python("pipeline.py", "Total", *args, cwd=project)


def progress_lines(stderr: str) -> list[tuple[int, int, int, int]]:
    found = []
    for line in stderr.splitlines():
        match = LINE.match(line)
        if match:
            found.append(tuple(int(group) for group in match.groups()[:4]))
    return found


def check_counts(done: subprocess.CompletedProcess, workers: int) -> None:
    assert done.returncode == 0, done.stderr
    lines = progress_lines(done.stderr)
    assert len(lines) >= 3, done.stderr  # a 12 x 0.1 s run at 0.1 s intervals prints several
    assert lines[-1] == (13, 13, 0, 0)
    finished = [line[0] for line in lines]
    assert finished == sorted(finished), "done never goes down"
    assert max(line[2] for line in lines) <= workers
    assert "13 tasks: 13 ran, 0 cached, 0 failed" in done.stderr
    assert re.search(r"^Total output: \./resources/__main__/Total_[0-9a-f]{32}\.pkl$", done.stderr, re.M)


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 4])
def test_progress_counts_every_task_with_local_workers(project, workers):
    check_counts(run(project, "--workers", str(workers)), workers)
    again = run(project, "--workers", str(workers))
    assert progress_lines(again.stderr)[-1] == (1, 1, 0, 0)
    assert "1 task: 0 ran, 1 cached, 0 failed" in again.stderr


@pytest.mark.slow
def test_progress_counts_every_task_on_luigid(project, luigid):
    done = run(project, "--workers", "4", "--scheduler-host", "127.0.0.1", "--scheduler-port", str(luigid.port))
    check_counts(done, 4)


@pytest.mark.slow
def test_failures_are_counted_and_named(project):
    done = run(project, "--broken", "--workers", "2")
    assert done.returncode != 0
    assert progress_lines(done.stderr)[-1] == (12, 14, 0, 1)
    assert "14 tasks: 12 ran, 0 cached, 1 failed" in done.stderr
    assert re.search(r"^failed: Broken_\w+: ValueError: broken on purpose$", done.stderr, re.M)
    assert "Total output (not complete):" in done.stderr


@pytest.mark.slow
def test_no_progress_flag_and_config_turn_it_off(project):
    assert progress_lines(run(project, "--no-progress", "--parts", "2").stderr) == []
    (project / "luigi.cfg").write_text("[kartwheel]\nprogress=false\n")
    done = run(project, "--parts", "3")
    assert done.returncode == 0 and progress_lines(done.stderr) == []
    assert "4 tasks: 2 ran, 2 cached, 0 failed" in done.stderr, "the end-of-run summary stays"


def test_a_bad_progress_setting_is_named(project):
    (project / "luigi.cfg").write_text("[kartwheel]\nprogress=sometimes\n")
    done = run(project)
    assert done.returncode == 2 and "[kartwheel] progress:" in done.stderr and "progress=false" in done.stderr


def test_line_format():
    counts = Counts(total=40, cached=2, ran=10, failed=1, running=2, elapsed=14.2, ran_elapsed=10.0)
    assert format_counts(counts) == "12/40 done · 2 running · 1 failed · 0:14 elapsed · ~0:27 left"
    assert format_duration(3723) == "1:02:03"
