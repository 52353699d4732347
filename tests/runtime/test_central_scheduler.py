"""Without a reachable central scheduler (luigid): one line and a documented exit code, in seconds."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import time

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
