"""`--plan`, `--graph`, `--help` and the other answers of the command line that run nothing."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.processes import run_python

PROJECT = textwrap.dedent('''
    import luigi

    import kartwheel


    class Numbers(kartwheel.TaskOnKart):
        """The numbers to work on."""

        task_namespace = "pkg"
        count = luigi.IntParameter(default=3)

        def run(self):
            self.dump(list(range(self.count)))


    class Scaled(kartwheel.TaskOnKart):
        """Numbers times a factor.

        More text that --help leaves out.
        """

        task_namespace = "pkg"
        factor = luigi.FloatParameter(default=2.0)

        def requires(self):
            return {"a": Numbers(), "b": Numbers(count=4)}

        def run(self):
            self.dump([value * self.factor for value in self.load("a") + self.load("b")])


    class Summary(kartwheel.TaskOnKart):
        task_namespace = "pkg"
        factor = luigi.FloatParameter(default=2.0)

        def requires(self):
            return [Scaled(factor=self.factor), Numbers()]

        def run(self):
            self.dump(sum(self.load()[0]))


    class Raw(luigi.ExternalTask):
        task_namespace = "pkg"

        def output(self):
            return luigi.LocalTarget("raw.csv")


    class FromRaw(kartwheel.TaskOnKart):
        task_namespace = "pkg"

        def requires(self):
            return Raw()

        def run(self):
            self.dump(1)


    if __name__ == "__main__":
        kartwheel.run()
''')


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "main.py").write_text(PROJECT)
    return tmp_path


def main(project: Path, *args: str) -> subprocess.CompletedProcess:
    return run_python("main.py", *args, cwd=project)


def test_plan_prints_a_tree_with_reasons_and_counts_and_writes_nothing(project):
    done = main(project, "pkg.Summary", "--plan")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "▶ pkg.Summary(factor=2.0)  will run: new"
    assert lines[1] == "  ▶ pkg.Scaled(factor=2.0)  will run: new"
    assert lines[2] == "    ▶ pkg.Numbers(count=3)  will run: new"
    assert lines[3] == "    ▶ pkg.Numbers(count=4)  will run: new"
    assert lines[4] == "  ▶ pkg.Numbers (shown above)"
    assert lines[-1] == "4 tasks: 4 will run"
    assert not (project / "resources").exists()


@pytest.mark.slow
def test_plan_after_a_run_and_a_change(project):
    assert main(project, "pkg.Summary", "--no-progress").returncode == 0
    assert main(project, "pkg.Summary", "--plan").stdout.splitlines()[-1] == "4 tasks: 4 cached"
    lines = main(project, "pkg.Summary", "--factor", "3", "--plan").stdout.splitlines()
    assert lines[0] == "▶ pkg.Summary(factor=3.0)  will run: factor: 2.0 -> 3.0"
    assert lines[-1] == "4 tasks: 2 cached, 2 will run"


def test_plan_as_json_follows_the_documented_schema(project):
    done = main(project, "pkg.Summary", "--plan", "--format", "json")
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    tasks = {task["task_id"]: task for task in plan["tasks"]}
    [root] = plan["roots"]
    assert set(tasks[root]) == {"task_id", "family", "params", "status", "reason", "outputs", "requires"}
    assert tasks[root]["family"] == "pkg.Summary" and tasks[root]["params"] == {"factor": "2.0"}
    assert tasks[root]["outputs"][0].endswith(".pkl")
    assert [tasks[dep]["family"] for dep in tasks[root]["requires"]] == ["pkg.Scaled", "pkg.Numbers"]
    assert len(tasks) == 4


def test_a_missing_external_input_makes_plan_exit_1(project):
    done = main(project, "pkg.FromRaw", "--plan")
    assert done.returncode == 1
    assert "⊘ pkg.Raw()  blocked: missing input: raw.csv" in done.stdout
    (project / "raw.csv").write_text("x")
    assert main(project, "pkg.FromRaw", "--plan").returncode == 0


@pytest.mark.parametrize("name", ["graph.html", "graph.dot", "graph.mmd", "graph.json"])
def test_graph_files(project, name):
    done = main(project, "pkg.Summary", "--graph", f"out/{name}")
    assert done.returncode == 0, done.stderr
    text = (project / "out" / name).read_text(encoding="utf-8")
    assert not (project / "resources").exists()
    if name.endswith(".html"):
        assert "pkg.Scaled" in text and "<svg" in text
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "") and "https://" not in text
    elif name.endswith(".dot"):
        assert text.startswith("digraph plan {") and text.count(" -> ") == 4
    elif name.endswith(".mmd"):
        assert text.startswith("flowchart LR") and text.count(" --> ") == 4
    else:
        assert len(json.loads(text)["tasks"]) == 4


@pytest.mark.slow
def test_unknown_graph_kind_and_format_are_refused(project):
    done = main(project, "pkg.Summary", "--graph", "x.png")
    assert done.returncode == 2 and "end its name with one of .html" in done.stderr
    done = main(project, "pkg.Summary", "--plan", "--format", "yaml")
    assert done.returncode == 2 and "--format yaml: unknown; choose one of text, json" in done.stderr
    done = main(project, "pkg.Summary", "--format", "json")
    assert done.returncode == 2 and "add --plan" in done.stderr


def test_help_lists_the_tasks_with_the_first_docstring_line(project):
    done = main(project, "--help")
    assert done.returncode == 0, done.stderr
    assert "  pkg.Numbers  The numbers to work on." in done.stdout
    assert "  pkg.Scaled   Numbers times a factor." in done.stdout
    assert "More text" not in done.stdout
    assert "pkg.Raw" not in done.stdout, "external tasks cannot be run"
    assert "TaskOnKart" not in done.stdout


def test_no_task_says_how_to_list_them(project):
    done = main(project)
    assert done.returncode == 2
    assert done.stderr.strip() == "error: name a task to run; `python main.py --help` lists them"


def test_a_bare_class_name_gets_its_family_suggested(project):
    done = main(project, "Summary", "--plan")
    assert done.returncode == 2
    assert "unknown task 'Summary'; did you mean pkg.Summary?" in done.stderr


def test_runs_on_the_local_scheduler_by_default(project):
    done = main(project, "pkg.Numbers", "--no-progress")
    assert done.returncode == 0, done.stderr
    assert len(list((project / "resources" / "__main__").glob("Numbers_*.pkl"))) == 1


def test_a_misspelt_option_of_kartwheel_is_suggested(project):
    done = main(project, "pkg.Summary", "--plna")
    assert done.returncode == 2 and "no parameter --plna; did you mean --plan?" in done.stderr


def test_plan_of_a_task_that_cannot_be_created_is_one_line(project):
    done = main(project, "pkg.Summary", "--factor", "abc", "--plan")
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
