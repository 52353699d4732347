"""Parameters: task instances, lists of tasks, explicit bools, serializable objects; wrong types say so."""

from __future__ import annotations

import dataclasses

import kartwheel
import luigi
import pytest

from tests.runtime.tasks_for_tests import Collect, First, Middle


def test_task_instance_parameter_rejects_a_non_task():
    with pytest.raises(kartwheel.TaskParameterError, match="takes a task instance.*got int 3"):
        Middle(first=3)
    with pytest.raises(kartwheel.TaskParameterError, match="got the class First; pass an instance"):
        Middle(first=First)


def test_task_instance_parameter_checks_expected_type():
    class Typed(kartwheel.TaskOnKart):
        upstream = kartwheel.TaskInstanceParameter(expected_type=First)

    assert Typed(upstream=First()).upstream == First()
    with pytest.raises(kartwheel.TaskParameterError, match="task instance of First, got Collect"):
        Typed(upstream=Collect(parts=[]))


def test_task_parameters_cannot_come_from_text():
    with pytest.raises(kartwheel.TaskParameterError, match="cannot be set from text"):
        kartwheel.TaskInstanceParameter().parse("First")


def test_list_task_instance_parameter():
    collect = Collect(parts=[First(value=1), First(value=2)])
    assert collect.parts == (First(value=1), First(value=2))
    with pytest.raises(kartwheel.TaskParameterError, match="list of task instances"):
        Collect(parts=First())
    with pytest.raises(kartwheel.TaskParameterError, match="got str"):
        Collect(parts=["First"])


def test_list_order_is_part_of_the_hash():
    a = Collect(parts=[First(value=1), First(value=2)])
    b = Collect(parts=[First(value=2), First(value=1)])
    assert a.make_unique_id() != b.make_unique_id()


def test_explicit_bool_parameter():
    param = kartwheel.ExplicitBoolParameter()
    assert param.parse("True") is True and param.parse("false") is False
    with pytest.raises(kartwheel.TaskParameterError, match="'true' or 'false'"):
        param.parse("yes")
    with pytest.raises(kartwheel.TaskParameterError, match="True or False, got int"):
        First(rerun=1)


@dataclasses.dataclass(frozen=True)
class Window:
    start: int
    end: int

    def kartwheel_serialize(self) -> str:
        return f"{self.start}:{self.end}"

    @classmethod
    def kartwheel_deserialize(cls, text: str) -> Window:
        start, end = text.split(":")
        return cls(int(start), int(end))


class Windowed(kartwheel.TaskOnKart):
    window = kartwheel.SerializableParameter(object_type=Window)

    def run(self):
        self.dump(self.window.end - self.window.start)


def test_serializable_parameter_round_trips_and_feeds_the_hash(workspace):
    task = Windowed(window=Window(1, 5), workspace_directory=workspace)
    assert kartwheel.build(task) == 4
    assert Windowed(window="1:5", workspace_directory=workspace).window == Window(1, 5)
    assert task.make_unique_id() != Windowed(window=Window(1, 6)).make_unique_id()
    with pytest.raises(kartwheel.TaskParameterError, match="takes a Window, got int"):
        Windowed(window=3)


def test_serializable_parameter_accepts_the_gokart_protocol():
    class Old:
        def gokart_serialize(self) -> str:
            return "old"

        @classmethod
        def gokart_deserialize(cls, text: str) -> Old:
            return cls()

    assert isinstance(kartwheel.SerializableParameter(object_type=Old).parse("old"), Old)


def test_serializable_parameter_needs_the_protocol():
    with pytest.raises(kartwheel.TaskParameterError, match="kartwheel_serialize"):
        kartwheel.SerializableParameter(object_type=int)


def test_dict_parameter_hash_ignores_key_order():
    class WithDict(kartwheel.TaskOnKart):
        options = luigi.DictParameter()

    assert WithDict(options={"a": 1, "b": 2}).make_unique_id() == WithDict(options={"b": 2, "a": 1}).make_unique_id()
    assert WithDict(options={"a": 1}).make_unique_id() != WithDict(options={"a": 2}).make_unique_id()


class Positional(kartwheel.TaskOnKart):
    a = luigi.IntParameter()
    b = luigi.IntParameter(default=2)


def test_positional_and_keyword_arguments_resolve_as_in_luigi():
    assert (Positional(1).a, Positional(1).b) == (1, 2)
    assert Positional(1, 3).b == 3
    assert Positional(b=4, a=5).a == 5
    with pytest.raises(luigi.parameter.DuplicateParameterException):
        Positional(1, a=1)
    with pytest.raises(luigi.parameter.UnknownParameterException):
        Positional(1, nope=1)
    with pytest.raises(luigi.parameter.MissingParameterException):
        Positional()
    with pytest.raises(luigi.parameter.UnknownParameterException):
        Positional(1, 2, 3)
