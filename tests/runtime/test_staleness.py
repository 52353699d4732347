"""A result is never stale: a change anywhere upstream, however it is wired, reruns exactly what it reaches.

Each test builds, changes one thing (a default in code, a config section, a command-line option), builds
again, and checks both the result and which tasks ran.
"""

from __future__ import annotations

import collections
import textwrap
import warnings
from pathlib import Path

import kartwheel
import luigi
import pytest

from tests.processes import run_python

RUNS: collections.Counter = collections.Counter()


class Bottom(kartwheel.TaskOnKart[int]):
    offset = luigi.IntParameter(default=1)

    def run(self) -> None:
        RUNS["Bottom"] += 1
        self.dump(self.offset)


class Middle(kartwheel.TaskOnKart[int]):
    def requires(self):
        return Bottom()

    def run(self) -> None:
        RUNS["Middle"] += 1
        self.dump(self.load() * 10)


class Top(kartwheel.TaskOnKart[dict]):
    def requires(self):
        return {"middle": Middle(), "sibling": Sibling()}

    def run(self) -> None:
        RUNS["Top"] += 1
        self.dump(self.load())


class Sibling(kartwheel.TaskOnKart[str]):
    def run(self) -> None:
        RUNS["Sibling"] += 1
        self.dump("unrelated")


class Diamond(kartwheel.TaskOnKart[list]):
    def requires(self):
        return [Middle(), Left()]

    def run(self) -> None:
        RUNS["Diamond"] += 1
        self.dump(self.load())


class Left(kartwheel.TaskOnKart[int]):
    def requires(self):
        return Bottom()

    def run(self) -> None:
        RUNS["Left"] += 1
        self.dump(self.load() + 1)


@pytest.fixture(autouse=True)
def runs(workspace, fresh_luigi_config) -> collections.Counter:
    RUNS.clear()
    return RUNS


def edit_bottom_default(monkeypatch: pytest.MonkeyPatch, value: int) -> None:
    """What editing Bottom's source and reloading it does: a new class of the same family."""

    class Bottom(kartwheel.TaskOnKart[int]):
        offset = luigi.IntParameter(default=value)

        def run(self) -> None:
            RUNS["Bottom"] += 1
            self.dump(self.offset)

    Bottom.__module__ = __name__
    monkeypatch.setitem(globals(), "Bottom", Bottom)


def build_and_count(task: kartwheel.TaskOnKart) -> tuple[object, dict[str, int]]:
    RUNS.clear()
    result = kartwheel.build(task)
    return result, dict(RUNS)


def test_a_changed_default_in_code_reruns_the_chain_but_not_the_sibling(monkeypatch):
    assert build_and_count(Top()) == (
        {"middle": 10, "sibling": "unrelated"},
        {"Bottom": 1, "Middle": 1, "Top": 1, "Sibling": 1},
    )
    edit_bottom_default(monkeypatch, 2)
    assert build_and_count(Top()) == ({"middle": 20, "sibling": "unrelated"}, {"Bottom": 1, "Middle": 1, "Top": 1})


def test_a_changed_config_section_reruns_the_chain(tmp_path):
    assert build_and_count(Top())[0]["middle"] == 10
    (tmp_path / "param.ini").write_text("[Bottom]\noffset=3\n")
    kartwheel.add_config(tmp_path / "param.ini")
    assert build_and_count(Top()) == ({"middle": 30, "sibling": "unrelated"}, {"Bottom": 1, "Middle": 1, "Top": 1})


def test_going_back_to_an_earlier_value_reuses_the_earlier_results(tmp_path):
    build_and_count(Top())
    (tmp_path / "two.ini").write_text("[Bottom]\noffset=2\n")
    kartwheel.add_config(tmp_path / "two.ini")
    assert build_and_count(Top())[0]["middle"] == 20
    (tmp_path / "one.ini").write_text("[Bottom]\noffset=1\n")
    kartwheel.add_config(tmp_path / "one.ini")
    assert build_and_count(Top()) == ({"middle": 10, "sibling": "unrelated"}, {})


def test_a_diamond_reruns_both_sides_and_the_bottom_once(monkeypatch):
    assert build_and_count(Diamond()) == ([10, 2], {"Bottom": 1, "Middle": 1, "Left": 1, "Diamond": 1})
    edit_bottom_default(monkeypatch, 5)
    assert build_and_count(Diamond()) == ([50, 6], {"Bottom": 1, "Middle": 1, "Left": 1, "Diamond": 1})
    assert build_and_count(Diamond()) == ([50, 6], {})


def test_the_same_task_object_follows_a_config_change(tmp_path):
    top = Top()
    assert kartwheel.build(top)["middle"] == 10
    (tmp_path / "param.ini").write_text("[Bottom]\noffset=4\n")
    kartwheel.add_config(tmp_path / "param.ini")
    assert kartwheel.build(top)["middle"] == 40


SCRIPT = textwrap.dedent("""
    import sys

    import luigi

    import kartwheel


    class A(kartwheel.TaskOnKart):
        offset = luigi.IntParameter(default=int(sys.argv.pop(1)))

        def run(self):
            print("ran A")
            self.dump(self.offset)


    class B(kartwheel.TaskOnKart):
        def requires(self):
            return A()

        def run(self):
            print("ran B")
            self.dump(self.load() + 100)


    if sys.argv[1:2] == ["build"]:
        print(kartwheel.build(B()))
    else:
        kartwheel.run()
""")


def run_script(folder: Path, *args: str) -> list[str]:
    done = run_python("script.py", *args, cwd=folder)
    assert done.returncode == 0, done.stderr
    return done.stdout.split("\n")[:-1]


@pytest.mark.slow
def test_a_change_in_a_new_process_reruns_upstream_and_downstream(tmp_path):
    (tmp_path / "script.py").write_text(SCRIPT)
    assert run_script(tmp_path, "1", "build") == ["ran A", "ran B", "101"]
    assert run_script(tmp_path, "2", "build") == ["ran A", "ran B", "102"]
    assert run_script(tmp_path, "1", "build") == ["101"]


@pytest.mark.slow
def test_an_upstream_option_on_the_command_line_reruns_downstream(tmp_path):
    (tmp_path / "script.py").write_text(SCRIPT)
    assert run_script(tmp_path, "1", "B", "--local-scheduler") == ["ran A", "ran B"]
    assert run_script(tmp_path, "1", "B", "--local-scheduler") == []
    assert run_script(tmp_path, "1", "B", "--local-scheduler", "--A-offset", "5") == ["ran A", "ran B"]
    assert len(list((tmp_path / "resources" / "__main__").glob("B_*.pkl"))) == 2


class Yields(kartwheel.TaskOnKart[str]):
    """Finds its input while it runs: luigi's dynamic dependencies, which no hash can know beforehand."""

    def run(self):
        value = yield Sibling()
        self.dump(value.load() + "!")


def test_a_cached_task_that_yields_dependencies_warns_once():
    assert kartwheel.build(Yields()) == "unrelated!"
    with pytest.warns(kartwheel.DynamicDependencyWarning, match="Yields yields tasks from run"):
        assert kartwheel.build(Yields()) == "unrelated!"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert kartwheel.build(Yields()) == "unrelated!"
