"""gokart's task_settings page: the rerun rules, a private `__version` parameter, the code-hash check."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path

import kartwheel as gokart
import luigi
import pytest
from luigi.task_register import Register

RUNS: list[str] = []


class ChainA(gokart.TaskOnKart[int]):
    task_namespace = "docs_settings"

    def run(self):
        RUNS.append("A")
        self.dump(len(RUNS))


class ChainB(gokart.TaskOnKart[list]):
    task_namespace = "docs_settings"
    task = gokart.TaskInstanceParameter()

    def run(self):
        RUNS.append("B")
        self.dump([self.load("task"), len(RUNS)])


class ChainC(gokart.TaskOnKart[list]):
    task_namespace = "docs_settings"
    task = gokart.TaskInstanceParameter()

    def run(self):
        RUNS.append("C")
        self.dump([self.load("task"), len(RUNS)])


@pytest.fixture(autouse=True)
def fresh(workspace: str) -> None:
    RUNS.clear()


def chain(a_rerun: bool = False, b_rerun: bool = False) -> ChainC:
    # As in a new process: luigi's instance cache would hand back the ChainC made before, whose
    # ChainB equals (same task_id) the one with rerun=True.
    Register.clear_instance_cache()
    return ChainC(task=ChainB(task=ChainA(rerun=a_rerun), rerun=b_rerun))


def test_rerun_on_the_middle_task_reruns_it_and_its_dependent() -> None:
    first = gokart.build(chain())
    assert RUNS == ["A", "B", "C"]
    RUNS.clear()
    second = gokart.build(chain(b_rerun=True))
    assert RUNS == ["B", "C"]
    assert second != first and second[0][0] == first[0][0]  # TaskC read TaskB's new output
    assert chain(b_rerun=True).make_unique_id() == chain().make_unique_id()  # rerun is not in the hash


def test_rerun_two_levels_up_looks_one_level_only() -> None:
    gokart.build(chain())
    RUNS.clear()
    gokart.build(chain(a_rerun=True))
    assert RUNS == []


def test_rerun_from_python_reruns_the_task_itself() -> None:
    gokart.build(ChainA())
    RUNS.clear()
    Register.clear_instance_cache()
    assert gokart.build(ChainA(rerun=True)) == 1
    assert RUNS == ["A"]


def versioned(version: int) -> type:
    class Versioned(gokart.TaskOnKart[int]):
        task_namespace = "docs_settings"
        __version = luigi.IntParameter(default=version)

        def run(self):
            RUNS.append("Versioned")
            self.dump(version)

    return Versioned


class ReadsVersioned(gokart.TaskOnKart[int]):
    task_namespace = "docs_settings"
    task = gokart.TaskInstanceParameter()

    def run(self):
        RUNS.append("ReadsVersioned")
        self.dump(self.load("task"))


def test_bumping_a_private_version_parameter_reruns_the_task_and_downstream() -> None:
    assert gokart.build(ReadsVersioned(task=versioned(1)())) == 1
    RUNS.clear()
    assert gokart.build(ReadsVersioned(task=versioned(1)())) == 1
    assert RUNS == []
    assert gokart.build(ReadsVersioned(task=versioned(2)())) == 2
    assert RUNS == ["Versioned", "ReadsVersioned"]


CURRENT_VERSIONED: dict[str, type] = {}


class RequiresVersioned(gokart.TaskOnKart[int]):
    """The same downstream task before and after the upstream class's bump; it finds it through requires()."""

    task_namespace = "docs_settings"

    def requires(self):
        return CURRENT_VERSIONED["class"]()

    def run(self):
        RUNS.append("RequiresVersioned")
        self.dump(self.load())


def test_a_bump_reaches_tasks_wired_through_requires() -> None:
    CURRENT_VERSIONED["class"] = versioned(1)
    assert gokart.build(RequiresVersioned()) == 1
    first = RequiresVersioned().make_unique_id()
    RUNS.clear()
    CURRENT_VERSIONED["class"] = versioned(2)  # as after editing the default and starting a new process
    Register.clear_instance_cache()
    assert gokart.build(RequiresVersioned()) == 2
    assert RUNS == ["Versioned", "RequiresVersioned"] and RequiresVersioned().make_unique_id() != first


def load_edited(tmp_path: Path, name: str, value: int) -> type:
    path = tmp_path / f"{name}.py"
    path.write_text(
        textwrap.dedent(f"""
            import kartwheel


            class Edited(kartwheel.TaskOnKart):
                task_namespace = "docs_settings"

                def run(self):
                    self.dump({value})
        """)
    )
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module.Edited


def test_serialized_task_definition_check_puts_the_class_source_in_the_hash(tmp_path: Path) -> None:
    before, after = load_edited(tmp_path, "edited_v1", 1), load_edited(tmp_path, "edited_v2", 2)
    assert before().make_unique_id() == after().make_unique_id()
    checked_before = before(serialized_task_definition_check=True).make_unique_id()
    checked_after = after(serialized_task_definition_check=True).make_unique_id()
    assert checked_before != checked_after
    assert checked_before != before().make_unique_id()
    assert before(serialized_task_definition_check=True).make_unique_id() == checked_before
    assert gokart.build(after(serialized_task_definition_check=True)) == 2


def test_code_hash_tells_apart_two_definitions_under_one_name() -> None:
    class Redefined(gokart.TaskOnKart):
        task_namespace = "docs_settings_code"

        def run(self):
            self.dump("first")

    first = Redefined(serialized_task_definition_check=True).make_unique_id()

    class Redefined(gokart.TaskOnKart):
        task_namespace = "docs_settings_code"

        def run(self):
            self.dump("second")

    assert Redefined(serialized_task_definition_check=True).make_unique_id() != first
    assert Redefined().make_unique_id() == Redefined(serialized_task_definition_check=False).make_unique_id()
