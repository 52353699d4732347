"""Task classes shared by the runtime tests (module level, so luigi registers each once)."""

from __future__ import annotations

import collections
import random

import kartwheel
import luigi

CALLS: collections.Counter = collections.Counter()


class First(kartwheel.TaskOnKart[int]):
    value = luigi.IntParameter(default=1)

    def run(self) -> None:
        CALLS["First"] += 1
        self.dump(self.value)


class Middle(kartwheel.TaskOnKart[int]):
    first = kartwheel.TaskInstanceParameter()
    factor = luigi.IntParameter(default=10)

    def run(self) -> None:
        CALLS["Middle"] += 1
        self.dump(self.load("first") * self.factor)


class Last(kartwheel.TaskOnKart[str]):
    middle = kartwheel.TaskInstanceParameter()

    def run(self) -> None:
        CALLS["Last"] += 1
        self.dump(f"result={self.load('middle')}")


def pipeline(workspace: str, value: int = 1, factor: int = 10) -> Last:
    first = First(value=value, workspace_directory=workspace)
    middle = Middle(first=first, factor=factor, workspace_directory=workspace)
    return Last(middle=middle, workspace_directory=workspace)


class Link(kartwheel.TaskOnKart[int]):
    """One link of a chain: holds the previous link as a task parameter."""

    previous = kartwheel.TaskInstanceParameter(default=None)
    index = luigi.IntParameter()

    def run(self) -> None:
        self.dump(self.index + (self.load("previous") if self.previous is not None else 0))


class Collect(kartwheel.TaskOnKart[list]):
    parts = kartwheel.ListTaskInstanceParameter()

    def run(self) -> None:
        self.dump(self.load("parts"))


class TwoOutputs(kartwheel.TaskOnKart[dict]):
    write_both = luigi.BoolParameter(default=True)

    def output(self):
        return {"a": self.make_target("two/a.pkl"), "b": self.make_target("two/b.json")}

    def run(self) -> None:
        self.dump([1, 2], "a")
        if self.write_both:
            self.dump({"k": "v"}, "b")


class Failing(kartwheel.TaskOnKart[int]):
    def run(self) -> None:
        self.dump(1)
        raise RuntimeError("boom after dump")


class DependsOnFailing(kartwheel.TaskOnKart[int]):
    def requires(self):
        return Failing(workspace_directory=self.workspace_directory)

    def run(self) -> None:
        self.dump(2)


class Random(kartwheel.TaskOnKart[float]):
    name = luigi.Parameter(default="a")

    def run(self) -> None:
        self.task_log["drew"] = "random"
        self.dump(random.random())


class NamedByParameter(kartwheel.TaskOnKart[str]):
    """A task whose output name comes from a parameter, as a user's may."""

    name = luigi.Parameter()

    def output(self):
        return self.make_target(f"{self.name}.pkl")

    def run(self):
        self.dump(self.name)
