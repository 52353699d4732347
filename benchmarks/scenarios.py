"""Task graphs for the benchmarks, written once and parametrised by the library module under test."""

from __future__ import annotations

import importlib
import os
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import luigi

LIBRARIES = ("kartwheel", "gokart")
SHAPES = ("chain", "fanin", "tree", "rchain")
# The environment variable measure.child_env sets to the `runtime/` directory kartwheel must be imported from
# (the same name as measure.RUNTIME_VAR, spelled here so that a child imports nothing more for it).
RUNTIME_VAR = "KARTWHEEL_BENCH_RUNTIME"

# Results that tasks running in this process hand back to the measuring code (workers=1 runs in-process).
PROBES: dict[str, float] = {}
# The payload handed to BenchProduce (kept after BenchConsume loads it); hooks run just before loading.
PAYLOAD: dict[str, Any] = {}
_BEFORE_LOAD: list[Callable[[], None]] = []


def load_library(name: str) -> types.ModuleType:
    """Import the library under test by name; for kartwheel, check it comes from the tree the parent chose.

    Only the library's public API is used here and in the task classes below (`TaskOnKart`,
    `TaskInstanceParameter`, `ListTaskInstanceParameter`, `build`), so that the same children measure any
    tree: the flat module layout of older commits as well as the private subpackages of newer ones.
    """
    if name not in LIBRARIES:
        raise ValueError(f"unknown library {name!r}; expected one of {LIBRARIES}")
    lib = importlib.import_module(name)
    expected = os.environ.get(RUNTIME_VAR)
    if name == "kartwheel" and expected:
        found = Path(lib.__file__ or "").resolve()
        if not found.is_relative_to(Path(expected).resolve()):
            raise RuntimeError(f"kartwheel was imported from {found}, not from {expected} (check PYTHONPATH)")
    return lib


def define_tasks(lib: types.ModuleType) -> types.SimpleNamespace:
    """Define every benchmark task class on top of ``lib.TaskOnKart``."""
    ns = types.SimpleNamespace(lib=lib)
    _define_dag_tasks(lib, ns)
    _define_payload_tasks(lib, ns)
    _define_cpu_tasks(lib, ns)
    return ns


def _define_dag_tasks(lib: types.ModuleType, ns: types.SimpleNamespace) -> None:
    """Trivial tasks that each dump a small int: the bricks of chains, fan-ins and trees."""

    class BenchLeaf(lib.TaskOnKart):
        """A task without inputs."""

        index = luigi.IntParameter()

        def run(self) -> None:
            self.dump(1)

    class BenchLink(lib.TaskOnKart):
        """One link of a chain: loads its predecessor's int and dumps it plus one."""

        index = luigi.IntParameter()
        prev = lib.TaskInstanceParameter()

        def run(self) -> None:
            self.dump(self.load("prev") + 1)

    class BenchNode(lib.TaskOnKart):
        """A task with a list of upstream tasks: dumps the sum of their ints plus one."""

        index = luigi.IntParameter()
        children = lib.ListTaskInstanceParameter()

        def run(self) -> None:
            self.dump(sum(self.load("children")) + 1)

    class BenchStep(lib.TaskOnKart):
        """One link of a chain wired through requires(): each step builds its predecessor there."""

        index = luigi.IntParameter()

        def requires(self) -> Any:
            return BenchStep(index=self.index - 1) if self.index else []

        def run(self) -> None:
            self.dump(self.load() + 1 if self.index else 1)

    ns.Leaf, ns.Link, ns.Node, ns.Step = BenchLeaf, BenchLink, BenchNode, BenchStep


def _define_payload_tasks(lib: types.ModuleType, ns: types.SimpleNamespace) -> None:
    """A producer that dumps a large payload and a consumer that loads it, each timing only that call."""

    class BenchProduce(lib.TaskOnKart):
        """Dumps ``PAYLOAD['obj']`` (dropping the module's reference); records the dump's seconds."""

        kind = luigi.Parameter()

        def run(self) -> None:
            obj = PAYLOAD.pop("obj")
            started = time.perf_counter()
            self.dump(obj)
            PROBES["dump_s"] = time.perf_counter() - started

    class BenchConsume(lib.TaskOnKart):
        """Loads the producer's payload, records the load's seconds in PROBES and keeps the object."""

        src = lib.TaskInstanceParameter()

        def run(self) -> None:
            before_load()
            started = time.perf_counter()
            obj = self.load("src")
            PROBES["load_s"] = time.perf_counter() - started
            PAYLOAD["loaded"] = obj
            self.dump(0)

    ns.Produce, ns.Consume = BenchProduce, BenchConsume


def _define_cpu_tasks(lib: types.ModuleType, ns: types.SimpleNamespace) -> None:
    """CPU-bound pure-Python tasks for the workers scenario."""

    class BenchBurn(lib.TaskOnKart):
        """Burns a fixed amount of pure-Python work, then dumps the result."""

        index = luigi.IntParameter()
        work = luigi.IntParameter()

        def run(self) -> None:
            self.dump(burn(self.work) + self.index)

    ns.Burn = BenchBurn


def before_load() -> None:
    """Run the hooks registered for the moment just before a consumer loads its input."""
    for hook in _BEFORE_LOAD:
        hook()


def on_before_load(hook: Callable[[], None]) -> None:
    """Register a hook to run just before a consumer loads its input (e.g. to reset the peak-RSS mark)."""
    _BEFORE_LOAD.append(hook)


def burn(work: int) -> int:
    """Pure-Python CPU work proportional to ``work``."""
    total = 0
    for i in range(work):
        total = (total + i * i) % 1_000_003
    return total


def chain(ns: types.SimpleNamespace, n: int) -> Any:
    """A chain of ``n`` tasks, built iteratively so that depth costs no Python recursion here."""
    task = ns.Leaf(index=0)
    for i in range(1, n):
        task = ns.Link(index=i, prev=task)
    return task


def fanin(ns: types.SimpleNamespace, n: int) -> Any:
    """``n - 1`` independent leaves feeding one root: ``n`` tasks."""
    leaves = [ns.Leaf(index=i) for i in range(1, n)]
    return ns.Node(index=0, children=leaves)


def tree(ns: types.SimpleNamespace, n: int) -> Any:
    """A complete binary tree of ``n`` tasks (heap numbering), built bottom-up without recursion."""
    made: dict[int, Any] = {}
    for i in range(n, 0, -1):
        kids = [made.pop(k) for k in (2 * i, 2 * i + 1) if k <= n]
        made[i] = ns.Node(index=i, children=kids) if kids else ns.Leaf(index=i)
    return made[1]


def rchain(ns: types.SimpleNamespace, n: int) -> Any:
    """A chain of ``n`` tasks wired through ``requires()``: only the root is built here, the rest by the library."""
    return ns.Step(index=n - 1)


def make_graph(ns: types.SimpleNamespace, shape: str, n: int) -> Any:
    """The root task of a graph of ``n`` trivial tasks in the given shape."""
    builders = {"chain": chain, "fanin": fanin, "tree": tree, "rchain": rchain}
    if shape not in builders:
        raise ValueError(f"unknown shape {shape!r}; expected one of {SHAPES}")
    return builders[shape](ns, n)


def expected_value(n: int) -> int:
    """The int the root of any graph of ``n`` tasks returns (every task adds one), proving the build ran."""
    return n


def cpu_fanin(ns: types.SimpleNamespace, tasks: int, work: int) -> Any:
    """``tasks`` CPU-bound tasks feeding one trivial root."""
    burners = [ns.Burn(index=i, work=work) for i in range(tasks)]
    return ns.Node(index=0, children=burners)


def build(ns: types.SimpleNamespace, task: Any, workers: int = 1) -> Any:
    """Build ``task`` with the library's in-process builder and return its output."""
    return ns.lib.build(task, return_value=True, workers=workers)
