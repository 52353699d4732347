"""The run lock on a real redis server (should_lock_run), started by these tests on a free port of 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import kartwheel
import luigi
import pytest
from kartwheel._storage.redis_lock import KEY_PREFIX, lock_key, redis_lock
from kartwheel.errors import BuildError, MissingDependencyError, ParameterValueError, RunLockError

from tests.processes import run, run_python, run_together

pytestmark = pytest.mark.slow

redis = pytest.importorskip("redis", reason="the redis client is part of the test extra: pip install -e '.[test]'")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A redis-server of our own on 127.0.0.1; its port. A port taken between the probe and the start is retried,
    and the server that answers must be the one started here (its pid), not another one on that port."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server); .ci/run installs it")
    folder = tmp_path_factory.mktemp("redis")
    for _ in range(5):
        port = _free_port()
        with open(folder / "server.log", "w") as log:
            process = subprocess.Popen(
                [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                cwd=folder,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        client = redis.Redis(port=port, socket_connect_timeout=1)
        deadline = time.monotonic() + 20
        while process.poll() is None and time.monotonic() < deadline:
            try:
                if client.info("server")["process_id"] == process.pid:
                    break
            except redis.ConnectionError:
                pass
            time.sleep(0.05)
        else:
            process.kill()
            process.wait(timeout=10)
            continue
        try:
            yield port
        finally:
            client.close()
            process.terminate()
            process.wait(timeout=10)
        return
    pytest.fail(f"redis-server did not start on a free port; its log:\n{(folder / 'server.log').read_text()}")


@pytest.fixture
def client(server: int) -> Iterator[redis.Redis]:
    """A client of the test server, which holds no key when each test starts."""
    connection = redis.Redis(port=server)
    connection.flushall()
    yield connection
    connection.close()


def lock_keys(client: redis.Redis) -> list[str]:
    return sorted(key.decode() for key in client.keys(f"{KEY_PREFIX}*"))


SEEN: dict[str, list[str]] = {}


class Locked(kartwheel.TaskOnKart[str]):
    """Records the lock keys on the server while it runs; fails when asked."""

    fail = luigi.BoolParameter(default=False)

    def run(self) -> None:
        SEEN["keys"] = lock_keys(redis.Redis(port=self.redis_port))
        if self.fail:
            raise RuntimeError("the run failed")
        self.dump("done")


def locked(port: int, **kwargs) -> Locked:
    return Locked(should_lock_run=True, redis_host="127.0.0.1", redis_port=port, redis_timeout=5, **kwargs)


def test_a_run_holds_a_key_named_after_its_output_and_releases_it(workspace, client, server):
    task = locked(server)
    assert kartwheel.build(task) == "done"
    expected = KEY_PREFIX + os.path.abspath(task.output().path)
    assert SEEN["keys"] == [expected] and workspace in expected
    assert lock_keys(client) == []


def test_the_lock_is_released_after_a_failing_run(workspace, client, server):
    task = locked(server, fail=True)
    with pytest.raises(BuildError, match="the run failed"):
        kartwheel.build(task)
    assert SEEN["keys"] == [lock_key(task.output().path)]
    assert lock_keys(client) == []
    assert kartwheel.build(locked(server)) == "done"


def test_two_workspaces_never_share_a_key(tmp_path, client, server):
    first, second = (locked(server, workspace_directory=str(tmp_path / name)) for name in ("a", "b"))
    first_key, second_key = (lock_key(task.output().path) for task in (first, second))
    assert first_key != second_key
    assert first_key.startswith(KEY_PREFIX + str(tmp_path / "a")) and second_key.startswith(
        KEY_PREFIX + str(tmp_path / "b")
    )
    held, release = threading.Event(), threading.Event()

    def hold_first() -> None:
        with redis_lock("127.0.0.1", server, 5, first_key):
            held.set()
            release.wait(timeout=20)

    holder = threading.Thread(target=hold_first, daemon=True)
    holder.start()
    assert held.wait(timeout=20)
    try:
        assert kartwheel.build(second) == "done"
        assert holder.is_alive(), "the other workspace's task ran while the first key was held"
    finally:
        release.set()
        holder.join(timeout=30)


def test_a_held_lock_is_renewed_past_its_timeout_and_a_waiter_gets_it_on_release(client, server):
    key = KEY_PREFIX + "/somewhere/out.pkl"
    order: list[str] = []

    def second() -> None:
        with redis_lock("127.0.0.1", server, 1, key) as waited:
            order.append(f"second waited={waited}")

    with redis_lock("127.0.0.1", server, 1, key) as waited:
        assert not waited
        waiter = threading.Thread(target=second, daemon=True)
        waiter.start()
        time.sleep(2.5)  # more than twice the timeout: only the renewals keep the key
        assert client.pttl(key) > 0 and waiter.is_alive()
        order.append("first released")
    waiter.join(timeout=30)
    assert order == ["first released", "second waited=True"]
    assert lock_keys(client) == []


def test_without_the_redis_client_should_lock_run_fails_at_creation(workspace, monkeypatch):
    monkeypatch.setitem(sys.modules, "redis", None)  # `import redis` raises ImportError
    with pytest.raises(MissingDependencyError, match=r"pip install 'kartwheel\[redis\]'"):
        Locked(should_lock_run=True, redis_host="127.0.0.1", redis_port=6379)


def test_a_redis_timeout_below_one_second_is_refused(workspace):
    with pytest.raises(ParameterValueError, match="redis_timeout .* give 1 or more"):
        Locked(should_lock_run=True, redis_host="127.0.0.1", redis_port=6379, redis_timeout=0)


def test_an_unreachable_server_fails_the_task_naming_host_and_port(workspace):
    port = _free_port()  # nothing listens there
    task = locked(port)
    SEEN.clear()
    with pytest.raises(BuildError) as raised:
        kartwheel.build(task)
    assert f"cannot reach the redis server at 127.0.0.1:{port}" in str(raised.value)
    [[error]] = raised.value.raised_exceptions.values()
    assert isinstance(error, RunLockError) and error.__cause__ is None and error.__suppress_context__
    assert SEEN == {} and not task.complete(), "the task did not run without its lock"


PIPELINE = textwrap.dedent("""
    import os
    import time
    import uuid

    import kartwheel


    class Slow(kartwheel.TaskOnKart):
        def run(self):
            open(os.path.join("markers", f"Slow-{os.getpid()}-{uuid.uuid4().hex}"), "w").close()
            deadline = time.monotonic() + 60
            while len(os.listdir("started")) < int(os.environ.get("PEERS", "1")) and time.monotonic() < deadline:
                time.sleep(0.05)  # until every process of the test is up, so that the others meet the lock
            time.sleep(float(os.environ.get("SLOW_SECONDS", "1")))
            self.dump(os.getpid())


    if __name__ == "__main__":
        open(os.path.join("started", str(os.getpid())), "w").close()
        kartwheel.add_config("redis.ini")
        kartwheel.run()
""")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A pipeline whose workspace is a file:// URL: fsspec's storage, which has no lock of its own, so that
    only the redis lock keeps two writers apart (as on storage that shares no lock between machines)."""
    (tmp_path / "pipeline.py").write_text(PIPELINE)
    (tmp_path / "markers").mkdir()
    (tmp_path / "started").mkdir()
    return tmp_path


def configure(project: Path, port: int, timeout: int) -> None:
    (project / "redis.ini").write_text(
        f"[TaskOnKart]\nworkspace_directory = file://{project}/resources\nshould_lock_run = True\n"
        f"redis_host = 127.0.0.1\nredis_port = {port}\nredis_timeout = {timeout}\n\n"
        '[kartwheel]\nstorage_options = {"auto_mkdir": true}\n'
    )


def test_two_processes_that_would_run_one_task_run_it_once(project, client, server, monkeypatch):
    configure(project, server, timeout=10)
    monkeypatch.setenv("PEERS", "2")
    outputs = run_together([sys.executable, "pipeline.py", "Slow", "--local-scheduler", "--no-lock"], project)
    assert len(list((project / "markers").iterdir())) == 1
    for stderr in outputs:
        assert "root complete: 1 task" in stderr.strip().splitlines()[-1]
    [waiter] = [stderr for stderr in outputs if "waiting for the run lock" in stderr]
    assert "was completed by another process; not run again" in waiter
    assert lock_keys(client) == []


def test_a_holder_killed_with_minus_9_does_not_block_the_rerun_beyond_the_timeout(project, client, server):
    configure(project, server, timeout=2)
    command = [sys.executable, "pipeline.py", "Slow", "--local-scheduler"]
    holder = subprocess.Popen(command, cwd=project, env={**os.environ, "SLOW_SECONDS": "60"}, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list((project / "markers").iterdir()):
        assert holder.poll() is None and time.monotonic() < deadline, "the holder never started its run"
        time.sleep(0.05)
    [key] = lock_keys(client)
    assert key.startswith(f"{KEY_PREFIX}file://{project}/resources/")
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    assert 0 < client.pttl(key) <= 2000, "the dead holder's key is still there, expiring within redis_timeout"

    done = run(command, cwd=project)
    assert done.returncode == 0, done.stderr
    assert len(list((project / "markers").iterdir())) == 2
    assert lock_keys(client) == []


def test_an_unreachable_server_on_the_command_line_is_one_line_and_a_failure(project):
    port = _free_port()
    configure(project, port, timeout=5)
    done = run_python("pipeline.py", "Slow", "--local-scheduler", cwd=project)
    assert done.returncode != 0
    assert f"cannot reach the redis server at 127.0.0.1:{port}" in done.stderr.strip().splitlines()[-3]
    assert done.stderr.count("Traceback") == 1 and "During handling" not in done.stderr, "only luigi's own report"
    assert list((project / "markers").iterdir()) == [], "the task did not run without its lock"
