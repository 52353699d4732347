"""Code is part of the cache: editing the user's code that a task runs reruns it (or says so), and nothing else.

Each test writes a small project into tmp_path (`deep.py` <- `mid.py` <- `tasks.py`: Fit.run() calls
mid.prepare, which calls deep.fit_line, two modules away), builds Score, edits a file, reloads the
modules and builds again under one `code_changes` policy.
"""

from __future__ import annotations

import importlib
import json
import pickle
import sys
import textwrap
import types
from collections.abc import Iterator
from pathlib import Path

import kartwheel
import pytest
from kartwheel._core import completeness
from kartwheel._core.code_source import class_fingerprint
from kartwheel._core.logs import code_record
from kartwheel._plan.plan import make_plan
from kartwheel.errors import ConfigError
from kartwheel.testing import isolated_config, isolated_workspace

DEEP = '''
import json


def fit_line(points):
    """Slope through the origin."""
    return sum(y for _, y in points) / max(len(points), 1)


def unrelated():
    return 1
'''

MID = """
from . import deep


def prepare(points):
    return deep.fit_line(points)
"""

TASKS = """
import kartwheel

from . import mid

RUNS = []


class Data(kartwheel.TaskOnKart):
    def run(self):
        RUNS.append("Data")
        self.dump([(1, 2), (2, 4)])


class Fit(kartwheel.TaskOnKart):
    def requires(self):
        return Data()

    def run(self):
        RUNS.append("Fit")
        self.dump(mid.prepare(self.load()))


class Score(kartwheel.TaskOnKart):
    def requires(self):
        return Fit()

    def run(self):
        RUNS.append("Score")
        self.dump(self.load() * 10)
"""


class Project:
    """A package `name` in `root`, written and (re)imported on demand."""

    def __init__(self, root: Path, name: str) -> None:
        self.root, self.name = root, name
        (root / name).mkdir()
        (root / name / "__init__.py").write_text("")
        self.files = {"deep": DEEP, "mid": MID, "tasks": TASKS}
        for module, text in self.files.items():
            self.write(module, text)

    def write(self, module: str, text: str) -> None:
        self.files[module] = text
        (self.root / self.name / f"{module}.py").write_text(textwrap.dedent(text))

    def edit(self, module: str, old: str, new: str) -> None:
        assert old in self.files[module]
        self.write(module, self.files[module].replace(old, new))

    def load(self) -> types.ModuleType:
        """Import (or reload, in order) deep, mid and tasks; returns tasks."""
        importlib.invalidate_caches()
        loaded = None
        for module in ("deep", "mid", "tasks"):
            full = f"{self.name}.{module}"
            loaded = importlib.reload(sys.modules[full]) if full in sys.modules else importlib.import_module(full)
        assert loaded is not None
        return loaded


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.syspath_prepend(str(tmp_path))
    name = f"codeproj_{abs(hash(tmp_path.name))}"
    yield Project(tmp_path, name)
    for module in [key for key in sys.modules if key == name or key.startswith(f"{name}.")]:
        del sys.modules[module]


def _build_score(project: Project, policy: str, tmp_path: Path) -> tuple[list[str], str]:
    """Load the project, build Score under `policy`; the tasks that ran and the plan's JSON before it."""
    tasks = project.load()
    tasks.RUNS.clear()
    with isolated_workspace(tmp_path / "work", kartwheel={"code_changes": policy}):
        plan = make_plan(tasks.Score())
        kartwheel.build(tasks.Score())
    return list(tasks.RUNS), json.dumps(plan.to_json())


def test_a_helper_two_modules_away_reruns_under_rerun(project: Project, tmp_path: Path) -> None:
    assert _build_score(project, "rerun", tmp_path)[0] == ["Data", "Fit", "Score"]
    project.edit("deep", "max(len(points), 1)", "max(len(points), 3)")
    ran, plan = _build_score(project, "rerun", tmp_path)
    assert ran == ["Fit", "Score"]
    assert f"code changed: fit_line ({project.name}/deep.py)" in plan
    assert _build_score(project, "rerun", tmp_path)[0] == []


def test_a_rerun_with_the_same_output_leaves_downstream_cached(project: Project, tmp_path: Path) -> None:
    _build_score(project, "rerun", tmp_path)
    project.edit("deep", "return sum(y for _, y in points)", "total = sum(y for _, y in points)\n    return total")
    ran, plan = _build_score(project, "rerun", tmp_path)
    assert ran == ["Fit"]  # same output: Score is cut off
    assert "waits on Fit" in plan
    assert _build_score(project, "rerun", tmp_path)[0] == []


def test_warn_keeps_the_outputs_and_names_the_task(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _build_score(project, "warn", tmp_path)
    capsys.readouterr()
    project.edit("deep", "max(len(points), 1)", "max(len(points), 3)")
    ran, plan = _build_score(project, "warn", tmp_path)
    assert ran == []
    assert "code changed: fit_line" in plan
    err = capsys.readouterr().err
    assert "Fit (fit_line" in err
    assert "code_changes = rerun" in err


def test_ignore_reruns_nothing_and_says_nothing(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _build_score(project, "ignore", tmp_path)
    project.edit("deep", "max(len(points), 1)", "max(len(points), 3)")
    ran, plan = _build_score(project, "ignore", tmp_path)
    assert ran == []
    assert "code changed" not in plan
    assert "kartwheel:" not in capsys.readouterr().err


def test_a_class_attribute_sets_the_policy_of_one_family(project: Project, tmp_path: Path) -> None:
    _build_score(project, "ignore", tmp_path)
    project.edit(
        "tasks", "class Fit(kartwheel.TaskOnKart):", "class Fit(kartwheel.TaskOnKart):\n    code_changes = 'rerun'"
    )
    project.edit("deep", "max(len(points), 1)", "max(len(points), 3)")
    assert _build_score(project, "ignore", tmp_path)[0] == ["Fit", "Score"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("def fit_line(points):", "def fit_line(points):  # a comment"),
        ('"""Slope through the origin."""', '"""The slope, through the origin."""'),
        ("    return sum(y for _, y in points)", "\n\n    return sum(\n        y for _, y in points\n    )"),
        ("def unrelated():\n    return 1", "def unrelated():\n    return 2"),
    ],
    ids=["comment", "docstring", "formatting", "unrelated-function"],
)
def test_edits_that_do_not_change_behaviour_change_nothing(
    project: Project, tmp_path: Path, old: str, new: str
) -> None:
    tasks = project.load()
    before = class_fingerprint(tasks.Fit)
    _build_score(project, "rerun", tmp_path)
    project.edit("deep", old, new)
    assert _build_score(project, "rerun", tmp_path)[0] == []
    assert class_fingerprint(project.load().Fit) == before


def _fingerprint_of(project: Project, tasks_text: str) -> dict[str, str]:
    project.write("tasks", tasks_text)
    return class_fingerprint(project.load().T).items


def test_installed_packages_and_the_standard_library_do_not_count(project: Project) -> None:
    items = _fingerprint_of(
        project,
        """
        import json
        import luigi
        import kartwheel

        class T(kartwheel.TaskOnKart):
            def run(self):
                self.dump(json.dumps(luigi.task.flatten([1])))
        """,
    )
    assert list(items) == [f"T.run ({project.name}/tasks.py)"]


def test_lambdas_closures_partials_and_class_constants(project: Project) -> None:
    text = """
        import functools
        import kartwheel

        SCALE = lambda x: x * 2

        def make_adder(n):
            def add(x):
                return x + n
            return add

        ADD = make_adder(3)

        def power(x, p):
            return x ** p

        SQUARE = functools.partial(power, p=2)

        class T(kartwheel.TaskOnKart):
            LIMIT = 10

            def run(self):
                self.dump(min(SQUARE(ADD(SCALE(1))), self.LIMIT))
        """
    items = _fingerprint_of(project, text)
    assert {"T.LIMIT", "power", "make_adder.<locals>.add", "<lambda>"} <= {name.split(" ")[0] for name in items}
    digest = class_fingerprint(project.load().T).digest
    for old, new in [
        ("x * 2", "x * 3"),
        ("make_adder(3)", "make_adder(4)"),
        ("p=2", "p=3"),
        ("LIMIT = 10", "LIMIT = 11"),
    ]:
        changed = _fingerprint_of(project, text.replace(old, new))
        assert changed != items, old
    assert class_fingerprint(project.load().T).digest != digest


def test_a_task_defined_by_exec_falls_back_to_bytecode(tmp_path: Path) -> None:
    def define(body: str) -> type:
        namespace: dict = {"kartwheel": kartwheel, "__name__": "notebook_cell"}
        source = f"class ExecTask(kartwheel.TaskOnKart):\n    def run(self):\n        self.dump({body})\n"
        exec(compile(source, "<cell>", "exec"), namespace)
        return namespace["ExecTask"]

    one, same, other = define("1 + 1"), define("1 + 1"), define("1 + 2")
    assert class_fingerprint(one) == class_fingerprint(same)
    assert class_fingerprint(one) != class_fingerprint(other)
    assert list(class_fingerprint(one).items) == ["ExecTask.run (<cell>)"]


def test_outputs_without_a_record_count_as_unchanged(project: Project, tmp_path: Path) -> None:
    _build_score(project, "rerun", tmp_path)
    for log in (tmp_path / "work" / "resources" / "log" / "processing_time").iterdir():
        log.write_bytes(pickle.dumps(pickle.loads(log.read_bytes())))  # the log as 0.3.0 wrote it: no record
    project.edit("deep", "max(len(points), 1)", "max(len(points), 3)")
    assert _build_score(project, "rerun", tmp_path)[0] == []


def test_output_names_do_not_change_and_the_record_is_a_log(project: Project, tmp_path: Path) -> None:
    _build_score(project, "rerun", tmp_path)
    names = sorted(path.name for path in (tmp_path / "work" / "resources").rglob("*.pkl") if "log" not in path.parts)
    project.edit("deep", "max(len(points), 1)", "max(len(points), 3)")
    _build_score(project, "rerun", tmp_path)
    after = sorted(path.name for path in (tmp_path / "work" / "resources").rglob("*.pkl") if "log" not in path.parts)
    assert names == after
    logs = list((tmp_path / "work" / "resources" / "log" / "processing_time").glob("Fit_*.pkl"))
    assert isinstance(pickle.loads(logs[0].read_bytes()), float)  # gokart's readers see the processing time
    record_json = code_record(logs[0].read_bytes())
    assert record_json is not None
    record = json.loads(record_json)
    assert set(record) == {"code", "items", "output", "inputs"}
    assert any(name.startswith("fit_line") for name in record["items"])


def test_an_invalid_policy_is_a_config_error_naming_the_choices() -> None:
    with pytest.raises(ConfigError, match="rerun, warn, ignore"), isolated_config({"kartwheel": {"code_changes": "x"}}):
        pass
    assert completeness.POLICIES == ("rerun", "warn", "ignore")
