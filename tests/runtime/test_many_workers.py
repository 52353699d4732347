"""Many worker processes on one luigid and one shared folder: each task once, exit codes, crashes, restarts."""

from __future__ import annotations

import collections
import os
import signal
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.processes import Started, finish, start

pytestmark = pytest.mark.slow

# A diamond graph of 50 tasks: 25 leaves, 24 joins each over two neighbouring leaves, one root over the joins.
PIPELINE = textwrap.dedent("""
    import os
    import time
    import uuid

    import luigi

    import kartwheel


    def mark(name):
        open(os.path.join("markers", f"{name}-{os.getpid()}-{uuid.uuid4().hex}"), "w").close()


    class Leaf(kartwheel.TaskOnKart):
        index = luigi.IntParameter()

        def run(self):
            mark(f"Leaf{self.index}")
            time.sleep(float(os.environ.get("TASK_SECONDS", "0.05")))
            self.dump(self.index)


    class Join(kartwheel.TaskOnKart):
        index = luigi.IntParameter()

        def requires(self):
            return [Leaf(index=self.index), Leaf(index=self.index + 1)]

        def run(self):
            mark(f"Join{self.index}")
            if os.environ.get("FAIL_JOIN") == str(self.index):
                raise RuntimeError(f"Join {self.index} fails on purpose")
            time.sleep(float(os.environ.get("TASK_SECONDS", "0.05")))
            self.dump(sum(self.load()))


    class Root(kartwheel.TaskOnKart):
        def requires(self):
            return [Join(index=i) for i in range(24)]

        def run(self):
            mark("Root")
            self.dump(sum(self.load()))


    if __name__ == "__main__":
        kartwheel.run()
""")

# Quick polling and a quick verdict on dead workers, so that the suite takes seconds.
LUIGI_CONFIG = textwrap.dedent("""
    [scheduler]
    worker_disconnect_delay = 2
    prune_on_get_work = true
    retry_delay = 600

    [worker]
    wait_interval = 0.1
    wait_jitter = 0.1
    ping_interval = 0.5

    [core]
    rpc-retry-attempts = 20
    rpc-retry-wait = 1
""")


@pytest.fixture
def project(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """The pipeline, luigi.cfg and a markers folder; `indirect` parameters replace lines of LUIGI_CONFIG."""
    config = LUIGI_CONFIG
    for old, new in getattr(request, "param", {}).items():
        config = config.replace(old, new)
    (tmp_path / "pipeline.py").write_text(PIPELINE)
    (tmp_path / "luigi.cfg").write_text(config)
    (tmp_path / "markers").mkdir()
    return tmp_path


@pytest.fixture
def luigid_config(project: Path) -> Path:
    """The `luigid` fixture's server reads the project's luigi.cfg (written by `project` before it starts)."""
    return project / "luigi.cfg"


def start_workers(project: Path, port: int, count: int, **env: str) -> list[Started]:
    processes = []
    for number in range(count):
        lock_dir = project / f"host{number}"
        lock_dir.mkdir(exist_ok=True)
        command = [sys.executable, "pipeline.py", "Root", "--scheduler-host", "127.0.0.1"]
        command += ["--scheduler-port", str(port), "--lock-pid-dir", str(lock_dir)]
        environment = {**os.environ, "LUIGI_CONFIG_PATH": str(project / "luigi.cfg"), **env}
        log = project / f"{lock_dir.name}-{time.monotonic_ns()}.log"
        processes.append(start(command, project, log, env=environment))
    return processes


def runs(project: Path) -> collections.Counter:
    return collections.Counter(marker.name.split("-")[0] for marker in (project / "markers").iterdir())


ALL_ONCE = {**{f"Leaf{i}": 1 for i in range(25)}, **{f"Join{i}": 1 for i in range(24)}, "Root": 1}


def assert_complete_and_clean(project: Path) -> None:
    outputs = list((project / "resources" / "__main__").glob("*.pkl"))
    assert len(outputs) == 50
    left = [path.name for path in (project / "resources").rglob("*") if ".tmp-" in path.name or path.suffix == ".lock"]
    assert left == []


@pytest.mark.parametrize("count", [2, 4])
def test_worker_processes_on_luigid_run_each_task_once_and_all_exit_0(project, luigid, count):
    results = finish(start_workers(project, luigid.port, count))
    here = 0
    for code, stderr in results:
        assert code == 0, stderr
        last = stderr.strip().splitlines()[-1]
        assert last.startswith("root complete: 50 tasks, "), last
        here += int(last.split(", ")[1].split()[0])
    assert runs(project) == ALL_ONCE
    assert here == 50, "each process says how many it ran; together, every task once"
    assert_complete_and_clean(project)


@pytest.mark.parametrize("project", [{"retry_delay = 600": "retry_delay = 2"}], indirect=True)
def test_a_worker_killed_mid_task_leaves_its_task_to_the_survivor_which_completes_the_root(project, luigid):
    processes = start_workers(project, luigid.port, 2, TASK_SECONDS="0.3")
    deadline = time.monotonic() + 60
    killed = processes[0].process.pid
    while not any(marker.name.split("-")[1] == str(killed) for marker in (project / "markers").iterdir()):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    processes[0].process.send_signal(signal.SIGKILL)
    processes[0].process.wait(timeout=10)
    [(code, stderr)] = finish(processes[1:])
    # luigid fails the killed worker's task after worker_disconnect_delay (2 s) and hands it out again
    # after retry_delay (2 s): the survivor, with nothing else to do meanwhile, must still be there to run it.
    assert code == 0, stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("root complete: 50 tasks"), last
    assert_complete_and_clean(project)


def test_luigid_restarted_mid_run_and_a_rerun_completes(project, luigid):
    processes = start_workers(project, luigid.port, 2, TASK_SECONDS="0.2")
    deadline = time.monotonic() + 60
    while len(list((project / "markers").iterdir())) < 4:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    luigid.stop(signal.SIGKILL)
    luigid.start()
    for code, stderr in finish(processes):
        # luigi retries its requests across the restart; the new luigid does not know the graph, so a
        # worker either finishes the root or stops with "not finished" (30).
        assert code in (0, 30), stderr
        assert stderr.strip().splitlines()[-1].startswith(("root complete", "root not complete")), stderr
    [code, stderr] = finish(start_workers(project, luigid.port, 1))[0]
    assert code == 0, stderr
    assert_complete_and_clean(project)


def test_a_failing_task_exits_40_in_every_process_naming_it(project, luigid):
    results = finish(start_workers(project, luigid.port, 2, FAIL_JOIN="7"))
    for code, stderr in results:
        assert code == 40, stderr
        last = stderr.strip().splitlines()[-1]
        assert last.startswith("root not complete: 1 task(s) failed") and "Join(index=7)" in last, last
    assert runs(project)["Join7"] == 1
    assert runs(project)["Root"] == 0
