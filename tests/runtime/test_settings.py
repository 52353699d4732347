"""The [kartwheel] off switches: each one falls back to luigi's own path, with the same results."""

from __future__ import annotations

import pickle

import kartwheel
import luigi
import luigi.scheduler
import pytest
from kartwheel._core import settings
from kartwheel._luigi.scheduling import LocalScheduler
from kartwheel._run.scheduling import SchedulerFactory
from kartwheel._storage import log_writer
from kartwheel._storage.log_writer import INLINE_TASKS
from kartwheel.testing import isolated_config, isolated_workspace, run_task


class SwitchedLeaf(kartwheel.TaskOnKart[int]):
    number = luigi.IntParameter()

    def run(self) -> None:
        self.task_log["number"] = self.number
        self.dump(self.number * 2)


class SwitchedSum(kartwheel.TaskOnKart[int]):
    count = luigi.IntParameter()

    def requires(self):
        return [SwitchedLeaf(number=number) for number in range(self.count)]

    def run(self) -> None:
        self.dump(sum(self.load()))


def test_everything_is_on_by_default():
    with isolated_config(luigi_files=False):
        current = settings.current()
        assert (current.fast_scheduler, current.log_helper_process, current.supplementary_logs) == (True, True, True)


def test_the_section_is_read_when_a_build_starts():
    with isolated_config({"kartwheel": {"fast_scheduler": False}}):
        assert type(SchedulerFactory().create_local_scheduler()) is luigi.scheduler.Scheduler
    with isolated_config({"kartwheel": {"fast_scheduler": True}}):
        assert type(SchedulerFactory().create_local_scheduler()) is LocalScheduler


def test_a_bad_value_names_the_setting():
    bad = {"kartwheel": {"fast_scheduler": "sometimes"}}
    with pytest.raises(kartwheel.ConfigError, match=r"\[kartwheel\].*fast_scheduler.*'sometimes'.*true or false"):
        isolated_config(bad).__enter__()


def _outputs_and_logs(workspace) -> dict[str, bytes]:
    """Every file a build left, by path; processing times differ from run to run, so only their presence counts."""
    files = {}
    for path in sorted(workspace.rglob("*")):
        if path.is_file():
            relative = str(path.relative_to(workspace))
            files[relative] = b"" if "processing_time" in relative else path.read_bytes()
    return files


@pytest.mark.slow
def test_luigis_scheduler_and_inline_logs_give_the_same_files(tmp_path):
    count = INLINE_TASKS * 2  # past the point where the helper process takes over
    results = {}
    for label, on in (("fast", True), ("luigi", False)):
        switches = {"kartwheel": {"fast_scheduler": on, "log_helper_process": on}}
        with isolated_workspace(tmp_path / label, **switches) as workspace:
            run = run_task(SwitchedSum(count=count))
            results[label] = (run.output, sorted(run.ran_names()), _outputs_and_logs(workspace))
    assert results["fast"] == results["luigi"]
    assert results["fast"][0] == 2 * sum(range(count))
    assert len(results["fast"][2]) == (count + 1) * 6  # an output and five logs per task


def test_with_the_helper_off_no_helper_process_starts(tmp_path):
    log_writer.writer.close()  # whatever earlier tests started
    with isolated_workspace(tmp_path, kartwheel={"log_helper_process": False}) as workspace:
        run_task(SwitchedSum(count=INLINE_TASKS * 2))
        assert log_writer.writer._helper is None
        last = SwitchedLeaf(number=INLINE_TASKS * 2 - 1)
        log = workspace / "log" / "task_log" / f"SwitchedLeaf_{last.make_unique_id()}.pkl"
        assert pickle.loads(log.read_bytes()) == {"number": INLINE_TASKS * 2 - 1, "file_path": [last.output().path]}


def test_supplementary_logs_off_writes_no_logs_and_says_so(tmp_path):
    with isolated_workspace(tmp_path, kartwheel={"supplementary_logs": False}) as workspace:
        assert run_task(SwitchedSum(count=3)).output == 6
        assert not (workspace / "log").exists()
        with pytest.raises(
            kartwheel.LoadError, match=r"supplementary logs are switched off.*supplementary_logs = false"
        ):
            SwitchedLeaf(number=1).get_task_log()


@pytest.mark.slow
def test_the_switches_are_command_line_options_too(tmp_path):
    with isolated_workspace(tmp_path):
        with pytest.raises(SystemExit) as exit_info:
            kartwheel.run(
                [
                    "SwitchedSum",
                    "--count=2",
                    "--local-scheduler",
                    "--kartwheel-supplementary-logs",
                    "false",
                ]
            )
        assert exit_info.value.code == 0
        assert not (tmp_path / "resources" / "log").exists()
