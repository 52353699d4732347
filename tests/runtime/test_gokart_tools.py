"""kartwheel's logs as the real tools read them: gokart 1.12.2's `TaskOnKart.restore` and thunderbolt 0.1.2.

Both are installed by `.ci/run` in the main environment; without them these tests are skipped, saying so.
"""

from __future__ import annotations

import pytest

gokart = pytest.importorskip("gokart", reason="gokart is not installed (.ci/run installs gokart==1.12.2)")
thunderbolt = pytest.importorskip("thunderbolt", reason="thunderbolt is not installed (.ci/run installs 0.1.2)")

import kartwheel  # noqa: E402
import luigi  # noqa: E402

from tests.runtime.tasks_for_tests import Collect, First, Link, pipeline  # noqa: E402

# gokart registers its log writers on every luigi task (`luigi.Task.event_handler` in its class body);
# on kartwheel's tasks they only fail and log errors, in every test that runs after this module's import.
for _handlers in luigi.Task._event_callbacks.get(luigi.Task, {}).values():
    for _handler in [handler for handler in _handlers if getattr(handler, "__module__", "").startswith("gokart")]:
        _handlers.discard(_handler)


def _gokart_restore(task_class: type, unique_id: str):
    """gokart's own `restore`, run on a kartwheel class: it reads `./resources/log/task_params/` with dill."""
    return gokart.TaskOnKart.restore.__func__(task_class, unique_id)


def test_gokarts_restore_rebuilds_kartwheel_tasks(workspace):
    last = pipeline("./resources")
    collect = Collect(parts=[First(value=2), First(value=3)])
    kartwheel.build([last, collect])
    for task in (last, last.middle, last.middle.first, collect):
        restored = _gokart_restore(type(task), task.make_unique_id())
        assert type(restored) is type(task)
        assert restored.make_unique_id() == task.make_unique_id()


def test_gokarts_own_parameter_stops_at_the_stub_beyond_the_nesting_kartwheel_writes(workspace):
    """gokart's restore of a kartwheel class parses with kartwheel's parameters, at any depth; gokart's own
    TaskInstanceParameter (a class of gokart's reading the log) cannot rebuild a task written as a stub."""
    import bz2
    import json

    from kartwheel._core.logs import NESTED_TASKS

    chain = None
    for index in range(NESTED_TASKS + 2):
        chain = Link(previous=chain, index=index)
    kartwheel.build(chain)
    assert _gokart_restore(Link, chain.make_unique_id()).make_unique_id() == chain.make_unique_id()
    text = chain.make_target(f"log/task_params/Link_{chain.make_unique_id()}.pkl", use_unique_id=False).load()
    text = text["previous"]
    for _ in range(NESTED_TASKS):
        text = json.loads(bz2.decompress(bytes.fromhex(json.loads(text)["params"])).decode())["previous"]
    assert "params" not in json.loads(text)
    with pytest.raises(KeyError, match="params"):
        gokart.TaskInstanceParameter().parse(text)
    assert (
        kartwheel.TaskInstanceParameter().parse(text).make_unique_id()
        == chain.previous.previous.previous.previous.make_unique_id()
    )


def test_thunderbolt_lists_and_loads_kartwheel_tasks(workspace):
    last = pipeline("./resources")
    kartwheel.build(last)
    board = thunderbolt.Thunderbolt("./resources", use_cache=False)
    tasks = board.get_task_df()
    assert sorted(tasks["task_name"]) == ["First", "Last", "Middle"]
    loaded = {row.task_name: board.load(row.task_id) for row in tasks.itertuples()}
    assert loaded == {"First": 1, "Middle": 10, "Last": "result=10"}
