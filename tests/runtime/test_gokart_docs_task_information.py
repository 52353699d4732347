"""gokart's task_information page: the tree and table of a graph, their dumps, the CLI options, deletion."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import kartwheel as gokart
import luigi
import pytest
from kartwheel.tree.task_info import (
    dump_task_info_table,
    dump_task_info_tree,
    make_task_info_as_table,
    make_task_info_as_tree_str,
)
from kartwheel.tree.task_info_formatter import TaskInfo


class TaskA(gokart.TaskOnKart[str]):
    task_namespace = "docs_info"
    param = luigi.Parameter()

    def run(self):
        self.dump(f"{self.param}")


class TaskB(gokart.TaskOnKart[str]):
    task_namespace = "docs_info"
    task: gokart.TaskOnKart[str] = gokart.TaskInstanceParameter()

    def run(self):
        self.dump(self.load("task") + " taskB")


class TaskC(gokart.TaskOnKart[str]):
    task_namespace = "docs_info"
    task: gokart.TaskOnKart[str] = gokart.TaskInstanceParameter()

    def run(self):
        self.dump(self.load("task") + " taskC")


class TaskD(gokart.TaskOnKart):
    task_namespace = "docs_info"
    task1: gokart.TaskOnKart[str] = gokart.TaskInstanceParameter()
    task2: gokart.TaskOnKart[str] = gokart.TaskInstanceParameter()

    def run(self):
        self.dump(",".join([self.load("task1"), self.load("task2")]))


class SampleTaskLog(gokart.TaskOnKart):
    task_namespace = "docs_info"

    def run(self):
        self.task_log["sample key"] = "sample value"
        self.dump("done")


def inner() -> TaskD:
    return TaskD(task1=TaskC(task=TaskA(param="foo")), task2=TaskC(task=TaskB(task=TaskA(param="bar"))))


def docs_task() -> TaskD:
    return TaskD(task1=TaskD(task1=inner(), task2=inner()), task2=TaskD(task1=inner(), task2=inner()))


def shape(tree: str) -> str:
    """The tree with the hashes taken out."""
    return re.sub(r"\[[0-9a-f]{32}\]", "[...]", tree)


def test_tree_of_the_docs_example_abbreviates_repeated_subtrees(workspace: str) -> None:
    assert shape(make_task_info_as_tree_str(docs_task())) == (
        "\n└─-(PENDING) TaskD[...]"
        "\n   |--(PENDING) TaskD[...]"
        "\n   |  |--(PENDING) TaskD[...]"
        "\n   |  |  |--(PENDING) TaskC[...]"
        "\n   |  |  |  └─-(PENDING) TaskA[...]"
        "\n   |  |  └─-(PENDING) TaskC[...]"
        "\n   |  |     └─-(PENDING) TaskB[...]"
        "\n   |  |        └─-(PENDING) TaskA[...]"
        "\n   |  └─-(PENDING) TaskD[...]"
        "\n   |     └─- ..."
        "\n   └─-(PENDING) TaskD[...]"
        "\n      └─- ..."
    )
    assert make_task_info_as_tree_str(docs_task(), abbr=False).count("TaskA[") == 8
    assert gokart.make_tree_info(docs_task()) == make_task_info_as_tree_str(docs_task())


def test_tree_after_a_build_shows_complete_tasks_with_details(workspace: str) -> None:
    task = TaskB(task=TaskA(param="x"))
    gokart.build(task)
    tree = make_task_info_as_tree_str(task, details=True)
    first, second = tree.strip("\n").split("\n")
    assert first.startswith(f"└─-(COMPLETE) TaskB[{task.make_unique_id()}](parameter={{'task': 'TaskA-")
    assert f"output=['{task.output()}']" in first
    assert first.endswith(f"s, task_log={{'file_path': ['{task.output()}']}})")  # gokart's file_path
    assert second.startswith("   └─-(COMPLETE) TaskA[") and "'param': 'x'" in second
    assert "TaskA" not in make_task_info_as_tree_str(task, ignore_task_names=["TaskA"])


def test_table_has_one_row_per_task(workspace: str) -> None:
    pytest.importorskip("pandas")
    table = make_task_info_as_table(docs_task())
    assert list(table.columns) == [
        "name",
        "unique_id",
        "output_paths",
        "params",
        "processing_time",
        "is_complete",
        "task_log",
        "requires",
    ]
    assert sorted(table["name"]) == sorted(["TaskD"] * 3 + ["TaskC"] * 2 + ["TaskB", "TaskA", "TaskA"])
    assert set(table["is_complete"]) == {"PENDING"}


def test_dumps_of_the_table_and_the_tree(workspace: str) -> None:
    pytest.importorskip("pandas")
    task = TaskB(task=TaskA(param="y"))
    dump_task_info_table(task, "info/table.csv")
    assert Path(f"info/table_{task.make_unique_id()}.csv").read_text().startswith("name,unique_id,")
    dump_task_info_tree(task, "info/tree.pkl", use_unique_id=False)
    tree = pickle.loads(Path("info/tree.pkl").read_bytes())
    assert isinstance(tree, TaskInfo) and tree.children_task_infos[0].name == "TaskA"
    with pytest.raises(gokart.KartwheelError, match=r"ending in \.pkl"):
        dump_task_info_tree(task, "info/tree.txt")


def run_cli(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        gokart.run(argv)
    assert exited.value.code == 0


@pytest.mark.slow
def test_tree_info_options_write_the_tree_instead_of_running(workspace: str) -> None:
    gokart.build(SampleTaskLog())
    run_cli(["--tree-info-mode=all", "--tree-info-output-path=sample_task_log.txt", "docs_info.SampleTaskLog"])
    text = Path("resources/sample_task_log.txt").read_text()
    assert text.startswith("\n└─-(COMPLETE) SampleTaskLog[")
    assert re.search(
        r"task_log=\{'sample key': 'sample value', 'file_path': \['[^']*/SampleTaskLog_\w+\.pkl'\]\}\)$", text
    )
    run_cli(["docs_info.TaskA", "--param=z", "--local-scheduler", "--tree-info-mode=simple"])
    assert re.fullmatch(r"\n└─-\(PENDING\) TaskA\[[0-9a-f]{32}\]", Path("resources/tree.txt").read_text())
    assert not TaskA(param="z").complete()


def test_delete_unnecessary_outputs_keeps_what_the_graph_needs(workspace: str) -> None:
    needed = TaskB(task=TaskA(param="kept"))
    gokart.build(needed)
    gokart.build(TaskA(param="stale"))
    stale = Path(str(TaskA(param="stale").output()))
    notes = Path("resources/notes.txt")
    notes.write_text("not an output")
    assert gokart.delete_local_unnecessary_outputs(needed) == [str(stale.resolve())]
    assert not stale.exists() and notes.exists() and needed.complete() and TaskA(param="kept").complete()
    assert len(list(Path("resources/log/task_params").iterdir())) == 3


def test_delete_unnecessary_output_files_on_the_command_line(workspace: str) -> None:
    gokart.build(TaskA(param="one"))
    gokart.build(TaskA(param="two"))
    run_cli(["docs_info.TaskA", "--param=one", "--local-scheduler", "--delete-unnecessary-output-files"])
    assert TaskA(param="one").complete() and not TaskA(param="two").complete()


def test_delete_refuses_a_remote_workspace() -> None:
    with pytest.raises(gokart.KartwheelError, match="local workspace"):
        gokart.delete_local_unnecessary_outputs(TaskA(param="r", workspace_directory="s3://bucket/resources"))
