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


# -- tasks wired through requires() ---------------------------------------------------------------


class Source(kartwheel.TaskOnKart):
    value = luigi.IntParameter(default=1)


class RequiresOne(kartwheel.TaskOnKart):
    def requires(self):
        return Source(value=RequiresOne.upstream_value)

    upstream_value = 1


class RequiresShape(kartwheel.TaskOnKart):
    """requires() returns whatever `shape` names, built from Source tasks."""

    shape = luigi.Parameter(significant=False)

    def requires(self):
        one, two = Source(value=1), Source(value=2)
        return {
            "task": one,
            "list": [one, two],
            "reversed": [two, one],
            "dict": {"a": one, "b": two},
            "renamed": {"a": one, "c": two},
            "nested": {"xs": [one, {"y": two}]},
            "tuple": (one, two),
            "generator": (task for task in (one, two)),
            "list of one": [one],
            "insignificant": [one, Source(value=2, significant=False)],
            "nothing": [],
        }[self.shape]


def _shape_id(shape: str) -> str:
    return RequiresShape(shape=shape).make_unique_id()


# Digests of tasks whose requires() adds upstream tasks (since 0.2.0; earlier versions ignored them).
PINNED_REQUIRES = {
    "task": "7a6f975f1e1ef3dafc39a4aa12d27f3a",
    "list": "acb61b7c51c786a2ad131f68ef5d7a20",
    "dict": "1b7172f84669fb4e3c7707879ae9a37e",
    "nested": "273e3df39b4c9b882d61f735007f47cb",
}


@pytest.mark.parametrize("shape", sorted(PINNED_REQUIRES))
def test_hashes_with_requires_do_not_change_between_versions(shape):
    assert _shape_id(shape) == PINNED_REQUIRES[shape]


def test_a_task_with_nothing_upstream_keeps_its_hash():
    assert RequiresShape(shape="nothing").make_unique_id() == RequiresShape(shape="nothing").make_unique_id()
    assert Source().make_unique_id() == Source().make_unique_id()
    # Leafy and Joined, pinned above, hash as they did before requires() counted.


@pytest.mark.parametrize("shape", ["task", "list", "dict", "nested", "tuple", "generator"])
def test_requires_of_every_shape_changes_the_hash(shape):
    assert _shape_id(shape) != _shape_id("nothing")


def test_the_order_of_a_list_and_the_keys_of_a_dict_count():
    assert _shape_id("list") != _shape_id("reversed")
    assert _shape_id("dict") != _shape_id("renamed")
    assert _shape_id("list") == _shape_id("tuple") == _shape_id("generator")


def test_an_insignificant_required_task_is_left_out():
    assert _shape_id("insignificant") == _shape_id("list of one") != _shape_id("list")


def test_an_upstream_change_through_requires_changes_the_hash(monkeypatch):
    before = RequiresOne().make_unique_id()
    monkeypatch.setattr(RequiresOne, "upstream_value", 2)
    kartwheel._core.hashing.invalidate_hashes()
    changed = RequiresOne().make_unique_id()
    monkeypatch.setattr(RequiresOne, "upstream_value", 1)
    kartwheel._core.hashing.invalidate_hashes()
    assert changed != before
    assert RequiresOne().make_unique_id() == before


def test_a_task_both_given_and_required_counts_once():
    class Joined(kartwheel.TaskOnKart):  # the family of the pinned Joined, which requires() by default
        one = kartwheel.TaskInstanceParameter()
        many = kartwheel.ListTaskInstanceParameter(default=[])
        label = luigi.Parameter(default="j")

        def requires(self):
            return [self.one, *self.many]

    leaf = Leafy()
    assert Joined(one=leaf, many=[Leafy(number=2), Leafy(number=3)], label="x").make_unique_id() == PINNED["tasks"]


def test_a_dict_returned_by_requires_hashes_the_same_in_any_order():
    class Ordered(kartwheel.TaskOnKart):
        reverse = luigi.BoolParameter(default=False, significant=False)

        def requires(self):
            items = [("a", Source(value=1)), ("b", Source(value=2))]
            return dict(reversed(items) if self.reverse else items)

    assert Ordered().make_unique_id() == Ordered(reverse=True).make_unique_id()


def test_requires_is_called_lazily_not_in_init():
    class LateAttribute(kartwheel.TaskOnKart):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.upstream = Source(value=7)

        def requires(self):
            return self.upstream

    assert LateAttribute().make_unique_id() != LateAttribute.__mro__[1]().make_unique_id()


@pytest.mark.slow
def test_a_deep_requires_chain_hashes_without_recursion():
    class Step(kartwheel.TaskOnKart):
        index = luigi.IntParameter()

        def requires(self):
            return Step(index=self.index - 1) if self.index else []

    top = Step(index=10_000)
    assert len(top.make_unique_id()) == 32
    assert Step(index=9_999).__dict__["_kartwheel_hash"][1] != top.make_unique_id()


def test_a_plain_luigi_task_upstream_counts_by_its_parameters():
    class Raw(luigi.ExternalTask):
        path = luigi.Parameter()

    class ReadsRaw(kartwheel.TaskOnKart):
        path = luigi.Parameter(significant=False)

        def requires(self):
            return Raw(path=self.path)

    assert ReadsRaw(path="a.csv").make_unique_id() != ReadsRaw(path="b.csv").make_unique_id()


def test_requires_returning_something_else_than_tasks_is_refused():
    class Wrong(kartwheel.TaskOnKart):
        def requires(self):
            return {"data": "data.csv"}

    with pytest.raises(kartwheel.RequiresError, match=r"Wrong.requires\(\) returned str 'data.csv'"):
        Wrong().make_unique_id()


def test_a_cycle_is_refused():
    class Ping(kartwheel.TaskOnKart):
        def requires(self):
            return Pong()

    class Pong(kartwheel.TaskOnKart):
        def requires(self):
            return Ping()

    with pytest.raises(kartwheel.RequiresError, match="cycle"):
        Ping().make_unique_id()


def test_hashes_are_the_same_in_another_process(tmp_path):
    from tests.processes import run_python

    code = (
        "from tests.runtime.test_unique_id import RequiresShape as R\n"
        "print(R(shape='nested').make_unique_id(), R(shape='dict').make_unique_id())"
    )
    outputs = {
        run_python("-c", code, check=True, timeout=60, env={**__import__("os").environ, "PYTHONHASHSEED": seed})
        .stdout.split()[-2:]
        .__str__()
        for seed in ("1", "2")
    }
    assert outputs == {str([_shape_id("nested"), _shape_id("dict")])}


class GivenUpstream(kartwheel.TaskOnKart):
    upstream = kartwheel.TaskInstanceParameter()
    label = luigi.Parameter(default="g")


def test_a_rehash_reuses_nothing_stale_when_a_task_parameters_upstream_changes(monkeypatch):
    """A task whose requires() only repeats its task parameters reuses its earlier digest only while the
    hashes upstream are as they were."""
    task = GivenUpstream(upstream=RequiresOne())
    before = task.make_unique_id()
    kartwheel._core.hashing.invalidate_hashes()
    assert task.make_unique_id() == before
    monkeypatch.setattr(RequiresOne, "upstream_value", 2)
    kartwheel._core.hashing.invalidate_hashes()
    changed = task.make_unique_id()
    fresh = changed
    del task.__dict__["_kartwheel_hash_basis"]  # computed from scratch, no earlier digest to reuse
    kartwheel._core.hashing.invalidate_hashes()
    assert task.make_unique_id() == fresh
    monkeypatch.setattr(RequiresOne, "upstream_value", 1)
    kartwheel._core.hashing.invalidate_hashes()
    assert changed != before
    assert task.make_unique_id() == before


def test_a_rehash_reuses_nothing_stale_when_the_extra_hash_inputs_change(monkeypatch):
    task = GivenUpstream(upstream=Source(value=1))
    before = task.make_unique_id()
    monkeypatch.setattr(GivenUpstream, "__kart_hash_inputs__", lambda self: {"source": "edited"})
    kartwheel._core.hashing.invalidate_hashes()
    assert task.make_unique_id() != before
    monkeypatch.undo()
    kartwheel._core.hashing.invalidate_hashes()
    assert task.make_unique_id() == before
