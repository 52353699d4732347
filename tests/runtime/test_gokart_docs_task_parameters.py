"""gokart's task_parameters page: TaskInstanceParameter, the generic forms, ExplicitBoolParameter, Serializable."""

from __future__ import annotations

import datetime
import json
import pickle
import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path

import kartwheel as gokart
import pytest

from tests.processes import run_python


class DocsTaskA(gokart.TaskOnKart[str]):
    task_namespace = "docs_parameters"

    def run(self):
        self.dump("Hello")


class DocsTaskB(gokart.TaskOnKart[str]):
    task_namespace = "docs_parameters"
    require_task: gokart.TaskInstanceParameter[DocsTaskA] = gokart.TaskInstanceParameter()

    def requires(self):
        return self.require_task

    def run(self):
        task_a = self.load()
        self.dump(",".join([task_a, "world"]))


@dataclass(frozen=True)
class Config:
    foo: int
    bar: str  # not part of the task's identity

    def gokart_serialize(self) -> str:
        return json.dumps({"foo": self.foo})

    @classmethod
    def gokart_deserialize(cls, s: str) -> Config:
        return cls(**{"bar": "", **json.loads(s)})


class DummyTask(gokart.TaskOnKart[Config]):
    task_namespace = "docs_parameters"
    config: gokart.SerializableParameter[Config] = gokart.SerializableParameter(object_type=Config)

    def run(self):
        self.dump(self.config)


def test_task_instance_parameter_example(workspace: str) -> None:
    assert gokart.build(DocsTaskB(require_task=DocsTaskA())) == "Hello,world"


def test_generic_forms_are_subscriptable_at_runtime() -> None:
    assert gokart.TaskInstanceParameter[DocsTaskA] is not None
    assert gokart.ListTaskInstanceParameter[DocsTaskA] is not None
    assert gokart.SerializableParameter[Config] is not None
    assert gokart.TaskOnKart[str] is not None
    param = gokart.TaskInstanceParameter(DocsTaskA)  # expected_type first, as in gokart
    assert param.expected_type is DocsTaskA
    with pytest.raises(TypeError, match="must be a task class"):
        gokart.TaskInstanceParameter(expected_type=1)


def test_parameters_import_from_gokart_s_module_path() -> None:
    from kartwheel.parameter import TaskInstanceParameter, ZonedDateSecondParameter

    assert TaskInstanceParameter is gokart.TaskInstanceParameter
    assert ZonedDateSecondParameter is gokart.ZonedDateSecondParameter


def test_serializable_parameter_example(workspace: str) -> None:
    result = gokart.build(DummyTask(config=Config(foo=1, bar="a")))
    assert result == Config(foo=1, bar="a")
    same = DummyTask(config=Config(foo=1, bar="other")).make_unique_id()
    assert same == DummyTask(config=Config(foo=1, bar="a")).make_unique_id()
    assert DummyTask(config=Config(foo=2, bar="a")).make_unique_id() != same


def test_zoned_date_second_parameter() -> None:
    param = gokart.ZonedDateSecondParameter()
    parsed = param.parse("2013-07-10T19:07:38+09:00")
    assert parsed.utcoffset() == datetime.timedelta(hours=9)
    assert param.parse("2013-07-10T10:07:38Z") == parsed
    assert param.serialize(parsed) == "2013-07-10T19:07:38+09:00"
    assert param.normalize(parsed.replace(microsecond=123)) == parsed
    with pytest.raises(ValueError, match="no time zone"):
        param.parse("2013-07-10T19:07:38")


def test_explicit_bool_parameter_default_and_parse() -> None:
    assert gokart.ExplicitBoolParameter(default=True)._default is True
    with pytest.raises(ValueError, match="'true' or 'false'"):
        gokart.ExplicitBoolParameter().parse("Foo")


SCRIPT = textwrap.dedent("""
    import kartwheel as gokart


    class Flagged(gokart.TaskOnKart):
        param = gokart.ExplicitBoolParameter(default=False)

        def run(self):
            self.dump(self.param)


    if __name__ == "__main__":
        gokart.run()
""")


@pytest.mark.slow
def test_explicit_bool_needs_a_value_on_the_command_line_but_rerun_takes_a_bare_flag(workspace: str) -> None:
    script = Path("main.py")
    script.write_text(SCRIPT)

    def run(*args: str) -> subprocess.CompletedProcess:
        return run_python(str(script), "Flagged", "--local-scheduler", *args, timeout=60)

    bare = run("--param")
    assert bare.returncode == 2 and "expected one argument" in bare.stderr
    assert run("--param", "true").returncode == 0
    assert run("--param", "true", "--rerun").returncode == 0
    (output,) = Path("resources/__main__").glob("Flagged_*.pkl")
    assert pickle.loads(output.read_bytes()) is True
