"""An s3:// workspace against moto's real S3 server (started here on 127.0.0.1, port 0), never a mock client."""

from __future__ import annotations

import collections
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import luigi
import pytest

from tests.processes import run, run_together

pytest.importorskip("s3fs", reason="the s3 tests need `pip install 'kartwheel[s3]'`")
moto_server = pytest.importorskip("moto.server", reason="the s3 tests need `pip install 'moto[server]'`")
import boto3  # noqa: E402
import kartwheel  # noqa: E402
from kartwheel._storage.storage import scheduling_pass, storage_for  # noqa: E402
from kartwheel.errors import ConfigError, LoadError  # noqa: E402

from tests.runtime.tasks_for_tests import NamedByParameter  # noqa: E402

pytestmark = pytest.mark.slow

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """moto's S3 server on a free port of 127.0.0.1, for the tests of this module."""
    saved = {name: os.environ.get(name) for name in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def client(endpoint):
    return boto3.client("s3", endpoint_url=endpoint)


@pytest.fixture
def bucket(client) -> str:
    name = f"kw-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    return name


@pytest.fixture
def configured(endpoint) -> Iterator[None]:
    """`[kartwheel] endpoint_url` in luigi's configuration, as a config file would set it."""
    config = luigi.configuration.get_config()
    had_section = config.has_section("kartwheel")
    if not had_section:
        config.add_section("kartwheel")
    config.set("kartwheel", "endpoint_url", endpoint)
    try:
        yield
    finally:
        config.remove_option("kartwheel", "endpoint_url")
        if not had_section:
            config.remove_section("kartwheel")


def keys(client, bucket: str) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", []))


CALLS: collections.Counter = collections.Counter()


class Source(kartwheel.TaskOnKart):
    size = luigi.IntParameter(default=3)

    def run(self):
        CALLS["Source"] += 1
        self.dump(list(range(self.size)))


class Double(kartwheel.TaskOnKart):
    source = kartwheel.TaskInstanceParameter()

    def run(self):
        CALLS["Double"] += 1
        self.task_log["n"] = len(self.load("source"))
        self.dump([2 * value for value in self.load("source")])


class Total(kartwheel.TaskOnKart):
    doubled = kartwheel.TaskInstanceParameter()

    def run(self):
        CALLS["Total"] += 1
        self.dump(sum(self.load("doubled")))


class DumpsThenFails(kartwheel.TaskOnKart):
    def run(self):
        self.dump("half")
        raise RuntimeError("after the dump")


def pipeline(workspace: str, size: int = 3) -> Total:
    return Total(
        doubled=Double(source=Source(size=size, workspace_directory=workspace), workspace_directory=workspace),
        workspace_directory=workspace,
    )


def test_a_pipeline_on_s3_builds_caches_and_rebuilds_what_changed(configured, client, bucket):
    CALLS.clear()
    workspace = f"s3://{bucket}/resources"
    assert kartwheel.build(pipeline(workspace)) == 6
    assert CALLS == {"Source": 1, "Double": 1, "Total": 1}
    assert kartwheel.build(pipeline(workspace)) == 6
    assert CALLS == {"Source": 1, "Double": 1, "Total": 1}, "a no-op rebuild runs nothing"
    assert kartwheel.build(pipeline(workspace, size=4)) == 12
    assert CALLS == {"Source": 2, "Double": 2, "Total": 2}
    stored = keys(client, bucket)
    folder = pipeline(workspace).output().path.removeprefix(f"s3://{bucket}/").rsplit("/", 1)[0]
    assert len([key for key in stored if key.startswith(folder + "/")]) == 6
    assert not [key for key in stored if ".tmp-" in key or key.endswith(".lock")]
    doubled = pipeline(workspace).doubled
    assert doubled.get_task_log() == {"n": 3, "file_path": [doubled.output().path]}
    assert any(key.startswith("resources/log/processing_time/Total_") for key in stored)
    assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_a_corrupted_object_is_named_on_load(configured, client, bucket):
    task = Source(workspace_directory=f"s3://{bucket}/ws")
    kartwheel.build(task)
    key = task.output().path.removeprefix(f"s3://{bucket}/")
    client.put_object(Bucket=bucket, Key=key, Body=b"\x80\x05not a pickle")
    with pytest.raises(LoadError, match=rf"cannot read s3://{bucket}/{key} \(written by Source"):
        task.output().load()


def test_an_exception_after_a_dump_leaves_no_output(configured, client, bucket):
    with pytest.raises(kartwheel.BuildError, match="after the dump"):
        kartwheel.build(DumpsThenFails(workspace_directory=f"s3://{bucket}/ws"))
    assert [key for key in keys(client, bucket) if not key.startswith("ws/log/")] == []


@pytest.mark.parametrize("name", ["../escaped", "a/../../escaped", "../../other-bucket/escaped"])
def test_a_parameter_never_places_a_key_outside_the_workspace(configured, client, bucket, name):
    workspace = f"s3://{bucket}/resources"
    with pytest.raises(kartwheel.BuildError, match="WorkspaceEscapeError.*outside the workspace"):
        kartwheel.build(NamedByParameter(name=name, workspace_directory=workspace))
    assert keys(client, bucket) == [], "no output, lease or log anywhere in the bucket"


def test_storage_options_must_be_a_json_object(endpoint):
    config = luigi.configuration.get_config()
    config.set("TaskOnKart", "storage_options", "[1, 2]") if config.has_section("TaskOnKart") else None
    if not config.has_section("TaskOnKart"):
        config.add_section("TaskOnKart")
        config.set("TaskOnKart", "storage_options", "[1, 2]")
    try:
        with pytest.raises(ConfigError, match=r"\[TaskOnKart\] storage_options must be a JSON object"):
            storage_for("s3://bucket/ws")
    finally:
        config.remove_option("TaskOnKart", "storage_options")


def test_a_dead_holders_lease_is_broken_and_a_live_one_waited_for(configured, client, bucket):
    storage = storage_for(f"s3://{bucket}/ws")
    lock = f"s3://{bucket}/ws/out.pkl.lock"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=60)
    from kartwheel._storage import leftovers

    body = f'{{"host": "{leftovers.HOST}", "pid": {dead.pid}, "expires": {time.time() + 3600}}}'
    client.put_object(Bucket=bucket, Key="ws/out.pkl.lock", Body=body.encode())
    started = time.monotonic()
    with storage.writer_lock(lock) as waited:
        assert waited
        assert time.monotonic() - started < 5
        assert "ws/out.pkl.lock" in keys(client, bucket)
    assert "ws/out.pkl.lock" not in keys(client, bucket)


SCRIPT = textwrap.dedent("""
    import os
    import time
    import uuid

    import luigi

    import kartwheel


    class Big(kartwheel.TaskOnKart):
        megabytes = luigi.IntParameter(default=1)

        def run(self):
            open(os.path.join("markers", f"Big-{os.getpid()}-{uuid.uuid4().hex}"), "w").close()
            time.sleep(0.5)
            self.dump(os.urandom(self.megabytes * 2**20))


    if __name__ == "__main__":
        kartwheel.add_config("s3.ini")
        kartwheel.run()
""")


@pytest.fixture
def project(tmp_path: Path, endpoint: str, bucket: str) -> Path:
    (tmp_path / "pipeline.py").write_text(SCRIPT)
    (tmp_path / "markers").mkdir()
    (tmp_path / "s3.ini").write_text(
        f"[TaskOnKart]\nworkspace_directory = s3://{bucket}/resources\n\n"
        f'[kartwheel]\nendpoint_url = {endpoint}\nstorage_options = {{"default_block_size": 5242880}}\n'
    )
    return tmp_path


def test_two_writers_of_one_task_write_it_once(project, client, bucket):
    command = [sys.executable, "pipeline.py", "Big", "--local-scheduler", "--no-lock"]
    run_together(command, project)
    assert len(list((project / "markers").iterdir())) == 1
    stored = keys(client, bucket)
    assert len([key for key in stored if key.startswith("resources/__main__/Big_")]) == 1
    assert not [key for key in stored if key.endswith(".lock")]


def test_a_writer_killed_mid_upload_leaves_nothing_after_the_rerun(project, client, bucket):
    # --no-lock: luigi's process lock would turn away the same command run by another checkout on this host.
    command = [sys.executable, "pipeline.py", "Big", "--megabytes=16", "--local-scheduler", "--no-lock"]
    writer = subprocess.Popen(command, cwd=project, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not client.list_multipart_uploads(Bucket=bucket).get("Uploads"):
        assert writer.poll() is None and time.monotonic() < deadline, "no multipart upload was seen"
        time.sleep(0.02)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=10)
    [lock] = [key for key in keys(client, bucket) if key.startswith("resources/__main__/Big_")]
    assert lock.endswith(".pkl.lock"), "only the dead writer's lease is there, no partial output"

    done = run(command, cwd=project)
    assert done.returncode == 0, done.stderr
    assert "broke the lock" in done.stderr and "swept 1 leftover(s) of dead writers" in done.stderr
    assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    [output] = [key for key in keys(client, bucket) if key.startswith("resources/__main__/Big_")]
    assert output.endswith(".pkl")
    assert client.head_object(Bucket=bucket, Key=output)["ContentLength"] > 16 * 2**20
    assert not [key for key in keys(client, bucket) if key.endswith(".lock") or ".tmp-" in key]


@pytest.fixture
def requests(monkeypatch) -> collections.Counter:
    """The S3 operations this process sends from now on, by name (counted where aiobotocore sends them)."""
    import aiobotocore.client

    counted: collections.Counter = collections.Counter()
    send = aiobotocore.client.AioBaseClient._make_api_call

    async def counting(self, operation_name, *args, **kwargs):
        counted[operation_name] += 1
        return await send(self, operation_name, *args, **kwargs)

    monkeypatch.setattr(aiobotocore.client.AioBaseClient, "_make_api_call", counting)
    return counted


def test_a_scheduling_pass_lists_a_folder_once_and_sees_what_this_process_changes(configured, client, bucket, requests):
    storage = storage_for("s3://")
    paths = [f"s3://{bucket}/ws/task_{index}.pkl" for index in range(10)]
    client.put_object(Bucket=bucket, Key="ws/task_3.pkl", Body=b"x")
    with scheduling_pass():
        assert [storage.exists(path) for path in paths] == [index == 3 for index in range(10)]
        assert requests == {"HeadObject": 1, "ListObjectsV2": 1, "ListMultipartUploads": 1}
        storage.write_whole(paths[0], b"written here")
        assert storage.exists(paths[0]), "a write of this process is seen at once"
        storage.remove(paths[3])
        assert not storage.exists(paths[3]), "so is a removal (a rerun's)"
    requests.clear()
    client.put_object(Bucket=bucket, Key="ws/task_5.pkl", Body=b"x")
    assert storage.exists(paths[5]) and not storage.exists(paths[6]), "outside a pass every lookup asks"
    assert requests == {"HeadObject": 2}, "one request per lookup, missing or not"


def test_a_task_on_s3_costs_few_requests(configured, client, bucket, requests):
    workspace = f"s3://{bucket}/resources"
    leaves = [Source(size=index, workspace_directory=workspace) for index in range(8)]
    assert kartwheel.build(FanIn(sources=leaves, workspace_directory=workspace)) == sum(range(8))
    # Each of the 9 tasks: its lease (put, delete), a check under it, its output and five logs; the root also
    # checks and reads each of its 8 inputs (head, head, get); the scheduling pass: a head and a listing or two
    # per folder. Before listings and single-request lookups: about 18 a task.
    assert sum(requests.values()) <= 9 * 9 + 8 * 3 + 6, requests
    assert requests["ListObjectsV2"] <= 2, requests


class FanIn(kartwheel.TaskOnKart):
    sources = kartwheel.ListTaskInstanceParameter()

    def run(self):
        self.dump(sum(len(value) for value in self.load("sources")))


FAN_IN = textwrap.dedent("""
    import luigi

    import kartwheel


    class Leaf(kartwheel.TaskOnKart):
        index = luigi.IntParameter()

        def run(self):
            self.dump(self.index)


    class Root(kartwheel.TaskOnKart):
        def requires(self):
            return [Leaf(index=index) for index in range(6)]

        def run(self):
            self.dump(sum(self.load()))


    if __name__ == "__main__":
        kartwheel.add_config("s3.ini")
        kartwheel.run()
""")


def test_forked_task_processes_make_their_own_client(project, client, bucket):
    (project / "fan_in.py").write_text(FAN_IN)
    done = run([sys.executable, "fan_in.py", "Root", "--local-scheduler", "--no-lock", "--workers=2"], cwd=project)
    assert done.returncode == 0, done.stderr
    stored = keys(client, bucket)
    assert len([key for key in stored if key.startswith("resources/__main__/Leaf_")]) == 6
    assert len([key for key in stored if key.startswith("resources/__main__/Root_")]) == 1
    assert not [key for key in stored if key.endswith(".lock")]
