"""`build` with gokart's signature: keyword `task=`, a list of tasks, GokartBuildError with the raised exceptions."""

from __future__ import annotations

import logging

import kartwheel as gokart
import luigi
import pytest
from kartwheel.build import GokartBuildError
from luigi.task_register import Register, TaskClassAmbigiousException


class Hello(gokart.TaskOnKart[str]):
    task_namespace = "docs_build"
    text = luigi.Parameter(default="hello")

    def run(self):
        self.dump(self.text)


class CheckError(Exception):
    pass


class Broken(gokart.TaskOnKart):
    task_namespace = "docs_build"

    def run(self):
        raise CheckError("broken on purpose")


class NeedsBroken(gokart.TaskOnKart):
    task_namespace = "docs_build"

    def requires(self):
        return Broken()

    def run(self):
        self.dump(self.load())


def test_keyword_task_and_gokart_arguments(workspace: str) -> None:
    assert gokart.build(task=Hello(), return_value=True, reset_register=False, log_level=logging.CRITICAL) == "hello"
    assert gokart.build(Hello(text="x"), return_value=False, workers=1) is True


def test_a_list_of_tasks_gives_a_list_of_outputs(workspace: str) -> None:
    assert gokart.build([Hello(text="a"), Hello(text="b")]) == ["a", "b"]


def test_failure_is_a_gokart_build_error_carrying_the_exceptions(workspace: str) -> None:
    with pytest.raises(GokartBuildError) as raised:
        gokart.build(NeedsBroken(), log_level=logging.CRITICAL)
    error = raised.value
    assert isinstance(error, gokart.BuildError)
    assert "Broken() failed: CheckError: broken on purpose" in str(error)
    assert list(error.raised_exceptions) == [Broken().make_unique_id()]
    assert isinstance(error.raised_exceptions[Broken().make_unique_id()][0], CheckError)


def test_reset_register_forgets_a_redefined_class_only(workspace: str) -> None:
    def define() -> type:
        class Redefined(gokart.TaskOnKart):
            task_namespace = "docs_build"

            def run(self):
                self.dump(1)

        return Redefined

    first, second = define(), define()
    with pytest.raises(TaskClassAmbigiousException):
        Register.get_task_cls("docs_build.Redefined")
    gokart.build(second(), reset_register=True)
    assert first not in Register._reg and second in Register._reg
    assert Register.get_task_cls("docs_build.Redefined") is second
    assert Register.get_task_cls("docs_build.Hello") is Hello


NOTEBOOK_CELLS = [
    """
class ExampleTaskA(gokart.TaskOnKart):
    param = luigi.Parameter()
    int_param = luigi.IntParameter(default=2)

    def run(self):
        self.dump(f'DONE {self.param}_{self.int_param}')

outputs.append(gokart.build(task=ExampleTaskA(param='example')))
""",
    """
class ExampleTaskC(gokart.TaskOnKart):
    def run(self):
        self.dump('TASKC')

class ExampleTaskD(gokart.TaskOnKart):
    def run(self):
        self.dump('TASKD')

class ExampleTaskB(gokart.TaskOnKart):
    param = luigi.Parameter()

    def requires(self):
        return dict(task_c=ExampleTaskC(), task_d=ExampleTaskD())

    def run(self):
        self.dump(f"DONE {self.param}_{self.load('task_c')}_{self.load('task_d')}")

outputs.append(gokart.build(task=ExampleTaskB(param='example')))
""",
    """
class ExampleTaskB(gokart.TaskOnKart):
    param = luigi.Parameter()
    task_1 = gokart.TaskInstanceParameter()
    task_2 = gokart.TaskInstanceParameter()

    def requires(self):
        return dict(task_1=self.task_1, task_2=self.task_2)

    def run(self):
        self.dump(f"DONE {self.param}_{self.load('task_1')}_{self.load('task_2')}")

outputs.append(gokart.build(task=ExampleTaskB(param='example', task_1=ExampleTaskC(), task_2=ExampleTaskD())))
""",
]


def test_notebook_example_cells_run_in_one_namespace(workspace: str) -> None:
    namespace = {"__name__": "notebook_example", "gokart": gokart, "luigi": luigi, "outputs": []}
    for cell in NOTEBOOK_CELLS + NOTEBOOK_CELLS[1:]:  # cells run again, as in a notebook
        exec(cell, namespace)
    assert namespace["outputs"] == ["DONE example_2", *["DONE example_TASKC_TASKD"] * 4]
    assert Register.get_task_cls("ExampleTaskB") is namespace["ExampleTaskB"]
