"""The log writer: logs reach the disk in order, failures are reported, a dead helper loses nothing new."""

from __future__ import annotations

import contextlib
import pickle
import textwrap
from pathlib import Path

import kartwheel
import luigi
import pytest
from kartwheel._storage.log_writer import INLINE_TASKS, LogWriter
from kartwheel._storage.storage import LocalStorage
from kartwheel.errors import DumpError
from kartwheel.testing import isolated_config

from tests.processes import run_python


@pytest.fixture(autouse=True)
def helper_process_on():
    """These tests are about the helper process: on, whatever the configuration says."""
    with isolated_config({"kartwheel": {"log_helper_process": True}}):
        yield


@pytest.fixture
def helper_writer():
    """A writer that uses its helper process from the first task on."""
    writer = LogWriter(inline_tasks=0)
    yield writer
    with contextlib.suppress(DumpError):  # a failure a test provoked on purpose
        writer.close()


def test_helper_writes_every_file_in_order_and_makes_directories(tmp_path, helper_writer):
    first = tmp_path / "new" / "dir" / "a.pkl"
    helper_writer.submit(LocalStorage(), [(str(first), b"one"), (str(tmp_path / "b.txt"), b"two")])
    helper_writer.submit(LocalStorage(), [(str(first), b"replaced")])
    helper_writer.flush()
    assert helper_writer._helper is not None
    assert first.read_bytes() == b"replaced"
    assert (tmp_path / "b.txt").read_bytes() == b"two"


def test_relative_paths_are_resolved_against_the_callers_directory(tmp_path, monkeypatch, helper_writer):
    monkeypatch.chdir(tmp_path)
    helper_writer.submit(LocalStorage(), [("resources/log/x.pkl", b"data")])
    helper_writer.flush()
    assert (tmp_path / "resources" / "log" / "x.pkl").read_bytes() == b"data"


def test_flush_reports_files_that_could_not_be_written_once(tmp_path, helper_writer):
    (tmp_path / "plain_file").write_text("not a directory")
    blocked = tmp_path / "plain_file" / "log.pkl"
    helper_writer.submit(LocalStorage(), [(str(blocked), b"x"), (str(tmp_path / "fine.pkl"), b"ok")])
    with pytest.raises(DumpError, match="could not write every task log: .*plain_file/log.pkl"):
        helper_writer.flush()
    assert (tmp_path / "fine.pkl").read_bytes() == b"ok"
    helper_writer.flush()  # reported once, not again


def test_a_dead_helper_is_reported_and_later_logs_are_written_inline(tmp_path, helper_writer):
    helper_writer.submit(LocalStorage(), [(str(tmp_path / "before.pkl"), b"1")])
    helper_writer.flush()
    helper_writer._helper.process.kill()
    helper_writer._helper.process.wait(timeout=60)
    helper_writer.submit(LocalStorage(), [(str(tmp_path / "after.pkl"), b"2")])
    with pytest.raises(DumpError, match="log writer process stopped"):
        helper_writer.flush()
    assert (tmp_path / "after.pkl").read_bytes() == b"2"
    helper_writer.submit(LocalStorage(), [(str(tmp_path / "later.pkl"), b"3")])
    helper_writer.flush()
    assert (tmp_path / "later.pkl").read_bytes() == b"3"


def test_close_ends_the_helper(tmp_path):
    writer = LogWriter(inline_tasks=0)
    writer.submit(LocalStorage(), [(str(tmp_path / "a.pkl"), b"a")])
    helper = writer._helper
    writer.close()
    assert helper.process.returncode == 0
    assert (tmp_path / "a.pkl").read_bytes() == b"a"


class Numbered(kartwheel.TaskOnKart):
    number = luigi.IntParameter()

    def run(self):
        self.task_log["number"] = self.number
        self.dump(self.number)


class Total(kartwheel.TaskOnKart):
    count = luigi.IntParameter()

    def requires(self):
        return [Numbered(number=number) for number in range(self.count)]

    def run(self):
        self.dump(sum(self.load()))


def test_every_log_of_a_large_build_is_on_disk_when_build_returns(workspace):
    count = INLINE_TASKS * 3  # well past the tasks a process logs inline
    assert kartwheel.build(Total(count=count)) == sum(range(count))
    logs = Path(workspace) / "log"
    for kind in ("module_versions", "processing_time", "random_seed", "task_log", "task_params"):
        assert len(list((logs / kind).iterdir())) == count + 1, kind
    last = Numbered(number=count - 1)
    task_log = logs / "task_log" / f"Numbered_{last.make_unique_id()}.pkl"
    assert pickle.loads(task_log.read_bytes()) == {"number": count - 1, "file_path": [last.output().path]}


SCRIPT = """
import luigi, kartwheel

class Leaf(kartwheel.TaskOnKart):
    number = luigi.IntParameter()
    def run(self):
        self.dump(self.number)

class Root(kartwheel.TaskOnKart):
    def requires(self):
        return [Leaf(number=number) for number in range({count})]
    def run(self):
        self.dump(len(self.load()))

# luigi's own build, not kartwheel's: the logs must still be complete when the process exits
luigi.build([Root()], local_scheduler=True, log_level="ERROR")
"""


@pytest.mark.slow
def test_logs_written_through_plain_luigi_are_complete_at_exit(tmp_path):
    count = INLINE_TASKS * 2
    (tmp_path / "script.py").write_text(textwrap.dedent(SCRIPT.format(count=count)))
    run_python("script.py", cwd=tmp_path, check=True)
    for kind in ("module_versions", "processing_time", "random_seed", "task_log", "task_params"):
        assert len(list((tmp_path / "resources" / "log" / kind).iterdir())) == count + 1, kind
