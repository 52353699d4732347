"""luigi's central scheduler (luigid), started here on a port of 127.0.0.1 it picks itself, and none at all."""

from __future__ import annotations

import collections
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.runtime.luigid import Luigid

PIPELINE = textwrap.dedent("""
    import os
    import time
    import uuid

    import luigi

    import kartwheel


    class Part(kartwheel.TaskOnKart):
        index = luigi.IntParameter()

        def run(self):
            time.sleep(0.05)
            open(os.path.join("markers", f"Part{self.index}-{os.getpid()}-{uuid.uuid4().hex}"), "w").close()
            self.dump(self.index)


    class Total(kartwheel.TaskOnKart):
        parts = luigi.IntParameter(default=12)

        def requires(self):
            return [Part(index=i) for i in range(self.parts)]

        def run(self):
            open(os.path.join("markers", f"Total-{os.getpid()}-{uuid.uuid4().hex}"), "w").close()
            self.dump(sum(self.load()))


    if __name__ == "__main__":
        kartwheel.run()
""")


@pytest.fixture
def luigid(tmp_path: Path) -> Iterator[int]:
    """A central scheduler on 127.0.0.1, on the port it bound (no race for a free one), stopped after the test."""
    server = Luigid(tmp_path)
    server.start()
    try:
        yield server.port
    finally:
        server.stop()


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port of 127.0.0.1 that refuses connections: bound here, never listening, so nothing else can take it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_two_processes_on_luigid_run_each_task_once(tmp_path, luigid):
    (tmp_path / "pipeline.py").write_text(PIPELINE)
    (tmp_path / "markers").mkdir()
    command = [
        sys.executable,
        "pipeline.py",
        "Total",
        "--workers",
        "2",
        "--no-lock",
        "--scheduler-host",
        "127.0.0.1",
        "--scheduler-port",
        str(luigid),
    ]
    processes = [subprocess.Popen(command, cwd=tmp_path, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(process.communicate(timeout=120)[1], process.returncode)[::-1] for process in processes]
    for code, stderr in results:
        assert code == 0, stderr  # the root is complete at the end, whichever process ran it
    runs = collections.Counter(marker.name.split("-")[0] for marker in (tmp_path / "markers").iterdir())
    assert runs == {**{f"Part{i}": 1 for i in range(12)}, "Total": 1}
    [total] = (tmp_path / "resources" / "__main__").glob("Total_*.pkl")
    assert total.stat().st_size > 0
    assert not list((tmp_path / "resources").rglob("*.tmp-*")), "no temporary file is left behind"


def test_two_projects_on_one_luigid_each_build_their_own_workspace(tmp_path, luigid):
    """The same tasks in two workspaces are different tasks to luigid: each project runs all of its own."""
    projects = [tmp_path / "alice", tmp_path / "bob"]
    for project in projects:
        project.mkdir()
        (project / "pipeline.py").write_text(PIPELINE)
        (project / "markers").mkdir()
    command = [sys.executable, "pipeline.py", "Total", "--workers", "2", "--no-lock"]
    command += ["--scheduler-host", "127.0.0.1", "--scheduler-port", str(luigid)]
    processes = []
    for project in projects:
        with open(project / "run.log", "w") as log:
            processes.append(subprocess.Popen(command, cwd=project, stderr=log))
    codes = [process.wait(timeout=120) for process in processes]
    for project, code in zip(projects, codes, strict=True):
        assert code == 0, (project / "run.log").read_text()
        runs = collections.Counter(marker.name.split("-")[0] for marker in (project / "markers").iterdir())
        assert runs == {**{f"Part{i}": 1 for i in range(12)}, "Total": 1}, project.name
        assert len(list((project / "resources" / "__main__").glob("*.pkl"))) == 13


def test_without_a_reachable_scheduler_the_run_fails_fast_in_one_line(tmp_path, closed_port):
    (tmp_path / "pipeline.py").write_text(PIPELINE)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "pipeline.py", "Total", "--scheduler-host", "127.0.0.1", "--scheduler-port", str(closed_port)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert time.monotonic() - started < 5  # luigi alone retries for about 90 s
    assert done.returncode == 60
    [line] = done.stderr.strip().splitlines()
    assert f"no central scheduler at 127.0.0.1:{closed_port}" in line
    assert f"`luigid --port {closed_port}`" in line
    assert "--local-scheduler" in line
