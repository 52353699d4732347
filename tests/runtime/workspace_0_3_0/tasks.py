"""The tasks whose outputs and logs, written by kartwheel 0.3.0, are committed beside this module.

`resources/` here is the workspace `make_workspace.py` built once with kartwheel 0.3.0, and `data/raw/` the
file it read; `tests/runtime/test_workspace_0_3_0.py` checks that later versions find every output cached
and read it back. The committed file names hold the hashes of these classes, so nothing here that reaches a
hash or a path may change: the module's location (default outputs live under its dotted path), the
namespace, class names, parameters and their defaults, what requires() returns and the output paths. A
change here means the fixture no longer stands for what 0.3.0 wrote; add a new fixture instead.

The graph (one root, `Report`):

    data/raw/measurements.csv -> ExternalFile            (a raw input, through Clean.requires())
    Clean        .parquet            <- ExternalFile     (requires() returns the ExternalFile)
    Scaled       .csv                <- clean            (TaskInstanceParameter)
    Arrays       {.npy, .npz}        <- scaled           (TaskInstanceParameter; a dict of named outputs)
    Model        .zip model target   <- scaled           (TaskInstanceParameter)
    Settings     default .pkl           int, float, date and list parameters
    Report       default .pkl        <- {"settings": Settings, "model": Model, "arrays": [Arrays]} (requires())
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import kartwheel
import luigi

NAMESPACE = "workspace_0_3_0"
RAW_PATH = "data/raw/measurements.csv"

# The class name of every task whose run() is called, in order: the test expects none.
RUNS: list[str] = []


def save_means(model: dict[str, float], path: str) -> None:
    """The model target's save function: the means as JSON at `path`."""
    with open(path, "w", encoding="utf-8") as file:
        json.dump(model, file, sort_keys=True)


def load_means(path: str) -> dict[str, float]:
    """The model target's load function."""
    with open(path, encoding="utf-8") as file:
        return json.load(file)


class Settings(kartwheel.TaskOnKart[dict]):
    """Parameters of four types, dumped to the default output (`<module path>/Settings_<hash>.pkl`)."""

    task_namespace = NAMESPACE
    count = luigi.IntParameter(default=3)
    threshold = luigi.FloatParameter(default=0.25)
    start = luigi.DateParameter(default=datetime.date(2024, 1, 15))
    columns = luigi.ListParameter(default=["a", "b"])

    def run(self) -> None:
        RUNS.append("Settings")
        self.task_log["columns"] = len(self.columns)
        self.dump(
            {"count": self.count, "threshold": self.threshold, "start": self.start, "columns": list(self.columns)}
        )


class Clean(kartwheel.TaskOnKart[Any]):
    """The raw measurements without rows lacking a temperature, as Parquet."""

    task_namespace = NAMESPACE
    raw_path = luigi.Parameter(default=RAW_PATH)

    def requires(self) -> kartwheel.ExternalFile:
        return kartwheel.ExternalFile(path=self.raw_path)

    def output(self) -> Any:
        return self.make_target("workspace_0_3_0/clean.parquet")

    def run(self) -> None:
        RUNS.append("Clean")
        raw = self.load()
        clean = raw.dropna(subset=["temperature"]).reset_index(drop=True)
        self.task_log["dropped_rows"] = len(raw) - len(clean)
        self.dump(clean)


class Scaled(kartwheel.TaskOnKart[Any]):
    """The clean table with its temperatures times `factor`, as CSV."""

    task_namespace = NAMESPACE
    clean = kartwheel.TaskInstanceParameter()
    factor = luigi.FloatParameter(default=1.5)

    def output(self) -> Any:
        return self.make_target("workspace_0_3_0/scaled.csv")

    def run(self) -> None:
        RUNS.append("Scaled")
        frame = self.load("clean")
        self.dump(frame.assign(temperature=frame["temperature"] * self.factor))


class Arrays(kartwheel.TaskOnKart[dict]):
    """Two named outputs: every temperature as .npy, and the temperatures by station as .npz."""

    task_namespace = NAMESPACE
    scaled = kartwheel.TaskInstanceParameter()

    def output(self) -> dict:
        return {
            "temperatures": self.make_target("workspace_0_3_0/arrays/temperatures.npy"),
            "by_station": self.make_target("workspace_0_3_0/arrays/by_station.npz"),
        }

    def run(self) -> None:
        RUNS.append("Arrays")
        frame = self.load("scaled")
        self.dump(frame["temperature"].to_numpy(dtype="float64"), "temperatures")
        by_station = {
            str(station): group["temperature"].to_numpy(dtype="float64") for station, group in frame.groupby("station")
        }
        self.dump(by_station, "by_station")


class Model(kartwheel.TaskOnKart[dict]):
    """The mean temperature by station, in a model target (a zip made by save_means)."""

    task_namespace = NAMESPACE
    scaled = kartwheel.TaskInstanceParameter()

    def output(self) -> Any:
        return self.make_model_target(
            "workspace_0_3_0/model/means.zip", save_function=save_means, load_function=load_means
        )

    def run(self) -> None:
        RUNS.append("Model")
        frame = self.load("scaled")
        means = frame.groupby("station")["temperature"].mean()
        self.dump({str(station): float(mean) for station, mean in means.items()})


class Report(kartwheel.TaskOnKart[dict]):
    """The root: wired by requires() returning a dict that holds a list, dumped to the default output."""

    task_namespace = NAMESPACE
    factor = luigi.FloatParameter(default=1.5)

    def requires(self) -> dict:
        scaled = Scaled(clean=Clean(), factor=self.factor)
        return {"settings": Settings(), "model": Model(scaled=scaled), "arrays": [Arrays(scaled=scaled)]}

    def run(self) -> None:
        RUNS.append("Report")
        settings = self.load("settings")
        means = self.load("model")
        [arrays] = self.load("arrays")
        temperatures = sorted(arrays["temperatures"].tolist(), reverse=True)
        warm = [station for station in settings["columns"] if means[station] > settings["threshold"]]
        self.task_log["warm"] = len(warm)
        self.dump(
            {
                "stations": sorted(means),
                "warm": warm,
                "top": temperatures[: settings["count"]],
                "since": settings["start"],
                "rows": len(temperatures),
                "factor": self.factor,
            }
        )
