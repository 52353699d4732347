"""build(): return values, failures with tracebacks, scheduling errors, workers."""

from __future__ import annotations

import textwrap

import kartwheel
import luigi
import pytest

from tests.processes import run_python
from tests.runtime.tasks_for_tests import Collect, Failing, First, TwoOutputs


def test_return_value_false_returns_true_on_success(workspace):
    assert kartwheel.build(First(workspace_directory=workspace), return_value=False) is True


def test_list_of_tasks_returns_list(workspace):
    tasks = [First(value=i, workspace_directory=workspace) for i in (1, 2)]
    assert kartwheel.build(tasks) == [1, 2]


def test_dict_output_returns_dict(workspace):
    assert kartwheel.build(TwoOutputs(workspace_directory=workspace)) == {"a": [1, 2], "b": {"k": "v"}}


def test_failure_raises_build_error_with_original_exception(workspace):
    with pytest.raises(kartwheel.BuildError) as info:
        kartwheel.build(Failing(workspace_directory=workspace))
    assert isinstance(info.value, RuntimeError), "BuildError is also a RuntimeError"
    assert isinstance(info.value.__cause__, RuntimeError)
    assert "boom after dump" in str(info.value)
    assert 'in run\n    raise RuntimeError("boom after dump")' in str(info.value)


def test_failure_in_a_worker_process_still_carries_the_traceback(workspace):
    tasks = [Failing(workspace_directory=workspace), First(workspace_directory=workspace)]
    with pytest.raises(kartwheel.BuildError, match=r"(?s)Failing.*boom after dump"):
        kartwheel.build(tasks, workers=2)
    assert First(workspace_directory=workspace).complete(), "the healthy task still ran"


class BrokenComplete(kartwheel.TaskOnKart):
    def complete(self):
        raise ValueError("complete() is broken")


class BrokenRequires(kartwheel.TaskOnKart):
    def requires(self):
        raise ValueError("requires() is broken")


@pytest.mark.parametrize("task_class", [BrokenComplete, BrokenRequires])
def test_scheduling_error_is_raised_with_its_traceback(workspace, task_class):
    with pytest.raises(kartwheel.BuildError, match=r"(?s)is broken"):
        kartwheel.build(task_class(workspace_directory=workspace))


class Missing(luigi.ExternalTask):
    def output(self):
        return luigi.LocalTarget("/nonexistent/kartwheel/input.csv")


class NeedsMissing(kartwheel.TaskOnKart):
    def requires(self):
        return Missing()

    def run(self):
        self.dump(1)


def test_missing_external_data_is_an_error(workspace):
    with pytest.raises(kartwheel.BuildError, match=r"missing data: Missing\(\) .*input.csv"):
        kartwheel.build(NeedsMissing(workspace_directory=workspace))


def test_workers_two_builds_a_fan_in(workspace):
    parts = [First(value=i, workspace_directory=workspace) for i in range(6)]
    assert kartwheel.build(Collect(parts=parts, workspace_directory=workspace), workers=2) == list(range(6))


def _two_classes_of_one_family(run_body: str, build: str) -> str:
    """A script defining `demo.Fit` twice (modules demo.a and demo.b), then `build`, printing a BuildError."""
    return textwrap.dedent(f"""
        import kartwheel
        from luigi.task_register import Register

        def define():
            class Fit(kartwheel.TaskOnKart):
                task_namespace = "demo"

                def run(self):
                    {run_body}
            Fit.__qualname__ = "Fit"
            return Fit

        first = define()
        first.__module__ = "demo.a"
        second = define()
        second.__module__ = "demo.b"
        try:
            kartwheel.build({build})
        except kartwheel.errors.BuildError as exc:
            print(exc)
    """)


def test_roots_of_two_classes_sharing_a_family_are_refused_naming_both(tmp_path):
    code = _two_classes_of_one_family(
        "self.dump(1)", '[first(workspace_directory="ws"), second(workspace_directory="ws")]'
    )
    done = run_python("-c", code, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "'demo.Fit' is ambiguous: demo.a.Fit and demo.b.Fit share that name" in done.stdout
    assert not (tmp_path / "ws").exists()


def test_a_lookup_of_an_ambiguous_family_during_a_build_fails_in_one_line(tmp_path):
    code = _two_classes_of_one_family('Register.get_task_cls("demo.Fit")', 'first(workspace_directory="ws")')
    done = run_python("-c", code, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    [line] = done.stdout.strip().splitlines()
    assert line.endswith(
        "failed: task 'demo.Fit' is ambiguous: demo.a.Fit and demo.b.Fit share that name; "
        "rename one of the classes or give one a different task_namespace"
    )
