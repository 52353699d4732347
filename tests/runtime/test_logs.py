"""The quickstart and the five supplementary logs, as a gokart user reads them and as they are written."""

from __future__ import annotations

import pickle
import re
import textwrap
from pathlib import Path

import kartwheel
from kartwheel._core.logs import module_versions

from tests.processes import run_python
from tests.runtime.tasks_for_tests import First, Random, pipeline

QUICKSTART = """
import kartwheel

class Example(kartwheel.TaskOnKart):
    def run(self):
        self.dump('Hello, world!')

task = Example()
output = kartwheel.build(task)
print(output)
"""


def read_pickle(path: Path):
    with open(path, "rb") as file:
        return pickle.load(file)


def test_quickstart_script_writes_output_and_five_logs(tmp_path):
    (tmp_path / "quickstart.py").write_text(QUICKSTART)
    done = run_python("quickstart.py", cwd=tmp_path, check=True)
    assert done.stdout == "Hello, world!\n"
    resources = tmp_path / "resources"
    files = sorted(str(path.relative_to(resources)) for path in resources.rglob("*") if path.is_file())
    names = {re.sub(r"_[0-9a-f]{32}\.", "_<hash>.", name) for name in files}
    assert names == {
        "__main__/Example_<hash>.pkl",
        "log/module_versions/Example_<hash>.txt",
        "log/processing_time/Example_<hash>.pkl",
        "log/random_seed/Example_<hash>.pkl",
        "log/task_log/Example_<hash>.pkl",
        "log/task_params/Example_<hash>.pkl",
    }
    assert len({re.search(r"[0-9a-f]{32}", name).group() for name in files}) == 1, "one hash names them all"
    assert read_pickle(next(resources.glob("__main__/Example_*.pkl"))) == "Hello, world!"
    assert isinstance(read_pickle(next(resources.glob("log/processing_time/*.pkl"))), float)
    seed = read_pickle(next(resources.glob("log/random_seed/*.pkl")))
    assert set(seed) == {"seed", "seed_methods"} and isinstance(seed["seed"], int)
    assert seed["seed_methods"][0] == "random.seed"
    assert read_pickle(next(resources.glob("log/task_params/*.pkl"))) == {}
    assert read_pickle(next(resources.glob("log/task_log/*.pkl"))) == {}
    versions = next(resources.glob("log/module_versions/*.txt")).read_text()
    assert versions == f"kartwheel=={kartwheel.__version__}\n"


def test_getters_read_back_what_the_task_logged(workspace):
    task = Random(name="b", workspace_directory=workspace)
    kartwheel.build(task)
    assert task.get_task_log() == {"drew": "random"}
    assert task.get_task_params() == {"name": "b"}
    assert task.get_processing_time() >= 0.0
    assert task.get_random_seed()["seed"] == int(task.make_unique_id()[:8], 16)


def test_task_params_log_names_upstream_tasks(workspace):
    last = pipeline(workspace)
    kartwheel.build(last)
    assert last.middle.get_task_params() == {
        "first": f"First_{last.middle.first.make_unique_id()}",
        "factor": 10,
    }


def test_random_seed_is_deterministic_per_task(workspace):
    first = kartwheel.build(Random(name="x", workspace_directory=workspace))
    again = kartwheel.build(Random(name="x", workspace_directory=workspace, rerun=True))
    other = kartwheel.build(Random(name="y", workspace_directory=workspace))
    assert first == again
    assert first != other


def test_fixed_seed_value_is_used(workspace):
    task = Random(name="z", workspace_directory=workspace, fix_random_seed_value=42)
    kartwheel.build(task)
    assert task.get_random_seed()["seed"] == 42
    import random

    random.seed(42)
    assert task.output().load() == random.random()


def test_numpy_is_seeded_when_installed(workspace):
    import numpy as np

    class DrawNumpy(kartwheel.TaskOnKart):
        def run(self):
            self.dump(float(np.random.rand()))

    task = DrawNumpy(workspace_directory=workspace, fix_random_seed_value=7)
    value = kartwheel.build(task)
    np.random.seed(7)
    assert value == float(np.random.rand())
    assert task.get_random_seed()["seed_methods"] == ["random.seed", "numpy.random.seed"]


def test_module_versions_lists_third_party_imports_only(tmp_path, monkeypatch):
    module = tmp_path / "uses_luigi_module.py"
    module.write_text(
        textwrap.dedent("""
        import json
        import os.path
        import luigi
        from numpy import array
        import kartwheel
    """)
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    __import__("uses_luigi_module")
    import luigi
    import numpy

    lines = module_versions("uses_luigi_module").splitlines()
    assert lines == [
        f"kartwheel=={kartwheel.__version__}",
        f"luigi=={luigi.__version__}",
        f"numpy=={numpy.__version__}",
    ]


def test_logs_are_not_written_for_a_task_that_did_not_run(workspace):
    task = First(workspace_directory=workspace)
    assert not Path(workspace, "log").exists()
    kartwheel.build(task)
    log_files = list(Path(workspace, "log").rglob("*"))
    kartwheel.build(task)
    assert list(Path(workspace, "log").rglob("*")) == log_files


def test_write_logs_takes_plain_data(tmp_path):
    from kartwheel._core.logs import write_logs
    from kartwheel._storage import log_writer

    write_logs(
        str(tmp_path),
        "Plain_0123abcd",
        module="json",
        processing_time=1.5,
        seed={"seed": 7, "seed_methods": ["random.seed"]},
        task_log={"rows": 3},
        params={"size": 2},
    )
    log_writer.writer.flush()
    logs = tmp_path / "log"
    assert read_pickle(logs / "processing_time" / "Plain_0123abcd.pkl") == 1.5
    assert read_pickle(logs / "random_seed" / "Plain_0123abcd.pkl") == {"seed": 7, "seed_methods": ["random.seed"]}
    assert read_pickle(logs / "task_log" / "Plain_0123abcd.pkl") == {"rows": 3}
    assert read_pickle(logs / "task_params" / "Plain_0123abcd.pkl") == {"size": 2}
    assert (logs / "module_versions" / "Plain_0123abcd.txt").read_text() == ""  # json is in the standard library
