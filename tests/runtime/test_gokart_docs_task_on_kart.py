"""gokart's TaskOnKart and tutorial pages, with only the import changed: wrappers, settings, clone/restore."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import kartwheel as gokart
import luigi
import pytest

RUNS: list[str] = []


class TaskA(gokart.TaskOnKart[str]):
    task_namespace = "docs_task_on_kart"
    param = luigi.Parameter()

    def output(self):
        return self.make_target("output_of_task_a.pkl")

    def run(self):
        RUNS.append("TaskA")
        self.dump(f"param={self.param}")


class TaskB(gokart.TaskOnKart[str]):
    task_namespace = "docs_task_on_kart"
    param = luigi.Parameter()

    def requires(self):
        return TaskA(param="world")

    def output(self):
        return self.make_target("output_of_task_b.pkl")

    def run(self):
        RUNS.append("TaskB")
        self.dump(f"Task A: {self.load()}\nTask B: param={self.param}")


class Sample(gokart.TaskOnKart[str]):
    task_namespace = "docs_task_on_kart"

    def run(self):
        RUNS.append("Sample")
        self.dump("sample output")


class StringToSplit(gokart.TaskOnKart[list]):
    task_namespace = "docs_task_on_kart"
    task = gokart.TaskInstanceParameter()

    def run(self):
        RUNS.append("StringToSplit")
        self.dump(self.load("task").split(" "))


class Main(gokart.TaskOnKart):
    """The tutorial's endpoint: it only requires."""

    task_namespace = "docs_task_on_kart"

    def requires(self):
        return StringToSplit(task=Sample())


class RunsButDumpsNothing(gokart.TaskOnKart):
    task_namespace = "docs_task_on_kart"

    def run(self):
        RUNS.append("RunsButDumpsNothing")


@pytest.fixture(autouse=True)
def fresh(workspace: str) -> None:
    RUNS.clear()


def test_outline_example_builds_a_list_of_tasks(workspace: str) -> None:
    assert gokart.build([TaskB(param="Hello")]) == ["Task A: param=world\nTask B: param=Hello"]
    unique_id = TaskB(param="Hello").make_unique_id()
    assert Path(f"resources/output_of_task_b_{unique_id}.pkl").is_file()


def test_wrapper_task_succeeds_with_its_requirements_and_does_not_run_twice(workspace: str) -> None:
    assert gokart.build(Main()) == ["sample", "output"]
    assert sorted(RUNS) == ["Sample", "StringToSplit"]
    assert Main().complete()
    RUNS.clear()
    assert gokart.build(Main()) == ["sample", "output"]
    assert RUNS == []


def test_wrapper_reruns_when_a_requirement_is_gone(workspace: str) -> None:
    gokart.build(Main(), return_value=False)
    for target in luigi.task.flatten(Main().output()):
        os.remove(str(target))
    assert not Main().complete()
    RUNS.clear()
    assert gokart.build(Main()) == ["sample", "output"]
    assert RUNS == ["StringToSplit"]


def test_wrapper_failure_keeps_upstream_outputs(workspace: str) -> None:
    class FailingWrapper(gokart.TaskOnKart):
        task_namespace = "docs_task_on_kart"

        def requires(self):
            return Sample()

        def on_success(self):
            raise RuntimeError("after run")

    with pytest.raises(gokart.BuildError):
        gokart.build(FailingWrapper())
    assert Sample().complete()


def test_task_overriding_run_and_dumping_nothing_fails(workspace: str) -> None:
    with pytest.raises(gokart.BuildError, match="without writing"):
        gokart.build(RunsButDumpsNothing())


SETTINGS: dict[str, Any] = {
    "local_temporary_directory": "./tmp",
    "serialized_task_definition_check": False,
    "complete_check_at_run": False,
    "delete_unnecessary_output_files": True,
    "fail_on_empty_dump": True,
    "store_index_in_feather": False,
    "cache_unique_id": False,
    "should_dump_supplementary_log_files": False,
    "redis_host": "localhost",
    "redis_port": 6379,
    "redis_timeout": 10,
    "should_lock_run": True,
}


def test_documented_settings_are_accepted_and_leave_the_hash_alone(workspace: str) -> None:
    plain = TaskA(param="x")
    configured = TaskA(param="x", **SETTINGS)  # creating it contacts no redis server; running it would
    assert configured.make_unique_id() == plain.make_unique_id()
    assert str(configured.output()) == str(plain.output())
    defaults = gokart.TaskOnKart()
    assert defaults.complete_check_at_run is True and defaults.should_dump_supplementary_log_files is True
    assert defaults.store_index_in_feather is True and defaults.redis_timeout == 180


def test_should_lock_run_needs_a_redis_address(workspace: str) -> None:
    with pytest.raises(gokart.TaskParameterError, match="redis_host and redis_port"):
        gokart.TaskOnKart(redis_port=123, should_lock_run=True)


def test_should_dump_supplementary_log_files_false_writes_no_logs(workspace: str) -> None:
    assert gokart.build(TaskA(param="quiet", should_dump_supplementary_log_files=False)) == "param=quiet"
    assert not Path("resources/log").exists()
    gokart.build(TaskA(param="loud"))
    assert len(list(Path("resources/log").rglob("TaskA_*"))) == 5


def test_fail_on_empty_dump() -> None:
    pandas = pytest.importorskip("pandas")

    class EmptyFrame(gokart.TaskOnKart):
        task_namespace = "docs_task_on_kart"

        def run(self):
            self.dump(pandas.DataFrame())

    with pytest.raises(gokart.BuildError, match="empty DataFrame") as raised:
        gokart.build(EmptyFrame(fail_on_empty_dump=True))
    assert isinstance(raised.value.__cause__, AssertionError)
    assert gokart.build(EmptyFrame()).empty


def test_complete_check_at_run_skips_run_of_a_finished_task(workspace: str) -> None:
    gokart.build(Sample())
    RUNS.clear()
    Sample().run()
    assert RUNS == []
    Sample(complete_check_at_run=False).run()
    assert RUNS == ["Sample"]


def test_settings_can_be_overridden_as_class_attributes(workspace: str) -> None:
    class NoCheck(Sample):
        complete_check_at_run = False

    gokart.build(NoCheck())
    RUNS.clear()
    NoCheck().run()
    assert RUNS == ["Sample"]


def test_clone_copies_shared_parameters_except_rerun(workspace: str) -> None:
    original = TaskA(param="p", rerun=True, workspace_directory="elsewhere")
    clone = original.clone()
    assert clone.param == "p" and clone.workspace_directory == "elsewhere" and clone.rerun is False
    assert original.clone(TaskB).param == "p"
    assert original.clone(param="q").param == "q"


def test_restore_rebuilds_a_task_from_its_hash(workspace: str) -> None:
    task = StringToSplit(task=Sample())
    gokart.build(task)
    restored = StringToSplit.restore(task.make_unique_id())
    assert restored.make_unique_id() == task.make_unique_id()
    assert isinstance(restored.task, Sample)
    with pytest.raises(gokart.LoadError, match="ran successfully"):
        StringToSplit.restore("0" * 32)


def test_get_info_and_task_instance_dictionary(workspace: str) -> None:
    task = StringToSplit(task=Sample())
    info = task.get_info(only_significant=True)
    assert info == {"task": f"Sample-{Sample().make_unique_id()}"}
    assert task.get_info()["workspace_directory"] == "./resources"
    assert task.make_task_instance_dictionary() == {"task": Sample()}
    assert Sample().make_task_instance_dictionary() == {}
