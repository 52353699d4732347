"""kartwheel.testing: the configuration and workspace come back as they were; run_task reports what ran."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import kartwheel
import luigi
import pytest
from kartwheel.testing import isolated_config, isolated_workspace, run_task

from tests.processes import run_python
from tests.runtime.tasks_for_tests import First, Middle


def test_isolated_config_hides_added_config_and_restores_it(tmp_path):
    ini = tmp_path / "outer.ini"
    ini.write_text("[First]\nvalue = 5\n")
    with isolated_config():
        kartwheel.add_config(ini)
        assert First().value == 5
        with isolated_config({"First": {"value": 8}}):
            assert First().value == 8
        assert First().value == 5, "the outer configuration is back"
    assert not luigi.configuration.get_config().has_section("First")


def test_isolated_workspace_moves_the_cwd_and_back(tmp_path):
    before = os.getcwd()
    with isolated_workspace(tmp_path / "inner") as workspace:
        assert Path.cwd() == (tmp_path / "inner").resolve()
        assert workspace == (tmp_path / "inner" / "resources").resolve()
        assert run_task(First(value=2)).output == 2
        assert list(workspace.rglob("First_*.pkl"))
    assert os.getcwd() == before


def test_run_task_reports_what_ran_and_raises_on_failure(workspace, monkeypatch):
    middle = Middle(first=First(value=3, workspace_directory=workspace), workspace_directory=workspace)
    first_run = run_task(middle)
    assert (first_run.output, sorted(first_run.ran_names())) == (30, ["First", "Middle"])
    assert run_task(middle).ran == []
    with pytest.raises(ValueError, match="workers=1"):
        run_task(middle, workers=2)

    def broken(self):
        raise RuntimeError("broken on purpose")

    monkeypatch.setattr(First, "run", broken)
    with pytest.raises(kartwheel.BuildError, match="broken on purpose"):
        run_task(First(value=4, workspace_directory=workspace))


@pytest.mark.slow
def test_the_fixture_as_a_project_uses_it(tmp_path):
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["kartwheel.testing"]\n')
    (tmp_path / "test_user.py").write_text(
        textwrap.dedent(
            """
            import os
            import kartwheel
            from kartwheel.testing import run_task

            class UserTask(kartwheel.TaskOnKart[int]):
                def run(self):
                    self.dump(41)

            def test_fixture(kartwheel_workspace):
                assert os.getcwd() == str(kartwheel_workspace.parent)
                assert run_task(UserTask()).output == 41
                assert list(kartwheel_workspace.rglob("UserTask_*.pkl"))
            """
        )
    )
    done = run_python("-m", "pytest", "-q", "-p", "no:cacheprovider", "test_user.py", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
