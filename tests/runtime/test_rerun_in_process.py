"""`rerun=True` on a task below the root reruns it in the same process as in a fresh one.

luigi's instance cache answers a task whose task parameters equal a cached one's in their significant
parameters: `C(b=B(rerun=True))` came back as the cached `C(b=B())`, and the rerun was lost in a notebook.
"""

from __future__ import annotations

import tempfile

import kartwheel
import luigi
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from luigi.task_register import Register

RUNS: list[str] = []


class RerunA(kartwheel.TaskOnKart[int]):
    value = luigi.IntParameter(default=1)

    def run(self) -> None:
        RUNS.append("A")
        self.dump(self.value)


class RerunB(kartwheel.TaskOnKart[int]):
    a = kartwheel.TaskInstanceParameter()

    def run(self) -> None:
        RUNS.append("B")
        self.dump(self.load("a") + 1)


class RerunC(kartwheel.TaskOnKart[int]):
    b = kartwheel.TaskInstanceParameter()

    def run(self) -> None:
        RUNS.append("C")
        self.dump(self.load("b") + 1)


def chain(workspace: str, reruns: tuple[bool, bool, bool] = (False, False, False), value: int = 1) -> RerunC:
    a = RerunA(value=value, rerun=reruns[0], workspace_directory=workspace)
    b = RerunB(a=a, rerun=reruns[1], workspace_directory=workspace)
    return RerunC(b=b, rerun=reruns[2], workspace_directory=workspace)


def test_rerun_below_the_root_in_the_same_process_reruns_it_and_what_follows(workspace):
    assert kartwheel.build(chain(workspace)) == 3
    RUNS.clear()
    again = chain(workspace, reruns=(False, True, False))
    assert again.b.rerun is True
    assert kartwheel.build(again) == 3
    assert RUNS == ["B", "C"]  # as in a fresh process


def test_an_equal_task_is_still_one_instance(workspace):
    assert chain(workspace) is chain(workspace)
    assert chain(workspace, (False, True, False)).b is chain(workspace, (False, True, False)).b


BUILDS = st.lists(
    st.tuples(st.tuples(st.booleans(), st.booleans(), st.booleans()), st.integers(min_value=1, max_value=2)),
    min_size=1,
    max_size=4,
)


def _runs(builds: list, fresh: bool) -> list[list[str]]:
    """The tasks each build ran, in one workspace; `fresh`: with luigi's instance cache emptied before
    each build's tasks are made, as a new process starts."""
    ran = []
    with tempfile.TemporaryDirectory() as workspace:
        for reruns, value in builds:
            if fresh:
                Register.clear_instance_cache()
            RUNS.clear()
            kartwheel.build(chain(workspace, reruns, value))
            ran.append(sorted(RUNS))
    return ran


def _rerun_instances(builds: list) -> list[tuple]:
    """The rerun=True tasks of each build, each named by what makes it one instance: its own and its
    upstream tasks' parameters."""
    return [(value, reruns[: index + 1]) for reruns, value in builds for index in range(3) if reruns[index]]


@settings(max_examples=15, deadline=None, database=None)
@given(BUILDS)
def test_builds_in_one_process_run_what_fresh_processes_would(builds):
    # A rerun happens once per task instance (as gokart clears `rerun` once it has removed the outputs): a
    # rerun=True task built again in the same process is the same instance, and is done; a fresh process
    # would rerun it. Apart from that, one process and fresh ones run the same tasks.
    rerun_instances = _rerun_instances(builds)
    assume(len(rerun_instances) == len(set(rerun_instances)))
    Register.clear_instance_cache()
    assert _runs(builds, fresh=False) == _runs(builds, fresh=True)
