"""luigid, luigi's central scheduler, started by tests on 127.0.0.1 on a port it binds itself.

The server is luigi's own (`luigi.server.run`: saved state, pruning, shutdown on SIGTERM), asked for
port 0; it prints the port the kernel gave it once it listens, so no test ever races for a free port.
Every test that needs luigid starts it through `Luigid`, usually as the `luigid` fixture of conftest.py.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

__all__ = ["Luigid"]

SERVER = """
import sys

import luigi.scheduler
import luigi.server

bind = luigi.server._init_api


def bind_and_announce(**kwargs):
    names = bind(**kwargs)
    print(names[0][1], flush=True)
    return names


luigi.server._init_api = bind_and_announce
scheduler = luigi.scheduler.Scheduler(state_path=sys.argv[2])
luigi.server.run(api_port=int(sys.argv[1]), address="127.0.0.1", scheduler=scheduler)
"""


class Luigid:
    """luigid serving `folder` (its state and log live there), with `config` as LUIGI_CONFIG_PATH if given.

    The first start binds port 0; a restart binds the port the first start got, as a restarted
    luigid would, so that running workers can reconnect. `with Luigid(...) as server:` starts it and
    stops it at the end.
    """

    def __init__(self, folder: Path, config: Path | None = None) -> None:
        self.folder = folder
        self.config = config
        self.port = 0
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = dict(os.environ)
        if self.config is not None:
            env["LUIGI_CONFIG_PATH"] = str(self.config)
        log = self.folder / "luigid.log"
        command = [sys.executable, "-c", SERVER, str(self.port), str(self.folder / "luigid.state")]
        with open(log, "a") as stderr:  # a file, not a pipe nobody reads, which could fill and block luigid
            self.process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True)
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 60)
        line = self.process.stdout.readline() if ready else ""
        if not line.strip().isdigit():
            self.stop(signal.SIGKILL)
            pytest.fail(f"luigid did not start: {line!r}\n{log.read_text()}")
        self.port = int(line)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> Luigid:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
