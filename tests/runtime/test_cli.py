"""The command line: a script ending in kartwheel.run(), exit codes, one-line answers to mistakes."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

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
    return subprocess.run(
        [sys.executable, "sample.py", *args], cwd=project, capture_output=True, text=True, timeout=120
    )


def outputs(project: Path) -> list[Path]:
    return sorted((project / "resources").glob("__main__/*.pkl"))


def test_script_runs_task_with_parameter(project):
    done = run_sample(project, "SampleTask", "--local-scheduler", "--param=hello", "--count=2")
    assert done.returncode == 0, done.stderr
    assert "1 ran successfully" in done.stderr
    [output] = outputs(project)
    assert output.name.startswith("SampleTask_")
    with open(output, "rb") as file:
        assert pickle.load(file) == "hellohello"


def test_run_with_argument_list(project):
    code = "import sample, kartwheel; kartwheel.run(['SampleTask', '--local-scheduler', '--param=hi'])"
    done = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True, timeout=120)
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
    done = subprocess.run(
        [sys.executable, "-m", "kartwheel", "SampleTask", "--module", "sample", "--local-scheduler", "--param=m"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert len(list((project / "resources").glob("sample/SampleTask_*.pkl"))) == 1


def test_console_script_help():
    done = subprocess.run([sys.executable, "-m", "kartwheel", "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert "kartwheel new" in done.stdout


def test_a_root_task_option_that_prefixes_luigis_options_is_not_ambiguous(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "prefixed.py").write_text(
        "import kartwheel, luigi\n\n\nclass Prefixed(kartwheel.TaskOnKart[int]):\n"
        "    p = luigi.IntParameter(default=0)\n\n    def run(self):\n        self.dump(self.p)\n"
    )
    code = "import prefixed, kartwheel; kartwheel.run(['Prefixed', '--local-scheduler', '--p', '3'])"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
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
    done = subprocess.run(
        [sys.executable, "main.py", "demo.Fit"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert "demo.a.Fit and demo.b.Fit" in line
    assert "rename one" in line and "task_namespace" in line
    assert not (tmp_path / "resources").exists()
