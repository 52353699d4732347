"""Around run(): a rerun replaces the old outputs, and counts as complete as soon as it has written new ones."""

from __future__ import annotations

import kartwheel
import pytest
from kartwheel.testing import isolated_config, run_task

from tests.runtime.tasks_for_tests import First, Middle


@pytest.mark.parametrize("check_complete_on_run", [False, True])
def test_rerun_runs_again_and_succeeds_under_either_completeness_check(workspace, calls, check_complete_on_run):
    with isolated_config({"worker": {"check_complete_on_run": check_complete_on_run}}):
        first = First(value=4, workspace_directory=workspace)
        assert kartwheel.build(Middle(first=first, workspace_directory=workspace)) == 40
        rerun = Middle(first=first, workspace_directory=workspace, rerun=True)
        assert kartwheel.build(rerun) == 40
        assert calls == {"First": 1, "Middle": 2}
        assert rerun.complete()


def test_a_rerun_happens_once_per_task_instance(workspace, calls):
    first = First(value=5, workspace_directory=workspace)
    kartwheel.build(first)
    rerun = First(value=5, workspace_directory=workspace, rerun=True)
    assert not rerun.complete(), "a rerun task is incomplete until it has run"
    assert run_task(rerun).ran_names() == ["First"]
    assert run_task(rerun).ran == [], "the same instance, built again, is complete"
    assert calls == {"First": 2}


def test_a_failed_rerun_leaves_no_old_output_behind(workspace, monkeypatch):
    first = First(value=6, workspace_directory=workspace)
    kartwheel.build(first)
    rerun = First(value=6, workspace_directory=workspace, rerun=True)

    def broken(self):
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(First, "run", broken)
    with pytest.raises(kartwheel.BuildError, match="broken on purpose"):
        kartwheel.build(rerun)
    assert not first.output().exists(), "the outputs the rerun was to replace are gone, not left looking current"
    assert not rerun.complete()
