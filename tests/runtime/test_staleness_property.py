"""The cache contract, tested differentially: random small graphs, a random change, two builds compared.

Each example wires a random DAG with task parameters and `requires()` alike, builds it, changes one task's
parameter (its default in code, its config section, or a command-line option), and builds again. Then:
1. every task's result equals what a from-scratch build in an empty workspace gives (the oracle);
2. the tasks that ran are exactly the changed one and everything downstream of it, each once.

`HYPOTHESIS_PROFILE=thorough pytest tests/runtime/test_staleness_property.py` runs many more examples.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import kartwheel
import luigi
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kartwheel.target import load_targets
from kartwheel.testing import isolated_config
from luigi.cmdline_parser import CmdlineParser

pytestmark = pytest.mark.slow

settings.register_profile(
    "ci", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
settings.register_profile("thorough", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])

RUNS: list[int] = []
_NAMESPACES = itertools.count()
MODES = ("code", "config", "command line")


@dataclass(frozen=True)
class Change:
    """A graph of `len(parents)` tasks (the last is the root), and one parameter change to make in it."""

    parents: tuple[tuple[tuple[int, str], ...], ...]  # per task: (upstream index, "param" or "requires")
    defaults: tuple[int, ...]
    task: int
    value: int
    mode: str

    def downstream_of_change(self) -> set[int]:
        reached = {self.task}
        for index, parents in enumerate(self.parents):  # parents always come before their children
            if any(parent in reached for parent, _ in parents):
                reached.add(index)
        return reached


@st.composite
def changes(draw: st.DrawFn) -> Change:
    count = draw(st.integers(2, 6))
    parents: list[tuple[tuple[int, str], ...]] = []
    parents.append(())
    for index in range(1, count):
        edges = st.tuples(st.integers(0, index - 1), st.sampled_from(["param", "requires"]))
        parents.append(tuple(draw(st.lists(edges, max_size=3, unique_by=lambda edge: edge[0]))))
    has_child = {parent for edges in parents for parent, _ in edges}
    parents.append(tuple((index, "requires") for index in range(count) if index not in has_child))  # the root
    defaults = tuple(draw(st.lists(st.integers(0, 3), min_size=count + 1, max_size=count + 1)))
    task = draw(st.integers(0, count))
    value = draw(st.integers(0, 3).filter(lambda value: value != defaults[task]))
    return Change(tuple(parents), defaults, task, value, draw(st.sampled_from(MODES)))


def _run(self: kartwheel.TaskOnKart) -> None:
    RUNS.append(self.index)
    inputs = self.load()  # [] for a task with nothing upstream, as requires() then returns
    self.dump((self.index, self.value, sorted(inputs.items()) if inputs else []))


def define(change: Change, namespace: str, defaults: tuple[int, ...]) -> Callable[[int], kartwheel.TaskOnKart]:
    """Define the graph's task classes; return a function that makes task `i` as its downstream would."""
    classes: list[type] = []

    def make(index: int) -> kartwheel.TaskOnKart:
        given = {f"up{parent}": make(parent) for parent, kind in change.parents[index] if kind == "param"}
        return classes[index](**given)

    for index, edges in enumerate(change.parents):
        attributes = {
            "__module__": __name__,
            "task_namespace": namespace,
            "index": index,
            "value": luigi.IntParameter(default=defaults[index]),
            "run": _run,
        }
        for parent, kind in edges:
            if kind == "param":
                attributes[f"up{parent}"] = kartwheel.TaskInstanceParameter()
        if any(kind == "requires" for _, kind in edges):
            attributes["requires"] = _requires(edges, make)
        classes.append(type(f"N{index}", (kartwheel.TaskOnKart,), attributes))
    return make


def _requires(edges: tuple[tuple[int, str], ...], make: Callable[[int], kartwheel.TaskOnKart]) -> Callable:
    def requires(self: kartwheel.TaskOnKart) -> dict[str, kartwheel.TaskOnKart]:
        return {
            f"up{parent}": getattr(self, f"up{parent}") if kind == "param" else make(parent) for parent, kind in edges
        }

    return requires


class Pipeline:
    """One example's graph, built the way its change is made: in code, through config, or on the command line."""

    def __init__(self, change: Change, folder: str) -> None:
        self.change, self.folder = change, folder
        self.namespace = f"staleness{next(_NAMESPACES)}"
        self.make = define(change, self.namespace, change.defaults)
        self.argv = [f"{self.namespace}.N{len(change.parents) - 1}", "--local-scheduler", "--no-lock"]
        self.root = len(change.parents) - 1

    def apply_change(self) -> None:
        change = self.change
        if change.mode == "code":
            defaults = list(change.defaults)
            defaults[change.task] = change.value
            self.make = define(change, self.namespace, tuple(defaults))
        elif change.mode == "config":
            path = os.path.join(self.folder, "param.ini")
            with open(path, "w") as file:
                file.write(f"[{self.namespace}.N{change.task}]\nvalue={change.value}\n")
            kartwheel.add_config(path)
        elif change.task == self.root:
            self.argv += ["--value", str(change.value)]
        else:
            self.argv += [f"--{self.namespace}.N{change.task}-value", str(change.value)]

    def build(self) -> list[int]:
        """Build the root; return the indexes of the tasks that ran."""
        RUNS.clear()
        if self.change.mode == "command line":
            with pytest.raises(SystemExit) as exit_info:
                kartwheel.run(self.argv)
            assert exit_info.value.code == 0
        else:
            kartwheel.build(self.make(self.root), return_value=False)
        return sorted(RUNS)

    def results(self) -> list[object]:
        """Every task's result, read from the workspace of the current folder."""
        if self.change.mode != "command line":
            return [load_targets(self.make(index).output()) for index in range(self.root + 1)]
        with CmdlineParser.global_instance(self.argv) as parser:  # the root's own options reach it alone
            tasks = [self.make(index) for index in range(self.root)] + [parser.get_task_obj()]
            return [load_targets(task.output()) for task in tasks]


@contextlib.contextmanager
def _in_folder(folder: str) -> Iterator[None]:
    previous = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


@settings(settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci")))
@given(change=changes())
def test_an_incremental_build_equals_a_fresh_one_and_reruns_exactly_what_changed(change: Change) -> None:
    with tempfile.TemporaryDirectory() as incremental, tempfile.TemporaryDirectory() as fresh:
        with isolated_config():
            pipeline = Pipeline(change, incremental)
            with _in_folder(incremental):
                assert pipeline.build() == list(range(len(change.parents)))
                pipeline.apply_change()
                ran = pipeline.build()
                results = pipeline.results()
            with _in_folder(fresh):
                pipeline.build()
                expected = pipeline.results()
        assert results == expected
        assert ran == sorted(change.downstream_of_change())
