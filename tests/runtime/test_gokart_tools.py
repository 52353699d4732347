"""kartwheel's logs as the real tools read them: gokart 1.12.2's `TaskOnKart.restore` and thunderbolt 0.1.2.

Both are installed by `.ci/run` in the main environment; without them these tests are skipped, saying so.
Each check runs in a process of its own: importing gokart registers its own task classes (`tree_info`,
`test_run`, ...) and log writers with luigi, which would change every test run after it in this process.
"""

from __future__ import annotations

import importlib.util
import os
import textwrap
from pathlib import Path

import pytest

from tests.processes import run_python

for _package, _version in (("gokart", "gokart==1.12.2"), ("thunderbolt", "thunderbolt==0.1.2")):
    if importlib.util.find_spec(_package) is None:
        pytest.skip(f"{_package} is not installed (.ci/run installs {_version})", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]

CHECKS = textwrap.dedent(
    """
    import bz2, json, sys

    import gokart, kartwheel, luigi, pytest, thunderbolt
    from tests.runtime.tasks_for_tests import Collect, First, Link, pipeline

    def gokart_restore(task_class, unique_id):
        # gokart's own restore, run on a kartwheel class: it reads ./resources/log/task_params/ with dill.
        return gokart.TaskOnKart.restore.__func__(task_class, unique_id)

    def restore():
        last = pipeline("./resources")
        collect = Collect(parts=[First(value=2), First(value=3)])
        kartwheel.build([last, collect])
        for task in (last, last.middle, last.middle.first, collect):
            restored = gokart_restore(type(task), task.make_unique_id())
            assert type(restored) is type(task), restored
            assert restored.make_unique_id() == task.make_unique_id()

    def nesting():
        from kartwheel._core.logs import NESTED_TASKS

        chain = None
        for index in range(NESTED_TASKS + 2):
            chain = Link(previous=chain, index=index)
        kartwheel.build(chain)
        assert gokart_restore(Link, chain.make_unique_id()).make_unique_id() == chain.make_unique_id()
        text = chain.make_target(f"log/task_params/Link_{chain.make_unique_id()}.pkl", use_unique_id=False).load()
        text = text["previous"]
        for _ in range(NESTED_TASKS):
            text = json.loads(bz2.decompress(bytes.fromhex(json.loads(text)["params"])).decode())["previous"]
        assert "params" not in json.loads(text)
        with pytest.raises(KeyError, match="params"):
            gokart.TaskInstanceParameter().parse(text)
        expected = chain.previous.previous.previous.previous.make_unique_id()
        assert kartwheel.TaskInstanceParameter().parse(text).make_unique_id() == expected

    def listing():
        last = pipeline("./resources")
        kartwheel.build(last)
        board = thunderbolt.Thunderbolt("./resources", use_cache=False)
        tasks = board.get_task_df()
        assert sorted(tasks["task_name"]) == ["First", "Last", "Middle"], tasks
        loaded = {row.task_name: board.load(row.task_id) for row in tasks.itertuples()}
        assert loaded == {"First": 1, "Middle": 10, "Last": "result=10"}, loaded

    globals()[sys.argv[1]]()
    print("ok")
    """
)


def _check(name: str, folder: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = run_python("-c", CHECKS, name, cwd=folder, env=env)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stdout + done.stderr


def test_gokarts_restore_rebuilds_kartwheel_tasks(tmp_path):
    _check("restore", tmp_path)


def test_gokarts_own_parameter_stops_at_the_stub_beyond_the_nesting_kartwheel_writes(tmp_path):
    """gokart's restore of a kartwheel class parses with kartwheel's parameters, at any depth; gokart's own
    TaskInstanceParameter (a class of gokart's reading the log) cannot rebuild a task written as a stub."""
    _check("nesting", tmp_path)


def test_thunderbolt_lists_and_loads_kartwheel_tasks(tmp_path):
    _check("listing", tmp_path)
