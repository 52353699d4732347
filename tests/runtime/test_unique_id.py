"""Task hashes: stable across versions (outputs already on disk stay found) and sensitive to what matters."""

from __future__ import annotations

import datetime

import kartwheel
import luigi
import pytest


class Leafy(kartwheel.TaskOnKart):
    number = luigi.IntParameter(default=1)
    ratio = luigi.FloatParameter(default=0.5)
    name = luigi.Parameter(default="leaf")
    flag = luigi.BoolParameter(default=False)
    maybe = luigi.OptionalIntParameter(default=None)
    day = luigi.DateParameter(default=datetime.date(2024, 1, 31))
    items = luigi.ListParameter(default=[1, "two", 3.0])
    options = luigi.DictParameter(default={"b": [1, 2], "a": {"x": None}})
    noise = luigi.IntParameter(default=0, significant=False)


class Joined(kartwheel.TaskOnKart):
    one = kartwheel.TaskInstanceParameter()
    many = kartwheel.ListTaskInstanceParameter(default=[])
    label = luigi.Parameter(default="j")


def _tasks() -> dict[str, kartwheel.TaskOnKart]:
    leaf = Leafy()
    return {
        "defaults": leaf,
        "values": Leafy(
            number=-7,
            ratio=1e-3,
            name="名前 ünïcode",
            flag=True,
            maybe=3,
            day=datetime.date(1999, 12, 31),
            items=[[1], {"k": "v"}],
            options={},
        ),
        "noise ignored": Leafy(noise=99),
        "task": Joined(one=leaf),
        "tasks": Joined(one=leaf, many=[Leafy(number=2), Leafy(number=3)], label="x"),
        "insignificant upstream": Joined(one=leaf, many=[Leafy(number=2, significant=False)]),
    }


# Digests computed by an earlier version: a change here renames every output users already have.
PINNED = {
    "defaults": "08f2e9f6ab607962b6950bc47571c7aa",
    "values": "4ce6aabc923acbf70bed055efc3430ef",
    "task": "f7775b60a7fe61b6a4767b7cbc70d497",
    "tasks": "7345df2d72f02e182147874554792859",
}


@pytest.mark.parametrize("case", sorted(PINNED))
def test_hashes_do_not_change_between_versions(case):
    assert _tasks()[case].make_unique_id() == PINNED[case]


def test_insignificant_parameters_and_tasks_leave_the_hash_alone():
    tasks = _tasks()
    assert tasks["noise ignored"].make_unique_id() == tasks["defaults"].make_unique_id()
    assert tasks["insignificant upstream"].make_unique_id() == Joined(one=Leafy()).make_unique_id()


def test_an_upstream_change_changes_the_hash_downstream():
    assert Joined(one=Leafy(number=5)).make_unique_id() != Joined(one=Leafy()).make_unique_id()
    assert Joined(one=Leafy(), many=[Leafy(number=5)]).make_unique_id() != Joined(one=Leafy()).make_unique_id()
