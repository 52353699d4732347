"""The writer lock and the sweep of dead writers' leftovers, on a local folder, with real processes."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from kartwheel._storage import leftovers
from kartwheel._storage.locks import FOLDER_LOCK_NAME, fcntl_lock, folder_lock, release_folder_locks
from kartwheel._storage.storage import LocalStorage

from tests.processes import run, run_together

PIPELINE = textwrap.dedent("""
    import os
    import time
    import uuid

    import luigi

    import kartwheel


    class Slow:
        def __reduce__(self):
            open("dumping", "w").close()
            time.sleep(60)
            return (int, ())


    class Part(kartwheel.TaskOnKart):
        index = luigi.IntParameter()

        def run(self):
            time.sleep(0.1)
            open(os.path.join("markers", f"Part{self.index}-{os.getpid()}-{uuid.uuid4().hex}"), "w").close()
            self.dump(Slow() if os.environ.get("SLOW_DUMP") else self.index)


    class Total(kartwheel.TaskOnKart):
        parts = luigi.IntParameter(default=6)

        def requires(self):
            return [Part(index=i) for i in range(self.parts)]

        def run(self):
            open(os.path.join("markers", f"Total-{os.getpid()}-{uuid.uuid4().hex}"), "w").close()
            self.dump(sum(self.load()))


    if __name__ == "__main__":
        kartwheel.run()
""")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pipeline.py").write_text(PIPELINE)
    (tmp_path / "markers").mkdir()
    return tmp_path


def runs(project: Path) -> collections.Counter:
    return collections.Counter(marker.name.split("-")[0] for marker in (project / "markers").iterdir())


@pytest.mark.slow
def test_two_local_scheduler_runs_on_one_workspace_run_each_task_once(project):
    command = [sys.executable, "pipeline.py", "Total", "--local-scheduler", "--no-lock"]
    for stderr in run_together(command, project):
        assert "root complete: 7 tasks" in stderr.strip().splitlines()[-1]
    assert runs(project) == {**{f"Part{i}": 1 for i in range(6)}, "Total": 1}
    left = [path.name for path in (project / "resources").rglob("*") if ".tmp-" in path.name or path.suffix == ".lock"]
    assert left == []


@pytest.mark.slow
def test_a_writer_killed_mid_dump_leaves_a_leftover_the_rerun_sweeps(project):
    command = [sys.executable, "pipeline.py", "Part", "--index=1", "--local-scheduler"]
    writer = subprocess.Popen(command, cwd=project, env={**os.environ, "SLOW_DUMP": "1"}, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not (project / "dumping").exists():
        assert writer.poll() is None and time.monotonic() < deadline, "the writer never started dumping"
        time.sleep(0.05)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=10)
    [leftover] = (project / "resources").rglob("*.tmp-*")
    assert f"{leftovers.HOST}-{writer.pid}-" in leftover.name

    done = run(command, cwd=project)
    assert done.returncode == 0, done.stderr
    [swept] = [line for line in done.stderr.splitlines() if "swept" in line]
    assert "swept 1 leftover(s) of dead writers: " in swept and swept.endswith(leftover.name)
    names = sorted(path.name for path in (project / "resources" / "__main__").iterdir())
    assert len(names) == 1 and names[0].startswith("Part_") and names[0].endswith(".pkl")


def test_only_leftovers_whose_writer_cannot_be_alive_are_swept(tmp_path):
    output = tmp_path / "out.pkl"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=60)
    names = {
        "dead": f"out.pkl.tmp-{leftovers.HOST}-{dead.pid}-{'a' * 32}",
        "alive": f"out.pkl.tmp-{leftovers.HOST}-{os.getpid()}-{'b' * 32}",
        "other_host_recent": f"out.pkl.tmp-elsewhere-{dead.pid}-{'c' * 32}",
        "other_host_old": f"out.pkl.tmp-elsewhere-{dead.pid}-{'d' * 32}",
        "not_ours": "out.pkl.partial",
    }
    for name in names.values():
        (tmp_path / name).write_bytes(b"x")
    old = time.time() - leftovers.LEFTOVER_AGE_SECONDS - 60
    os.utime(tmp_path / names["other_host_old"], (old, old))
    swept = LocalStorage().sweep_leftovers(str(output))
    assert sorted(swept) == sorted(str(tmp_path / names[key]) for key in ("dead", "other_host_old"))
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        names[key] for key in ("alive", "other_host_recent", "not_ours")
    )


def test_a_lock_held_by_a_killed_process_does_not_block(tmp_path):
    lock = tmp_path / "out.pkl.lock"
    code = (
        "import sys, time; from kartwheel._storage.locks import fcntl_lock\n"
        "with fcntl_lock(sys.argv[1]):\n    print('held', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen([sys.executable, "-c", code, str(lock)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    holder.stdout.close()
    started = time.monotonic()
    with fcntl_lock(str(lock)) as waited:
        assert not waited
        assert lock.exists()
    assert time.monotonic() - started < 5
    assert not lock.exists(), "the lock file is removed on release"


HOLD = (
    "import sys, time; from kartwheel._storage.locks import folder_lock\n"
    "with folder_lock(sys.argv[1]):\n    print('held', flush=True); time.sleep(float(sys.argv[2]))"
)


def test_a_folder_lock_keeps_a_second_process_out_until_released_and_the_lock_file_goes(tmp_path):
    lock = tmp_path / "out.pkl.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(lock), "1.5"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    assert (tmp_path / FOLDER_LOCK_NAME).exists()
    started = time.monotonic()
    with folder_lock(str(tmp_path / "other.pkl.lock")) as waited:
        assert not waited, "another output of the folder is not kept out"
    with folder_lock(str(lock)) as waited:
        assert waited
        assert time.monotonic() - started > 1.0, "the lock is taken only once its holder let go (1.5 s)"
    assert holder.wait(timeout=30) == 0
    holder.stdout.close()
    release_folder_locks()
    assert list(tmp_path.iterdir()) == [], "the folder's lock file is removed once nobody holds it"


def test_a_folder_lock_held_by_a_killed_process_does_not_block_and_a_removed_lock_file_is_relocked(tmp_path):
    lock = tmp_path / "out.pkl.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(lock), "60"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    holder.stdout.close()
    started = time.monotonic()
    with folder_lock(str(lock)) as waited:
        assert not waited
    assert time.monotonic() - started < 5
    (tmp_path / FOLDER_LOCK_NAME).unlink()  # as another process's release would
    with folder_lock(str(lock)):
        assert (tmp_path / FOLDER_LOCK_NAME).exists(), "locked again on the folder's current lock file"
    release_folder_locks()
    assert not (tmp_path / FOLDER_LOCK_NAME).exists()


def test_a_folder_lock_is_reentrant_within_a_process(tmp_path):
    lock = str(tmp_path / "out.pkl.lock")
    with folder_lock(lock), folder_lock(lock):
        pass
    code = "import sys; from kartwheel._storage.locks import folder_lock\nwith folder_lock(sys.argv[1]) as w: print(w)"
    done = subprocess.run([sys.executable, "-c", code, lock], capture_output=True, text=True, timeout=30, check=True)
    assert done.stdout == "False\n"
    release_folder_locks()
