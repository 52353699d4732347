"""luigi's central scheduler (luigid), started here on a port of 127.0.0.1 it picks itself, and none at all."""

from __future__ import annotations

import collections
import socket
import sys
import textwrap
import time
from collections.abc import Iterator

import pytest

from tests.processes import finish, run_python, run_together, start

pytestmark = pytest.mark.slow

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
        str(luigid.port),
    ]
    run_together(command, tmp_path)  # each exits 0: the root is complete at the end, whichever process ran it
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
    command += ["--scheduler-host", "127.0.0.1", "--scheduler-port", str(luigid.port)]
    results = finish([start(command, project, project / "run.log") for project in projects])
    for project, (code, stderr) in zip(projects, results, strict=True):
        assert code == 0, stderr
        runs = collections.Counter(marker.name.split("-")[0] for marker in (project / "markers").iterdir())
        assert runs == {**{f"Part{i}": 1 for i in range(12)}, "Total": 1}, project.name
        assert len(list((project / "resources" / "__main__").glob("*.pkl"))) == 13


def test_without_a_reachable_scheduler_the_run_fails_fast_in_one_line(tmp_path, closed_port):
    (tmp_path / "pipeline.py").write_text(PIPELINE)
    started = time.monotonic()
    done = run_python(
        "pipeline.py", "Total", "--scheduler-host", "127.0.0.1", "--scheduler-port", str(closed_port), cwd=tmp_path
    )
    assert time.monotonic() - started < 5  # luigi alone retries for about 90 s
    assert done.returncode == 60
    [line] = done.stderr.strip().splitlines()
    assert f"no central scheduler at 127.0.0.1:{closed_port}" in line
    assert f"`luigid --port {closed_port}`" in line
    assert "--local-scheduler" in line
