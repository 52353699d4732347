"""kartwheel's scheduler gives the same results as luigi's own on shared scenarios."""

from __future__ import annotations

import collections
import time

import kartwheel
import luigi
import pytest
from kartwheel._luigi.scheduling import LocalScheduler
from kartwheel._run.scheduling import SchedulerFactory

RUNS: list[str] = []


class Node(kartwheel.TaskOnKart[int]):
    """A task with any upstream tasks, that can be told to fail."""

    name = luigi.Parameter()
    parents = kartwheel.ListTaskInstanceParameter(default=())
    fail = luigi.BoolParameter(default=False)
    weight = luigi.IntParameter(default=1)

    def run(self) -> None:
        RUNS.append(self.name)
        if self.fail:
            raise RuntimeError(f"{self.name} fails")
        self.dump(self.weight + sum(self.load("parents")))


def chain(workspace: str, length: int, fail_at: int | None = None, weight_at: dict | None = None) -> Node:
    node = None
    for index in range(length):
        node = Node(
            name=f"n{index}",
            parents=[node] if node else [],
            fail=index == fail_at,
            weight=(weight_at or {}).get(index, 1),
            workspace_directory=workspace,
        )
    return node


def diamond(workspace: str, fail_left: bool = False) -> Node:
    top = Node(name="top", workspace_directory=workspace)
    left = Node(name="left", parents=[top], fail=fail_left, workspace_directory=workspace)
    right = Node(name="right", parents=[top], workspace_directory=workspace)
    return Node(name="bottom", parents=[left, right], workspace_directory=workspace)


def run_with(factory, root: Node, workers: int = 1) -> dict:
    """Build `root`; what ran, what exists afterwards, and luigi's status."""
    RUNS.clear()
    result = luigi.build(
        [root],
        worker_scheduler_factory=factory,
        local_scheduler=True,
        detailed_summary=True,
        log_level="CRITICAL",
        workers=workers,
    )
    existing = sorted(task.name for task in all_tasks(root) if task.complete())
    return {
        "ran": collections.Counter(RUNS),
        "complete": existing,
        "status": result.status,
        "output": root.output().load() if root.complete() else None,
    }


def all_tasks(root: Node) -> list[Node]:
    seen, stack = {}, [root]
    while stack:
        task = stack.pop()
        if task.task_id not in seen:
            seen[task.task_id] = task
            stack.extend(task.parents)
    return list(seen.values())


SCENARIOS = {
    "chain": lambda ws: [chain(ws, 30)],
    "diamond": lambda ws: [diamond(ws)],
    "failure-in-the-middle-of-a-chain": lambda ws: [chain(ws, 12, fail_at=5)],
    "failure-in-a-diamond-branch": lambda ws: [diamond(ws, fail_left=True)],
    "parameter-change-reruns-downstream": lambda ws: [chain(ws, 10), chain(ws, 10, weight_at={6: 5})],
}


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_same_results_as_luigis_scheduler(tmp_path, scenario, workers):
    outcomes = []
    for label, factory in (("luigi", None), ("kartwheel", SchedulerFactory())):
        workspace = str(tmp_path / label)
        steps = [run_with(factory, root, workers) for root in SCENARIOS[scenario](workspace)]
        if workers == 1:
            outcomes.append(steps)
        else:  # in worker processes RUNS stays empty; compare what was produced
            outcomes.append([{key: value for key, value in step.items() if key != "ran"} for step in steps])
    assert outcomes[0] == outcomes[1]


def test_scenarios_are_not_trivial(tmp_path):
    [first, second] = SCENARIOS["parameter-change-reruns-downstream"](str(tmp_path))
    assert run_with(SchedulerFactory(), first)["ran"] == {f"n{i}": 1 for i in range(10)}
    assert run_with(SchedulerFactory(), second)["ran"] == {f"n{i}": 1 for i in range(6, 10)}
    failing = run_with(SchedulerFactory(), chain(str(tmp_path / "f"), 12, fail_at=5))
    assert failing["ran"] == {f"n{i}": 1 for i in range(6)}
    assert failing["complete"] == sorted(f"n{i}" for i in range(5))


def test_failure_at_the_bottom_of_a_deep_chain_is_reported(workspace):
    root = chain(workspace, 1500, fail_at=0)
    with pytest.raises(kartwheel.BuildError, match="n0 fails"):
        kartwheel.build(root)


def test_scheduler_falls_back_to_luigi_with_resources():
    scheduler = LocalScheduler()
    scheduler.add_task(worker="w", task_id="a", resources={"gpu": 1})
    assert not scheduler._simple_case(assistant=False)


def _table(scheduler) -> dict:
    """Every task the scheduler holds: status, whether it is marked for removal, its stakeholders."""
    return {
        task_id: (task.status, task.remove is not None, sorted(task.stakeholders))
        for task_id, task in scheduler._state._tasks.items()
    }


def _prune_steps(scheduler) -> list[dict]:
    """Fail a task, let it be retried, run another, then drop the worker: the task table after each prune."""
    tables = []
    scheduler.add_task(worker="w", task_id="root", deps=["a", "b"])
    scheduler.add_task(worker="w", task_id="a")
    scheduler.add_task(worker="w", task_id="b", status=luigi.scheduler.DONE)
    scheduler.add_task(worker="w", task_id="c")
    first = scheduler.get_work(worker="w")["task_id"]
    scheduler.add_task(worker="w", task_id=first, status=luigi.scheduler.FAILED)
    time.sleep(0.01)  # past the retry delay of 0
    scheduler.prune()
    tables.append(_table(scheduler))
    second = scheduler.get_work(worker="w")["task_id"]  # c, a or the retried task: RUNNING at the next prune
    scheduler.prune()
    tables.append({**_table(scheduler), "handed out": sorted({first, second} - {None})})
    time.sleep(0.25)  # past worker_disconnect_delay: the worker is dropped, its tasks lose their stakeholder
    scheduler.prune()
    tables.append(_table(scheduler))
    time.sleep(0.01)  # past remove_delay of 0: the tasks without a stakeholder go
    scheduler.prune()
    tables.append(_table(scheduler))
    return tables


def test_prune_changes_what_luigis_prune_changes():
    """The scheduler's pruning looks only at the tasks that can change; luigi's looks at all: same tables."""
    config = {"retry_delay": 0, "remove_delay": 0, "worker_disconnect_delay": 0.2, "prune_on_get_work": False}
    theirs = _prune_steps(luigi.scheduler.Scheduler(**config))
    ours = _prune_steps(LocalScheduler(**config))
    assert ours == theirs
    assert theirs[0]["a"][0] == luigi.scheduler.PENDING  # the failure was retried
    assert theirs[-1] == {}  # and everything went with the worker


def test_prune_does_not_rebuild_the_ready_queue_when_nothing_changed():
    scheduler = LocalScheduler()
    for index in range(5):
        scheduler.add_task(worker="w", task_id=f"t{index}", deps=[f"t{index - 1}"] if index else [])
    assert scheduler.get_work(worker="w")["task_id"] == "t0"
    assert not scheduler._stale
    scheduler.prune()
    assert not scheduler._stale  # t0 runs, nothing came back to PENDING
    scheduler.add_task(worker="w", task_id="t0", status=luigi.scheduler.FAILED)
    scheduler.prune()
    assert not scheduler._stale  # failed, to be retried after retry_delay: still not PENDING
