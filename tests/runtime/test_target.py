"""Targets: atomic publication, load errors that name the file and its task, stable str."""

from __future__ import annotations

import os
from datetime import datetime

import kartwheel
import pytest
from kartwheel._storage import leftovers

from tests.runtime.tasks_for_tests import First


def test_str_is_the_stable_path(workspace):
    task = First(workspace_directory=workspace)
    assert str(task.output()) == task.output().path == str(First(workspace_directory=workspace).output())


def test_crash_mid_write_leaves_no_file(workspace):
    task = First(workspace_directory=workspace)
    target = task.output()

    class Crash(BaseException):
        pass

    with pytest.raises(Crash), target.storage.atomic_write(target.path, binary=True) as file:
        file.write(b"half")
        raise Crash
    assert not target.exists()
    assert os.listdir(os.path.dirname(target.path)) == []


def test_temporary_names_are_unique_even_with_a_seeded_random():
    import random

    random.seed(1)
    first = leftovers.temporary_name("/x/out.pkl")
    random.seed(1)
    assert leftovers.temporary_name("/x/out.pkl") != first
    assert first.startswith(f"/x/out.pkl.tmp-{leftovers.HOST}-{os.getpid()}-")


def test_load_of_missing_file_names_file_and_task(workspace):
    task = First(value=3, workspace_directory=workspace)
    with pytest.raises(kartwheel.LoadError, match=r"First_.*\.pkl does not exist; it is written by First\(.*value=3"):
        task.output().load()


def test_load_of_truncated_file_says_what_to_do(workspace):
    task = First(value=3, workspace_directory=workspace)
    kartwheel.build(task)
    with open(task.output().path, "r+b") as file:
        file.truncate(3)
    with pytest.raises(kartwheel.LoadError, match=r"cannot read .*First_.*written by First.*delete it.*rerun=True"):
        task.output().load()


def test_loading_input_of_downstream_names_upstream(workspace):
    from tests.runtime.tasks_for_tests import pipeline

    last = pipeline(workspace)
    with pytest.raises(kartwheel.LoadError, match=r"written by Middle\("):
        last.load("middle")


def test_remove_and_modification_time(workspace):
    task = First(workspace_directory=workspace)
    kartwheel.build(task)
    written = task.output().last_modification_time()
    assert isinstance(written, datetime)
    assert abs(written.timestamp() - os.stat(task.output().path).st_mtime) < 1e-3
    task.output().remove()
    assert not task.output().exists()
    task.output().remove()  # removing what is gone is not an error
    with pytest.raises(FileNotFoundError):
        task.output().last_modification_time()


def test_remote_workspace_through_fsspec_memory_filesystem():
    task = First(value=9, workspace_directory="memory://kartwheel-test-ws")
    assert kartwheel.build(task) == 9
    assert task.output().path.startswith("memory://kartwheel-test-ws/tests/runtime/tasks_for_tests/First_")
    assert kartwheel.build(First(value=9, workspace_directory="memory://kartwheel-test-ws")) == 9
    assert task.complete()


def test_target_kinds_by_gokart_names(workspace):
    from kartwheel.target import ModelTarget, SingleFileTarget, TargetOnKart, make_target

    task = First(workspace_directory=workspace)
    single = task.make_target("data/values.csv")
    model = task.make_model_target("model.zip", save_function=print, load_function=print)
    large = task.make_large_data_frame_target()
    assert isinstance(task.output(), SingleFileTarget) and isinstance(single, SingleFileTarget)
    assert isinstance(model, ModelTarget) and isinstance(large, ModelTarget)
    assert not isinstance(model, SingleFileTarget)
    assert isinstance(make_target(os.path.join(workspace, "x.pkl")), SingleFileTarget)
    assert all(isinstance(target, TargetOnKart) for target in (single, model, large))
    assert single.path() == single.path and repr(single) == f"SingleFileTarget({single.path()!r})"
