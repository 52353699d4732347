"""The command line: a script ending in kartwheel.run(), exit codes, one-line answers to mistakes."""

from __future__ import annotations

import pickle
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.processes import run_python

SAMPLE = textwrap.dedent("""
    import luigi

    import kartwheel


    class SampleTask(kartwheel.TaskOnKart):
        param = luigi.Parameter()
        count = luigi.IntParameter(default=1)
        no_lock_like = luigi.BoolParameter(default=False)

        def run(self):
            self.dump(self.param * self.count)


    class Broken(kartwheel.TaskOnKart):
        def run(self):
            raise ValueError("broken on purpose")


    class Lazy(kartwheel.TaskOnKart):
        def run(self):
            pass


    class RawInput(luigi.ExternalTask):
        def output(self):
            return luigi.LocalTarget("no-such-input.csv")


    class NeedsRawInput(kartwheel.TaskOnKart):
        def requires(self):
            return RawInput()

        def run(self):
            self.dump(1)


    if __name__ == "__main__":
        kartwheel.run()
""")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "sample.py").write_text(SAMPLE)
    return tmp_path


def run_sample(project: Path, *args: str) -> subprocess.CompletedProcess:
    return run_python("sample.py", *args, cwd=project)


def outputs(project: Path) -> list[Path]:
    return sorted((project / "resources").glob("__main__/*.pkl"))


def test_script_runs_task_with_parameter(project):
    done = run_sample(project, "SampleTask", "--local-scheduler", "--param=hello", "--count=2")
    assert done.returncode == 0, done.stderr
    assert "1 task: 1 ran, 0 cached, 0 failed" in done.stderr
    [output] = outputs(project)
    assert output.name.startswith("SampleTask_")
    with open(output, "rb") as file:
        assert pickle.load(file) == "hellohello"


LUIGI_INFO_LINES = ("Informed scheduler that task", "Done scheduling tasks", "Luigi Execution Summary")


def test_luigi_s_info_lines_go_to_the_log_file_and_the_console_shows_kartwheel_s(project):
    done = run_sample(project, "SampleTask", "--local-scheduler", "--param=x")
    assert done.returncode == 0, done.stderr
    assert not [line for line in LUIGI_INFO_LINES if line in done.stderr]
    assert "INFO" not in done.stderr and "Worker" not in done.stderr
    assert "1 task: 1 ran, 0 cached, 0 failed" in done.stderr
    assert done.stderr.strip().splitlines()[-1] == "root complete: 1 tasks, 1 run here, 0 by other workers"
    log = (project / "resources" / "log" / "luigi.log").read_text(encoding="utf-8")
    assert all(line in log for line in LUIGI_INFO_LINES)
    assert "* 1 ran successfully" in log and "logging disabled" not in log


def test_verbose_shows_luigi_s_info_lines_on_the_console(project):
    done = run_sample(project, "SampleTask", "--local-scheduler", "--param=x", "--verbose")
    assert done.returncode == 0, done.stderr
    assert all(line in done.stderr for line in LUIGI_INFO_LINES)
    assert "INFO: Done scheduling tasks" in done.stderr and "logging disabled" not in done.stderr
    assert (project / "resources" / "log" / "luigi.log").exists()


def test_warnings_and_errors_reach_the_console(project):
    done = run_sample(project, "Broken", "--local-scheduler")
    assert "ERROR: [pid" in done.stderr and "broken on purpose" in done.stderr
    assert "Informed scheduler" not in done.stderr


LOGGING_INI = """
[loggers]
keys=root,luigi_interface

[handlers]
keys=console

[formatters]
keys=plain

[logger_root]
level=WARNING
handlers=console

[logger_luigi_interface]
level=INFO
handlers=console
qualname=luigi-interface
propagate=0

[handler_console]
class=StreamHandler
level=INFO
formatter=plain
args=(sys.stderr,)

[formatter_plain]
format=from the config: %(message)s
"""


def test_a_logging_config_file_that_names_luigi_s_logger_shows_its_lines(project):
    (project / "logging.ini").write_text(LOGGING_INI, encoding="utf-8")
    done = run_sample(project, "SampleTask", "--local-scheduler", "--param=x", "--logging-conf-file=logging.ini")
    assert done.returncode == 0, done.stderr
    assert "from the config: Done scheduling tasks" in done.stderr
    missing = run_sample(project, "SampleTask", "--local-scheduler", "--param=x", "--logging-conf-file=none.ini")
    assert missing.returncode == 2
    assert missing.stderr.strip() == "error: the logging config file none.ini does not exist (--logging-conf-file)"


def test_run_with_argument_list(project):
    code = "import sample, kartwheel; kartwheel.run(['SampleTask', '--local-scheduler', '--param=hi'])"
    done = run_python("-c", code, cwd=project)
    assert done.returncode == 0, done.stderr
    assert len(list((project / "resources").glob("sample/SampleTask_*.pkl"))) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["SampleTaks", "--local-scheduler"], "unknown task 'SampleTaks'; did you mean SampleTask?"),
        (["SampleTask", "--local-scheduler", "--param=x", "--cout=2"], "no parameter --cout; did you mean --count"),
        (["SampleTask", "--local-scheduler", "--param=x", "--count=abc"], "--count=abc: not a valid int"),
        (["SampleTask", "--local-scheduler", "--param=x", "--n"], "no parameter --n"),
    ],
    ids=["unknown-task", "unknown-parameter", "bad-int", "abbreviation"],
)
def test_mistakes_get_one_line_and_exit_2(project, args, message):
    done = run_sample(project, *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 2
    assert not (project / "resources").exists()


def test_failed_task_exits_non_zero(project):
    done = run_sample(project, "Broken", "--local-scheduler")
    assert done.returncode == 40
    assert "broken on purpose" in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "root not complete: 1 task(s) failed (or lost their worker): Broken()"
    )


@pytest.mark.slow
def test_success_says_what_ran_here_and_a_rerun_exits_0(project):
    first = run_sample(project, "SampleTask", "--local-scheduler", "--param=x")
    assert first.returncode == 0, first.stderr
    assert first.stderr.strip().splitlines()[-1] == "root complete: 1 tasks, 1 run here, 0 by other workers"
    again = run_sample(project, "SampleTask", "--local-scheduler", "--param=x")
    assert again.returncode == 0, again.stderr
    assert again.stderr.strip().splitlines()[-1] == (
        "root complete: 1 tasks, 0 run here, 0 by other workers, 1 already complete"
    )


def test_missing_input_exits_20_naming_it(project):
    done = run_sample(project, "NeedsRawInput", "--local-scheduler")
    assert done.returncode == 20
    assert "root not complete: missing input RawInput()" in done.stderr


def test_task_that_dumps_nothing_fails(project):
    done = run_sample(project, "Lazy", "--local-scheduler")
    assert done.returncode == 40
    assert "without writing" in done.stderr


def test_console_script_runs_a_module_task(project):
    done = run_python(
        "-m", "kartwheel", "SampleTask", "--module", "sample", "--local-scheduler", "--param=m", cwd=project
    )
    assert done.returncode == 0, done.stderr
    assert len(list((project / "resources").glob("sample/SampleTask_*.pkl"))) == 1


def test_console_script_help():
    done = run_python("-m", "kartwheel", "--help")
    assert done.returncode == 0
    assert "kartwheel new" in done.stdout


def test_a_root_task_option_that_prefixes_luigis_options_is_not_ambiguous(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "prefixed.py").write_text(
        "import kartwheel, luigi\n\n\nclass Prefixed(kartwheel.TaskOnKart[int]):\n"
        "    p = luigi.IntParameter(default=0)\n\n    def run(self):\n        self.dump(self.p)\n"
    )
    code = "import prefixed, kartwheel; kartwheel.run(['Prefixed', '--local-scheduler', '--p', '3'])"
    done = run_python("-c", code, cwd=tmp_path)
    assert done.returncode == 0, done.stderr  # luigi's own parser would stop: --p could match --parallel-...
    [output] = (tmp_path / "resources" / "prefixed").glob("Prefixed_*.pkl")
    assert pickle.loads(output.read_bytes()) == 3


def test_two_classes_of_one_family_get_one_line_naming_both(tmp_path):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "__init__.py").write_text("")
    for module in ("a", "b"):
        (tmp_path / "demo" / f"{module}.py").write_text(
            "import kartwheel\n\n\nclass Fit(kartwheel.TaskOnKart):\n    task_namespace = 'demo'\n\n"
            "    def run(self):\n        self.dump(1)\n"
        )
    (tmp_path / "main.py").write_text("import demo.a, demo.b, kartwheel\n\nkartwheel.run()\n")
    done = run_python("main.py", "demo.Fit", cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert "demo.a.Fit and demo.b.Fit" in line
    assert "rename one" in line and "task_namespace" in line
    assert not (tmp_path / "resources").exists()
