"""TaskOnKart: paths, dump/load shapes, requires, completeness, rerun, failure cleanup."""

from __future__ import annotations

import os
import pickle
import re
from pathlib import Path

import kartwheel
import pytest
from kartwheel.file_processor import PickleFileProcessor

from tests.processes import run_python
from tests.runtime.tasks_for_tests import (
    Collect,
    DependsOnFailing,
    Failing,
    First,
    Last,
    Middle,
    NamedByParameter,
    TwoOutputs,
    pipeline,
)

HASH = r"[0-9a-f]{32}"


def files_under(root: str) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in Path(root).rglob("*") if path.is_file())


def test_default_output_path_is_module_path_class_and_hash(workspace):
    task = First(workspace_directory=workspace)
    relative = os.path.relpath(task.output().path, workspace)
    assert re.fullmatch(rf"tests/runtime/tasks_for_tests/First_{HASH}\.pkl", relative)
    assert task.output().path.endswith(f"First_{task.make_unique_id()}.pkl")


def test_default_workspace_is_resources_in_cwd(workspace):
    task = First()
    assert task.output().path.startswith("./resources/")
    assert kartwheel.build(task) == 1
    assert Path(workspace, "tests/runtime/tasks_for_tests").is_dir()


def test_three_task_pipeline_caches_and_reruns_what_changed(workspace, calls):
    assert kartwheel.build(pipeline(workspace)) == "result=10"
    assert calls == {"First": 1, "Middle": 1, "Last": 1}

    assert kartwheel.build(pipeline(workspace)) == "result=10"
    assert calls == {"First": 1, "Middle": 1, "Last": 1}, "a second build must run nothing"

    assert kartwheel.build(pipeline(workspace, factor=3)) == "result=3"
    assert calls == {"First": 1, "Middle": 2, "Last": 2}, "changing the middle reruns middle and last only"


def test_rerun_true_runs_that_task_again_only(workspace, calls):
    kartwheel.build(pipeline(workspace))
    first = First(workspace_directory=workspace)
    middle = Middle(first=first, workspace_directory=workspace, rerun=True)
    assert kartwheel.build(middle) == 10
    assert calls == {"First": 1, "Middle": 2, "Last": 1}
    assert middle.output().path == Middle(first=first, workspace_directory=workspace).output().path
    assert middle.complete(), "once rerun, the task counts as complete again"


def test_upstream_parameter_change_changes_every_downstream_hash(workspace):
    a, b = pipeline(workspace, value=1), pipeline(workspace, value=2)
    assert a.make_unique_id() != b.make_unique_id()
    assert a.middle.make_unique_id() != b.middle.make_unique_id()
    assert pipeline(workspace, value=1).make_unique_id() == a.make_unique_id()


def test_requires_defaults_to_task_parameters(workspace):
    last = pipeline(workspace)
    assert last.requires() == {"middle": last.middle}
    collect = Collect(parts=[First(value=1), First(value=2)])
    assert collect.requires() == {"parts": (First(value=1), First(value=2))}


def test_load_shapes(workspace):
    parts = [First(value=i, workspace_directory=workspace) for i in range(3)]
    collect = Collect(parts=parts, workspace_directory=workspace)
    assert kartwheel.build(collect) == [0, 1, 2]
    assert collect.load() == {"parts": [0, 1, 2]}
    assert collect.load("parts") == [0, 1, 2]
    assert collect.load(parts[1]) == 1
    assert collect.load([parts[2], parts[0]]) == [2, 0]
    assert collect.load({"x": parts[1]}) == {"x": 1}
    assert list(collect.load_generator("parts")) == [0, 1, 2]
    assert list(collect.load_generator()) == [[0, 1, 2]]


def test_load_of_unknown_input_name_lists_the_names(workspace):
    last = pipeline(workspace)
    with pytest.raises(KeyError, match="no input named 'nope'.*'middle'"):
        last.load("nope")


class OverridesRequires(kartwheel.TaskOnKart):
    def requires(self):
        return {
            "nums": [First(value=5, workspace_directory=self.workspace_directory)],
            "one": First(value=6, workspace_directory=self.workspace_directory),
        }

    def run(self):
        self.dump(self.load())


def test_requires_override_with_nested_dict_and_list(workspace):
    result = kartwheel.build(OverridesRequires(workspace_directory=workspace))
    assert result == {"nums": [5], "one": 6}
    gen = OverridesRequires(workspace_directory=workspace).load_generator()
    assert list(gen) == [[5], 6]


def test_named_outputs_dump_and_load(workspace):
    task = TwoOutputs(workspace_directory=workspace)
    assert kartwheel.build(task) == {"a": [1, 2], "b": {"k": "v"}}
    assert task.output()["b"].path.endswith(f"two/b_{task.make_unique_id()}.json")


def test_task_that_skips_a_declared_output_fails_and_leaves_nothing(workspace):
    task = TwoOutputs(write_both=False, workspace_directory=workspace)
    with pytest.raises(kartwheel.BuildError, match=r"without writing .*two/b_.*\.json") as info:
        kartwheel.build(task)
    assert isinstance(info.value.__cause__, kartwheel.MissingOutputError)
    assert not task.output()["a"].exists(), "a partial output must not survive a failed run"


def test_task_raising_after_dump_leaves_no_output(workspace):
    task = Failing(workspace_directory=workspace)
    with pytest.raises(kartwheel.BuildError, match="Failing.*boom after dump") as info:
        kartwheel.build(task)
    assert isinstance(info.value.__cause__, RuntimeError)
    assert "raise RuntimeError" in str(info.value), "the message carries the original traceback"
    assert not task.output().exists()
    assert not Path(workspace, "log").exists()


def test_failure_upstream_is_reported_and_downstream_not_run(workspace):
    task = DependsOnFailing(workspace_directory=workspace)
    with pytest.raises(kartwheel.BuildError, match="Failing"):
        kartwheel.build(task)
    assert not task.output().exists()


def test_dump_without_name_on_multi_output_task_says_which_names(workspace):
    with pytest.raises(kartwheel.KartwheelError, match="'a', 'b'"):
        TwoOutputs(workspace_directory=workspace).dump(1)


def test_make_target_refuses_paths_outside_the_workspace(workspace):
    task = First(workspace_directory=workspace)
    for path in ("../x.pkl", "a/../../x.pkl", "/etc/x.pkl", "s3://bucket/x.pkl"):
        with pytest.raises(kartwheel.WorkspaceEscapeError, match="outside the workspace"):
            task.make_target(path)
    assert task.make_target("a/../b.pkl").path.startswith(workspace + "/b_")


def outside_folder(workspace: str) -> Path:
    """A folder beside the workspace, where nothing may ever appear."""
    outside = Path(workspace).parent / "outside"
    outside.mkdir(exist_ok=True)
    return outside


@pytest.mark.parametrize("name", ["../outside/escaped", "a/../../outside/escaped", "ABSOLUTE"])
def test_a_parameter_never_places_an_output_outside_the_workspace(workspace, name):
    outside = outside_folder(workspace)
    name = str(outside / "escaped") if name == "ABSOLUTE" else name
    with pytest.raises(kartwheel.BuildError, match="WorkspaceEscapeError.*outside the workspace"):
        kartwheel.build(NamedByParameter(name=name, workspace_directory=workspace))
    assert files_under(str(outside)) == []
    assert not Path(workspace).parent.joinpath("escaped.pkl").exists()


def test_a_symlinked_folder_in_the_workspace_never_leads_a_write_or_a_lock_outside(workspace):
    outside = outside_folder(workspace)
    Path(workspace).mkdir(parents=True, exist_ok=True)
    os.symlink(outside, Path(workspace, "linked"))
    task = NamedByParameter(name="linked/escaped", workspace_directory=workspace)
    with pytest.raises(kartwheel.BuildError, match=r"outside the workspace.*remove the link"):
        kartwheel.build(task)
    with pytest.raises(kartwheel.WorkspaceEscapeError, match="linked"):
        task.output().dump("direct")
    assert files_under(str(outside)) == [], "no output, temporary file or .kartwheel-writers.lock outside"


def test_a_symlinked_log_folder_never_receives_the_logs(workspace):
    outside = outside_folder(workspace)
    Path(workspace).mkdir(parents=True, exist_ok=True)
    os.symlink(outside, Path(workspace, "log"))
    with pytest.raises(kartwheel.BuildError, match="outside the workspace"):
        kartwheel.build(NamedByParameter(name="inside", workspace_directory=workspace))
    assert files_under(str(outside)) == []


def test_a_workspace_that_is_itself_a_link_is_followed(tmp_path, workspace):
    real = tmp_path / "real"
    real.mkdir()
    linked = tmp_path / "linked-workspace"
    os.symlink(real, linked)
    assert kartwheel.build(NamedByParameter(name="sub/ok", workspace_directory=str(linked))) == "sub/ok"
    assert any(path.startswith("sub/ok_") for path in files_under(str(real)))


def test_make_target_without_unique_id_and_with_processor(workspace):
    task = First(workspace_directory=workspace)
    assert task.make_target("data/table.csv", use_unique_id=False).path == f"{workspace}/data/table.csv"
    custom = task.make_target("data/blob.bin", processor=PickleFileProcessor())
    custom.dump({"x": 1})
    assert custom.load() == {"x": 1}
    with pytest.raises(kartwheel.UnknownFormatError, match=r"\.bin.*register_format"):
        task.make_target("data/blob.bin")


def test_strict_check_requires_inputs(workspace):
    last = pipeline(workspace)
    kartwheel.build(last)
    os.remove(last.middle.output().path)
    assert last.complete()
    strict = Last(middle=last.middle, workspace_directory=workspace, strict_check=True)
    assert not strict.complete()


def test_modification_time_check(workspace):
    last = pipeline(workspace)
    kartwheel.build(last)
    checked = Last(middle=last.middle, workspace_directory=workspace, modification_time_check=True)
    assert checked.complete()
    later = os.path.getmtime(last.output().path) + 10
    os.utime(last.middle.output().path, (later, later))
    assert not checked.complete()


def test_strict_check_applies_to_a_task_without_outputs(workspace):
    last = pipeline(workspace)
    kartwheel.build(last)
    os.remove(last.middle.output().path)

    class Check(kartwheel.TaskOnKart):
        upstream = kartwheel.TaskInstanceParameter()

        def output(self):
            return []

    assert Check(upstream=last.middle, workspace_directory=workspace).complete()
    assert not Check(upstream=last.middle, workspace_directory=workspace, strict_check=True).complete()


def test_modification_time_check_ignores_an_input_that_is_also_an_output(workspace):
    first = First(workspace_directory=workspace)
    kartwheel.build(first)

    class Rewrites(kartwheel.TaskOnKart):
        upstream = kartwheel.TaskInstanceParameter()

        def output(self):
            return self.input()

    task = Rewrites(upstream=first, workspace_directory=workspace, modification_time_check=True)
    assert task.complete()


def test_default_requires_is_an_empty_list_without_task_parameters(workspace):
    assert First(workspace_directory=workspace).requires() == []
    assert Middle(first=First(), workspace_directory=workspace).requires() == {"first": First()}


def test_is_task_on_kart():
    assert kartwheel.TaskOnKart.is_task_on_kart(First())
    assert kartwheel.TaskOnKart.is_task_on_kart((First(), First(value=2)))
    assert not kartwheel.TaskOnKart.is_task_on_kart([])
    assert not kartwheel.TaskOnKart.is_task_on_kart([First(), 1])
    assert not kartwheel.TaskOnKart.is_task_on_kart(1)


def test_insignificant_upstream_does_not_feed_the_hash(workspace):
    one = Middle(first=First(value=1, significant=False), workspace_directory=workspace)
    two = Middle(first=First(value=2, significant=False), workspace_directory=workspace)
    assert one.make_unique_id() == two.make_unique_id()
    assert one.requires() == {"first": First(value=1, significant=False)}


@pytest.mark.slow
def test_chain_of_a_thousand_tasks_builds(workspace):
    from tests.runtime.tasks_for_tests import Link

    task = None
    for index in range(1000):
        task = Link(previous=task, index=index, workspace_directory=workspace)
    assert kartwheel.build(task) == sum(range(1000))


def test_output_is_plain_pickle(workspace):
    task = First(value=7, workspace_directory=workspace)
    kartwheel.build(task)
    with open(task.output().path, "rb") as file:
        assert pickle.load(file) == 7


TYPED_USE = """
import kartwheel


class Count(kartwheel.TaskOnKart[int]):
    def run(self) -> None:
        self.dump(3)


class Use(kartwheel.TaskOnKart[str]):
    def run(self) -> None:
        reveal_type(self.load(Count()))
        self.dump("text")
        self.dump(4)
"""


@pytest.mark.slow
def test_a_type_checker_sees_what_load_returns_and_what_dump_takes(tmp_path):
    (tmp_path / "use.py").write_text(TYPED_USE)
    runtime = Path(kartwheel.__file__).parent.parent
    command = ["-m", "mypy", "--no-incremental", "--config-file=", "use.py"]
    done = run_python(*command, cwd=tmp_path, env={**os.environ, "MYPYPATH": str(runtime)}, timeout=300)
    assert re.search(r'use.py:12: note: Revealed type is "(builtins\.)?int"', done.stdout), done.stdout + done.stderr
    assert 'use.py:14: error: Argument 1 to "dump" of "TaskOnKart" has incompatible type "int"' in done.stdout
    assert "Found 1 error" in done.stdout


def test_luigi_task_id_differs_for_different_upstream(workspace):
    assert pipeline(workspace, value=1).task_id != pipeline(workspace, value=2).task_id


def test_load_of_a_task_it_does_not_require_is_refused(workspace):
    last = pipeline(workspace)
    kartwheel.build(last)

    class Sneaky(kartwheel.TaskOnKart):
        def run(self):
            self.dump(self.load(last.middle))

    with pytest.raises(kartwheel.RequiresError, match=r"does not require: return it from requires\(\)"):
        Sneaky(workspace_directory=workspace).load(last.middle)
    assert last.load(last.middle) == last.middle.output().load()
