"""for_pandas.rst: PandasTypeConfig column checks, fail_on_empty_dump, and the testing helper for frames."""

from __future__ import annotations

from typing import Any

import kartwheel as gokart
import luigi
import pandas as pd
import pytest
from kartwheel.errors import EmptyDumpError, PandasTypeError
from kartwheel.testing import assert_frame_contents_equal


class SamplePandasTypeConfig(gokart.PandasTypeConfig):
    task_namespace = "docs_pandas"

    @classmethod
    def type_dict(cls) -> dict[str, Any]:
        return {"int_column": int}


class SampleFrame(gokart.TaskOnKart[pd.DataFrame]):
    task_namespace = "docs_pandas"

    def run(self):
        self.dump(pd.DataFrame(dict(int_column=self.column())))

    def column(self) -> list:
        return ["a"]


class GoodFrame(SampleFrame):
    def column(self) -> list:
        return [1, 2]


class NullableFrame(SampleFrame):
    def column(self) -> list:
        return [1, None]


class OtherNamespace(gokart.TaskOnKart[pd.DataFrame]):
    task_namespace = "docs_pandas_other"

    def run(self):
        self.dump(pd.DataFrame(dict(int_column=["a"])))


class EmptyTask(gokart.TaskOnKart):
    def run(self):
        self.dump(pd.DataFrame())


def test_a_column_of_the_wrong_type_fails_the_dump(workspace):
    with pytest.raises(gokart.BuildError, match="int_column") as raised:
        gokart.build(SampleFrame(workspace_directory=workspace))
    assert isinstance(raised.value.__cause__, PandasTypeError)
    assert not SampleFrame(workspace_directory=workspace).output().exists()


def test_nullable_column_fails_and_matching_column_passes(workspace):
    with pytest.raises(gokart.BuildError, match="float"):
        gokart.build(NullableFrame(workspace_directory=workspace))
    assert list(gokart.build(GoodFrame(workspace_directory=workspace))["int_column"]) == [1, 2]


def test_the_config_applies_to_its_own_namespace_only(workspace):
    assert list(gokart.build(OtherNamespace(workspace_directory=workspace))["int_column"]) == ["a"]


def test_fail_on_empty_dump(workspace):
    assert gokart.build(EmptyTask(workspace_directory=workspace)).empty
    with pytest.raises(gokart.BuildError, match="empty DataFrame") as raised:
        gokart.build(EmptyTask(workspace_directory=f"{workspace}/2", fail_on_empty_dump=True))
    assert isinstance(raised.value.__cause__, EmptyDumpError)
    assert isinstance(raised.value.__cause__, AssertionError), "gokart's EmptyDumpError is an AssertionError"


def test_fail_on_empty_dump_from_the_command_line(workspace):
    task = EmptyTask.from_str_params({"workspace_directory": workspace, "fail_on_empty_dump": "true"})
    assert task.fail_on_empty_dump is True


def test_assert_frame_contents_equal_ignores_row_and_column_order():
    expected = pd.DataFrame(dict(f1=[1, 2, 3], f3=[111, 222, 333], f2=[4, 5, 6]), index=[0, 1, 2])
    actual = pd.DataFrame(dict(f2=[5, 4, 6], f1=[2, 1, 3], f3=[222, 111, 333]), index=[1, 0, 2])
    assert_frame_contents_equal(actual, expected)
    close = actual.assign(f1=actual["f1"] + 0.01)
    with pytest.raises(AssertionError):
        assert_frame_contents_equal(close, expected.astype({"f1": float}))
    assert_frame_contents_equal(close, expected.astype({"f1": float}), atol=0.1)


def test_assert_frame_contents_equal_fails_on_duplicates_and_differences():
    frame = pd.DataFrame(dict(a=[1, 2]), index=[0, 1])
    with pytest.raises(AssertionError, match="duplicated index"):
        assert_frame_contents_equal(frame, frame.set_axis([0, 0]))
    with pytest.raises(AssertionError, match="duplicated column"):
        assert_frame_contents_equal(frame, pd.DataFrame([[1, 1]], columns=["a", "a"]))
    with pytest.raises(AssertionError, match="only in actual"):
        assert_frame_contents_equal(frame.assign(b=1), frame)
    with pytest.raises(AssertionError, match="indexes differ"):
        assert_frame_contents_equal(frame.set_axis([0, 5]), frame)
    assert gokart.testing.assert_frame_contents_equal is assert_frame_contents_equal


RUNS: list[str] = []


class SourceForTestRun(gokart.TaskOnKart[pd.DataFrame]):
    task_namespace = "docs_testrun"

    def run(self):
        RUNS.append("source")
        self.dump(pd.DataFrame({"a": [1, 2]}))


class RootForTestRun(gokart.TaskOnKart[pd.DataFrame]):
    task_namespace = "docs_testrun"
    fail_on_second_run = luigi.BoolParameter(default=False)

    def requires(self):
        return SourceForTestRun()

    def run(self):
        RUNS.append("root")
        if self.fail_on_second_run and RUNS.count("root") > 1:
            raise ValueError("broken on rerun")
        self.dump(self.load().assign(b=lambda frame: frame["a"] * 2))


def _test_run(argv: list[str]) -> int:
    RUNS.clear()
    with pytest.raises(SystemExit) as exited:
        gokart.run(["docs_testrun.RootForTestRun", "--local-scheduler", "--no-lock", *argv])
    return exited.value.code


@pytest.mark.slow
def test_test_run_builds_then_reruns_every_task_without_dumping(workspace, capsys):
    assert _test_run(["--test-run-pandas"]) == 0
    assert RUNS == ["source", "root", "root", "source"], "built once, then each task run again"
    report = capsys.readouterr().err
    assert "status=OK; namespace=docs_testrun; name=RootForTestRun;" in report
    assert "status=OK; namespace=docs_testrun; name=SourceForTestRun;" in report


@pytest.mark.slow
def test_test_run_fails_when_a_task_fails_and_can_keep_to_one_namespace(workspace, capsys):
    assert _test_run(["--test-run-pandas", "--fail-on-second-run"]) == 1
    assert "status=NG; namespace=docs_testrun; name=RootForTestRun;" in capsys.readouterr().err
    assert _test_run(["--test-run-pandas", "--test-run-namespace=elsewhere", "--fail-on-second-run"]) == 0
    assert RUNS == [], "the workflow is complete and no task is in that namespace"
