"""The quickstart and the five supplementary logs, as a gokart user reads them and as they are written."""

from __future__ import annotations

import pickle
import re
import textwrap
from pathlib import Path

import kartwheel
import kartwheel.target
import luigi
import luigi.task
import pytest
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
    [output] = resources.glob("__main__/Example_*.pkl")
    assert read_pickle(next(resources.glob("log/task_log/*.pkl"))) == {
        "file_path": [f"./resources/__main__/{output.name}"]  # as gokart writes it, for thunderbolt
    }
    versions = next(resources.glob("log/module_versions/*.txt")).read_text()
    assert versions == f"kartwheel=={kartwheel.__version__}\n"


def test_getters_read_back_what_the_task_logged(workspace):
    task = Random(name="b", workspace_directory=workspace)
    kartwheel.build(task)
    assert task.get_task_log() == {"drew": "random", "file_path": [str(task.output().path)]}
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


def _save_model(obj, path):
    with open(path, "wb") as file:
        pickle.dump(obj, file)


def _load_model(path):
    with open(path, "rb") as file:
        return pickle.load(file)


class Outputs(kartwheel.TaskOnKart):
    """One task per kind of output, to read back as thunderbolt does."""

    kind = luigi.Parameter()

    def output(self):
        if self.kind == "csv":
            return self.make_target("outputs/table.csv")
        if self.kind == "dict":
            return {"first": self.make_target("outputs/first.pkl"), "second": self.make_target("outputs/second.txt")}
        if self.kind == "model":
            return self.make_model_target("outputs/model.zip", save_function=_save_model, load_function=_load_model)
        return self.make_target("outputs/plain.pkl")

    def run(self):
        self.task_log["mine"] = 1
        if self.kind == "csv":
            import pandas as pd

            self.dump(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}))
        elif self.kind == "dict":
            self.dump({"k": [1, 2]}, "first")
            self.dump(["line one", "line two"], "second")
        else:
            self.dump({"model": self.kind})


def _thunderbolt_load(workspace: Path, file_path: str):
    """What thunderbolt does with a path of `file_path`: unzip a model and call its load function, else
    `make_target(path).load()`; a relative path is relative to the current folder here."""
    import zipfile

    if file_path.endswith(".zip"):
        unpacked = workspace.parent / "unpacked"
        zipfile.ZipFile(file_path).extractall(unpacked)
        load_function = read_pickle(unpacked / "load_function.pkl")
        return load_function(str(unpacked / "model.pkl"))
    return kartwheel.target.make_target(file_path).load()


@pytest.mark.parametrize("kind", ["pkl", "csv", "dict", "model"])
def test_task_log_holds_gokarts_file_path_list_that_loads_what_was_dumped(workspace, kind):
    if kind == "csv":
        pytest.importorskip("pandas")
    task = Outputs(kind=kind, workspace_directory="./resources")
    dumped = kartwheel.build(task)
    [log_file] = Path(workspace).glob("log/task_log/Outputs_*.pkl")
    task_log = read_pickle(log_file)  # thunderbolt: plain pickle.load
    outputs = luigi.task.flatten(task.output())
    assert task_log == {"mine": 1, "file_path": [str(target.path) for target in outputs]}
    assert all(type(path) is str and path.startswith("./resources/") for path in task_log["file_path"])
    loaded = [_thunderbolt_load(Path(workspace), path) for path in task_log["file_path"]]
    if kind == "dict":
        assert loaded == [dumped["first"], dumped["second"]]
    elif kind == "csv":
        assert loaded[0].equals(dumped)
    else:
        assert loaded == [dumped]
