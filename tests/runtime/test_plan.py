"""The plan: each task's status and the reason for it, computed without running or writing anything."""

from __future__ import annotations

import os
from pathlib import Path

import kartwheel
import luigi
import pytest
from kartwheel._plan.plan import BLOCKED, CACHED, FAILED, NOT_NEEDED, WILL_RUN, make_plan

from tests.runtime.tasks_for_tests import DependsOnFailing, Failing, First, Last, Link, Middle, pipeline


class PlanNumbers(kartwheel.TaskOnKart[list]):
    count = luigi.IntParameter(default=3)

    def run(self) -> None:
        self.dump(list(range(self.count)))


class PlanScaled(kartwheel.TaskOnKart[list]):
    factor = luigi.FloatParameter(default=2.0)

    def requires(self):
        return PlanNumbers(workspace_directory=self.workspace_directory)

    def run(self) -> None:
        self.dump([value * self.factor for value in self.load()])


class PlanSummary(kartwheel.TaskOnKart[str]):
    factor = luigi.FloatParameter(default=2.0)
    label = luigi.Parameter(default="total")

    def requires(self):
        return PlanScaled(factor=self.factor, workspace_directory=self.workspace_directory)

    def run(self) -> None:
        self.dump(f"{self.label}={sum(self.load())}")


class PlanRawFile(luigi.ExternalTask):
    path = luigi.Parameter()

    def output(self):
        return luigi.LocalTarget(self.path)


class PlanReadsRaw(kartwheel.TaskOnKart[str]):
    path = luigi.Parameter()

    def requires(self):
        return PlanRawFile(path=self.path)

    def run(self) -> None:
        with self.input().open() as file:
            self.dump(file.read())


class PlanUsesRaw(kartwheel.TaskOnKart[str]):
    path = luigi.Parameter()

    def requires(self):
        return PlanReadsRaw(path=self.path, workspace_directory=self.workspace_directory)

    def run(self) -> None:
        self.dump(self.load())


def summary(workspace: str, **params) -> PlanSummary:
    return PlanSummary(workspace_directory=workspace, **params)


def statuses(plan) -> dict[str, tuple[str, str]]:
    return {task.family: (task.status, task.reason) for task in plan.tasks.values()}


def files_under(folder: str) -> dict[str, float]:
    found = {}
    for directory, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(directory, name)
            found[path] = os.stat(path).st_mtime_ns
    return found


def test_first_run_everything_is_new(workspace):
    plan = make_plan(summary(workspace))
    assert statuses(plan) == {
        "PlanNumbers": (WILL_RUN, "new"),
        "PlanScaled": (WILL_RUN, "new"),
        "PlanSummary": (WILL_RUN, "new"),
    }
    assert list(plan.tasks) == [
        task.task_id
        for task in (
            PlanNumbers(workspace_directory=workspace),
            PlanScaled(workspace_directory=workspace),
            summary(workspace),
        )
    ]
    assert not os.path.exists(workspace), "planning writes nothing"


def test_no_op_everything_is_cached_and_nothing_is_written(workspace):
    kartwheel.build(summary(workspace))
    before = files_under(workspace)
    plan = make_plan(summary(workspace))
    assert {status for status, _ in statuses(plan).values()} == {CACHED}
    assert plan.counts() == {CACHED: 3}
    assert files_under(workspace) == before


def test_root_parameter_change_names_the_parameter_and_both_values(workspace):
    kartwheel.build(summary(workspace))
    plan = make_plan(summary(workspace, label="sum"))
    assert statuses(plan) == {
        "PlanNumbers": (CACHED, ""),
        "PlanScaled": (CACHED, ""),
        "PlanSummary": (WILL_RUN, "label: 'total' -> 'sum'"),
    }


def test_parameter_change_below_the_root_is_named_where_it_happens(workspace):
    kartwheel.build(summary(workspace))
    plan = make_plan(summary(workspace, factor=3.0))
    assert statuses(plan) == {
        "PlanNumbers": (CACHED, ""),
        "PlanScaled": (WILL_RUN, "factor: 2.0 -> 3.0"),
        "PlanSummary": (WILL_RUN, "factor: 2.0 -> 3.0"),
    }


def test_middle_parameter_change_reruns_the_middle_and_names_it_downstream(workspace):
    kartwheel.build(pipeline(workspace))
    plan = make_plan(pipeline(workspace, factor=20))
    assert statuses(plan) == {
        "First": (CACHED, ""),
        "Middle": (WILL_RUN, "factor: 10 -> 20"),
        "Last": (WILL_RUN, "upstream Middle changed"),
    }


def test_upstream_only_change_says_which_upstream_task_changed(workspace):
    kartwheel.build(pipeline(workspace))
    plan = make_plan(pipeline(workspace, value=5))
    assert statuses(plan) == {
        "First": (WILL_RUN, "value: 1 -> 5"),
        "Middle": (WILL_RUN, "upstream First changed"),
        "Last": (WILL_RUN, "upstream Middle changed"),
    }


def test_closest_earlier_run_is_the_one_described(workspace):
    for factor in (10, 20, 30):
        kartwheel.build(pipeline(workspace, factor=factor))
    plan = make_plan(pipeline(workspace, value=2, factor=20))
    assert statuses(plan)["Middle"] == (WILL_RUN, "upstream First changed")


def test_rerun_true_is_the_reason(workspace):
    kartwheel.build(pipeline(workspace))
    middle = Middle(first=First(workspace_directory=workspace), workspace_directory=workspace)
    plan = make_plan(Last(middle=middle, workspace_directory=workspace, rerun=True))
    assert statuses(plan) == {"First": (CACHED, ""), "Middle": (CACHED, ""), "Last": (WILL_RUN, "rerun=True")}


def test_a_task_below_a_cached_one_is_not_needed(workspace):
    kartwheel.build(pipeline(workspace))
    first = First(workspace_directory=workspace)
    Path(first.output().path).unlink()
    plan = make_plan(pipeline(workspace))
    assert statuses(plan)["First"][0] == NOT_NEEDED
    assert statuses(plan)["Last"] == (CACHED, "")


def test_a_removed_output_is_said_to_be_removed(workspace):
    kartwheel.build(pipeline(workspace))
    last = pipeline(workspace)
    Path(last.output().path).unlink()
    assert statuses(make_plan(pipeline(workspace)))["Last"] == (WILL_RUN, "its output was removed")


def test_modification_time_check_names_the_newer_input(workspace):
    kartwheel.build(pipeline(workspace))
    first_output = First(workspace_directory=workspace).output().path
    later = os.stat(first_output).st_mtime + 100
    os.utime(first_output, (later, later))
    middle = Middle(
        first=First(workspace_directory=workspace), workspace_directory=workspace, modification_time_check=True
    )
    plan = make_plan(middle)
    assert statuses(plan)["Middle"] == (
        WILL_RUN,
        f"modification_time_check: input {first_output} is newer than the output",
    )


def test_missing_external_input_blocks_the_tasks_that_need_it(workspace, tmp_path):
    raw = str(tmp_path / "raw.txt")
    plan = make_plan(PlanUsesRaw(path=raw, workspace_directory=workspace))
    found = statuses(plan)
    assert found["PlanRawFile"] == (BLOCKED, f"missing input: {raw} (nothing in the graph produces it)")
    assert found["PlanReadsRaw"][0] == BLOCKED and found["PlanReadsRaw"][1].startswith("waits on PlanRawFile")
    assert found["PlanUsesRaw"][0] == BLOCKED
    Path(raw).write_text("data")
    assert statuses(make_plan(PlanUsesRaw(path=raw, workspace_directory=workspace)))["PlanRawFile"] == (CACHED, "")


def test_failed_task_after_a_run_blocks_its_dependents(workspace):
    task = DependsOnFailing(workspace_directory=workspace)
    with pytest.raises(kartwheel.BuildError):
        kartwheel.build(task)
    plan = make_plan(task)
    assert statuses(plan) == {"Failing": (WILL_RUN, "new"), "DependsOnFailing": (WILL_RUN, "new")}
    failing_id = Failing(workspace_directory=workspace).task_id
    after = plan.with_failures({failing_id: "RuntimeError: boom after dump"})
    assert statuses(after) == {
        "Failing": (FAILED, "RuntimeError: boom after dump"),
        "DependsOnFailing": (BLOCKED, "upstream Failing failed"),
    }
    assert after.counts() == {BLOCKED: 1, FAILED: 1}


@pytest.mark.slow
def test_a_deep_chain_is_walked_without_recursion(workspace):
    link = None
    for index in range(5000):
        link = Link(previous=link, index=index, workspace_directory=workspace)
    plan = make_plan(link)
    assert len(plan.tasks) == 5000
    assert plan.counts() == {WILL_RUN: 5000}
    first, second = list(plan.tasks.values())[:2]
    assert first.requires == () and second.requires == (first.task_id,)
    assert second.params == {"index": "1"}, "tasks given as parameters are requirements, not params"


def test_shared_tasks_appear_once(workspace):
    numbers = PlanNumbers(workspace_directory=workspace)
    plan = make_plan([summary(workspace), summary(workspace, factor=3.0)])
    assert [task.family for task in plan.tasks.values()].count("PlanNumbers") == 1
    assert len(plan.roots) == 2
    assert plan.tasks[numbers.task_id].status == WILL_RUN


def test_upstream_change_through_requires_is_named(workspace, tmp_path, fresh_luigi_config):
    kartwheel.build(summary(workspace))
    config = tmp_path / "param.ini"
    config.write_text("[PlanNumbers]\ncount=5\n")
    kartwheel.add_config(str(config))
    plan = make_plan(summary(workspace))
    assert statuses(plan) == {
        "PlanNumbers": (WILL_RUN, "count: 3 -> 5"),
        "PlanScaled": (WILL_RUN, "upstream PlanNumbers changed"),
        "PlanSummary": (WILL_RUN, "upstream PlanScaled changed"),
    }
