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
        # luigi's outcome for a process whose tasks the other one ran: 10 (run by another worker) or
        # 30 (not granted run permission); a failure would be 40.
        assert code in (0, 10, 30), stderr
    runs = collections.Counter(marker.name.split("-")[0] for marker in (tmp_path / "markers").iterdir())
    assert runs == {**{f"Part{i}": 1 for i in range(12)}, "Total": 1}
    [total] = (tmp_path / "resources" / "__main__").glob("Total_*.pkl")
    assert total.stat().st_size > 0
    assert not list((tmp_path / "resources").rglob("*.tmp-*")), "no temporary file is left behind"


def test_without_a_reachable_scheduler_the_run_fails(tmp_path):
    (tmp_path / "pipeline.py").write_text(PIPELINE)
    done = subprocess.run(
        [
            sys.executable,
            "pipeline.py",
            "Total",
            "--scheduler-host",
            "127.0.0.1",
            "--scheduler-port",
            str(free_port()),
            "--rpc-retry-attempts",
            "1",
            "--rpc-retry-wait",
            "0",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
