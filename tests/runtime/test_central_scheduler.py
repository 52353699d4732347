"""Many workers on luigi's central scheduler (luigid), started here on a free port of 127.0.0.1."""

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def luigid(tmp_path: Path) -> Iterator[int]:
    """A central scheduler on 127.0.0.1, stopped after the test."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import luigi.cmdline; luigi.cmdline.luigid()",
            "--address",
            "127.0.0.1",
            "--port",
            str(port),
            "--state-path",
            str(tmp_path / "luigid.state"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("luigid did not start")
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


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
        # Both exit 0: the root is complete at the end, whichever process ran it.
        assert code == 0, stderr
        assert "root complete: 13 tasks" in stderr.strip().splitlines()[-1], stderr
    runs = collections.Counter(marker.name.split("-")[0] for marker in (tmp_path / "markers").iterdir())
    assert runs == {**{f"Part{i}": 1 for i in range(12)}, "Total": 1}
    [total] = (tmp_path / "resources" / "__main__").glob("Total_*.pkl")
    assert total.stat().st_size > 0
    assert not list((tmp_path / "resources").rglob("*.tmp-*")), "no temporary file is left behind"


def test_without_a_reachable_scheduler_the_run_fails_fast_in_one_line(tmp_path):
    (tmp_path / "pipeline.py").write_text(PIPELINE)
    port = free_port()
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "pipeline.py", "Total", "--scheduler-host", "127.0.0.1", "--scheduler-port", str(port)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert time.monotonic() - started < 5
    assert done.returncode == 60
    [line] = done.stderr.strip().splitlines()
    assert f"no central scheduler at 127.0.0.1:{port}" in line
    assert f"`luigid --port {port}`" in line
    assert "--local-scheduler" in line
