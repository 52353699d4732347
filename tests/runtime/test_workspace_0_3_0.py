"""A workspace kartwheel 0.3.0 wrote is still read by this version, and counted as cached: nothing reruns.

`workspace_0_3_0/resources/` holds the outputs and logs of `workspace_0_3_0/tasks.py`'s graph as 0.3.0 wrote
them (`make_workspace.py`, run once), `workspace_0_3_0/data/raw/` the file it read. Each test works on a copy
in its own folder. A failure here means users' 0.3.0 outputs would be rerun or unreadable after an upgrade:
a breaking change (see CHANGELOG.md), never a reason to regenerate the fixture.
"""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import kartwheel
import luigi
import numpy as np
import pytest
from kartwheel.testing import run_task
from luigi.task import flatten

from tests.runtime.workspace_0_3_0 import tasks

FIXTURE = Path(__file__).parent / "workspace_0_3_0"

# The hashes 0.3.0 gave the graph's tasks. ExternalFile's is in no file name, but in Clean's hash.
HASHES = {
    "ExternalFile": "053d130b82681f61a703aa94d01ee029",
    "Settings": "f08906ee5de324f8e379177bd8c0db32",
    "Clean": "2a88490aed92b662622e3c0dd274c5c4",
    "Scaled": "db6abc619b343736756352ec7bbfea19",
    "Arrays": "c90e41976ca88863b4313497ea14b8f9",
    "Model": "785b4b9ce55678ea16be66f071a2d6d5",
    "Report": "e868f6a9d9fac1ac103f78c7e0a69654",
}

# Each task's outputs, relative to the workspace, as 0.3.0 named them (a dict output by name).
OUTPUTS = {
    "Settings": "tests/runtime/workspace_0_3_0/tasks/Settings_f08906ee5de324f8e379177bd8c0db32.pkl",
    "Clean": "workspace_0_3_0/clean_2a88490aed92b662622e3c0dd274c5c4.parquet",
    "Scaled": "workspace_0_3_0/scaled_db6abc619b343736756352ec7bbfea19.csv",
    "Arrays": {
        "temperatures": "workspace_0_3_0/arrays/temperatures_c90e41976ca88863b4313497ea14b8f9.npy",
        "by_station": "workspace_0_3_0/arrays/by_station_c90e41976ca88863b4313497ea14b8f9.npz",
    },
    "Model": "workspace_0_3_0/model/means_785b4b9ce55678ea16be66f071a2d6d5.zip",
    "Report": "tests/runtime/workspace_0_3_0/tasks/Report_e868f6a9d9fac1ac103f78c7e0a69654.pkl",
}

LOG_EXTENSIONS = {
    "module_versions": "txt",
    "processing_time": "pkl",
    "random_seed": "pkl",
    "task_log": "pkl",
    "task_params": "pkl",
}

RAN = ["Settings", "Clean", "Scaled", "Arrays", "Model", "Report"]  # every task but the ExternalFile

REPORT = {
    "stations": ["a", "b", "c"],
    "warm": ["a"],
    "top": [6.375, 5.25, 3.0],
    "since": datetime.date(2024, 1, 15),
    "rows": 4,
    "factor": 1.5,
}

# What each task logged when 0.3.0 ran it: task_params, task_log, processing_time, random_seed.
LOGS = {
    "Settings": (
        {"count": 3, "threshold": 0.25, "start": datetime.date(2024, 1, 15), "columns": ("a", "b")},
        {"columns": 2},
        0.005426168441772461,
        4035512046,
    ),
    "Clean": ({"raw_path": "data/raw/measurements.csv"}, {"dropped_rows": 1}, 0.5146615505218506, 713574666),
    "Scaled": (
        {"clean": "workspace_0_3_0.Clean_2a88490aed92b662622e3c0dd274c5c4", "factor": 1.5},
        {},
        0.01104426383972168,
        3681205345,
    ),
    "Arrays": (
        {"scaled": "workspace_0_3_0.Scaled_db6abc619b343736756352ec7bbfea19"},
        {},
        0.002326488494873047,
        3373154711,
    ),
    "Model": (
        {"scaled": "workspace_0_3_0.Scaled_db6abc619b343736756352ec7bbfea19"},
        {},
        0.0032351016998291016,
        2019249052,
    ),
    "Report": ({"factor": 1.5}, {"warm": 1}, 0.002436399459838867, 3899193001),
}


@pytest.fixture
def copied(workspace: str) -> Path:
    """The fixture copied to a fresh folder, which is the current one: `./resources` is its workspace."""
    shutil.copytree(FIXTURE / "resources", workspace)
    shutil.copytree(FIXTURE / "data", Path(workspace).parent / "data")
    luigi.task_register.Register.clear_instance_cache()  # no task instance (or its state) from another test
    tasks.RUNS.clear()
    return Path(workspace)


def graph() -> dict[str, kartwheel.TaskOnKart]:
    """The fixture's tasks by class name, reached from the root as a user's build reaches them."""
    report = tasks.Report()
    requirements = report.requires()
    [arrays] = requirements["arrays"]
    scaled = requirements["model"].scaled
    return {
        "ExternalFile": scaled.clean.requires(),
        "Settings": requirements["settings"],
        "Clean": scaled.clean,
        "Scaled": scaled,
        "Arrays": arrays,
        "Model": requirements["model"],
        "Report": report,
    }


def files(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under root, relative, with its modification time and content."""
    return {
        path.relative_to(root).as_posix(): (path.stat().st_mtime_ns, path.read_bytes())
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def relative(target: kartwheel.KartTarget, workspace: Path) -> str:
    return Path(target.path()).resolve().relative_to(workspace.resolve()).as_posix()


def test_the_fixture_holds_exactly_the_outputs_and_logs_0_3_0_named() -> None:
    outputs = {path for name in RAN for path in flatten(OUTPUTS[name])}
    logs = {f"log/{kind}/{name}_{HASHES[name]}.{ext}" for name in RAN for kind, ext in LOG_EXTENSIONS.items()}
    assert set(files(FIXTURE / "resources")) == outputs | logs
    size = sum(len(content) for folder in ("resources", "data") for _, content in files(FIXTURE / folder).values())
    assert size < 300_000


def test_building_every_task_runs_nothing_and_writes_nothing(copied: Path) -> None:
    # Every task is a root: luigi asks a complete root nothing about its upstream tasks.
    before = files(copied)
    roots = graph()
    run = run_task(list(roots.values()))
    assert run.ran_names() == []
    assert tasks.RUNS == []
    assert dict(zip(roots, run.output, strict=True))["Report"] == REPORT
    after = files(copied)
    # ExternalFile notes the raw file's fingerprint in a file named by its absolute path: new in a new folder.
    new = set(after) - set(before)
    assert all(path.startswith("log/external_files/") and path.endswith(".json") for path in new), new
    assert {path: after.get(path) for path in before} == before


def test_every_task_has_its_pinned_hash_and_output_paths(copied: Path) -> None:
    tasks_by_name = graph()
    assert {name: task.make_unique_id() for name, task in tasks_by_name.items()} == HASHES
    for name in RAN:
        output = tasks_by_name[name].output()
        if isinstance(output, dict):
            assert {key: relative(target, copied) for key, target in output.items()} == OUTPUTS[name]
        else:
            assert relative(output, copied) == OUTPUTS[name]
        assert tasks_by_name[name].complete()


def test_every_output_loads_as_0_3_0_wrote_it(copied: Path) -> None:
    tasks_by_name = graph()

    def load(name: str):
        output = tasks_by_name[name].output()
        return {key: target.load() for key, target in output.items()} if isinstance(output, dict) else output.load()

    raw = load("ExternalFile")
    assert raw.shape == (5, 4)
    settings = {"count": 3, "threshold": 0.25, "start": datetime.date(2024, 1, 15), "columns": ["a", "b"]}
    assert load("Settings") == settings
    table = {
        "station": ["a", "a", "b", "c"],
        "day": ["2024-01-15", "2024-01-16", "2024-01-16", "2024-01-17"],
        "temperature": [3.5, 4.25, -1.0, 2.0],
        "rain": [0, 1, 0, 1],
    }
    clean = load("Clean")
    assert clean.index.tolist() == [0, 1, 2, 3]
    assert clean.to_dict(orient="list") == table
    scaled = load("Scaled")
    assert scaled.to_dict(orient="list") == {**table, "temperature": [5.25, 6.375, -1.5, 3.0]}
    arrays = load("Arrays")
    assert set(arrays) == {"temperatures", "by_station"}
    assert arrays["temperatures"].dtype == np.float64
    assert arrays["temperatures"].tolist() == [5.25, 6.375, -1.5, 3.0]
    assert {key: value.tolist() for key, value in arrays["by_station"].items()} == {
        "a": [5.25, 6.375],
        "b": [-1.5],
        "c": [3.0],
    }
    assert load("Model") == {"a": 5.8125, "b": -1.5, "c": 3.0}
    assert load("Report") == REPORT
    inputs = tasks_by_name["Report"].load()  # in the shape of requires(): a dict holding a list
    assert set(inputs) == {"settings", "model", "arrays"}
    assert inputs["settings"] == settings
    assert inputs["model"] == {"a": 5.8125, "b": -1.5, "c": 3.0}
    [arrays_input] = inputs["arrays"]
    assert arrays_input["temperatures"].tolist() == [5.25, 6.375, -1.5, 3.0]
    assert kartwheel.build(tasks.Report()) == REPORT
    assert tasks.RUNS == []


@pytest.mark.parametrize("name", RAN)
def test_the_logs_read_back(copied: Path, name: str) -> None:
    task = graph()[name]
    params, task_log, processing_time, seed = LOGS[name]
    assert task.get_task_params() == params
    assert task.get_task_log() == task_log
    assert task.get_processing_time() == processing_time
    assert task.get_random_seed() == {"seed": seed, "seed_methods": ["random.seed", "numpy.random.seed"]}


@pytest.mark.parametrize("name", RAN)
def test_a_task_restores_from_its_hash(copied: Path, name: str) -> None:
    task_class = type(graph()[name])
    restored = task_class.restore(HASHES[name])
    assert type(restored) is task_class
    assert restored.make_unique_id() == HASHES[name]
    assert restored.complete()
    assert tasks.RUNS == []


def test_a_restored_chain_gets_its_upstream_tasks_back(copied: Path) -> None:
    restored = tasks.Arrays.restore(HASHES["Arrays"])
    assert isinstance(restored.scaled, tasks.Scaled)
    assert restored.scaled.make_unique_id() == HASHES["Scaled"]
    assert isinstance(restored.scaled.clean, tasks.Clean)
    assert restored.scaled.clean.make_unique_id() == HASHES["Clean"]
    settings = tasks.Settings.restore(HASHES["Settings"])
    assert (settings.count, settings.threshold, settings.start, settings.columns) == (
        3,
        0.25,
        datetime.date(2024, 1, 15),
        ("a", "b"),
    )


def test_the_plan_counts_every_task_cached(copied: Path, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exited:
        kartwheel.run(["workspace_0_3_0.Report", "--plan", "--format", "json"])
    assert exited.value.code == 0
    plan = json.loads(capsys.readouterr().out)
    assert sorted(task["family"].rpartition(".")[2] for task in plan["tasks"]) == sorted(HASHES)
    assert {task["family"]: task["status"] for task in plan["tasks"] if task["status"] != "cached"} == {}
    assert tasks.RUNS == []


def test_the_plan_names_a_changed_parameter_against_a_0_3_0_log(copied: Path) -> None:
    from kartwheel._plan.plan import WILL_RUN, make_plan

    changed = tasks.Settings(count=4, threshold=0.5)
    [(status, reason)] = [(entry.status, entry.reason) for entry in make_plan(changed).tasks.values()]
    assert status == WILL_RUN
    assert "count: 3 -> 4" in reason and "threshold: 0.25 -> 0.5" in reason
