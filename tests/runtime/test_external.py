"""ExternalFile: a raw input whose content is part of the hash downstream; a missing one named before any run."""

from __future__ import annotations

import os
from pathlib import Path

import kartwheel
import luigi
import pytest
from kartwheel._core import external

RUNS: list[str] = []


class Count(kartwheel.TaskOnKart[int]):
    task_namespace = "external_tests"
    source = kartwheel.TaskInstanceParameter()

    def run(self) -> None:
        RUNS.append("Count")
        with open(self.input()["source"].path, encoding="utf-8") as file:
            self.dump(len(file.read().splitlines()))


class Double(kartwheel.TaskOnKart[int]):
    task_namespace = "external_tests"
    counted = kartwheel.TaskInstanceParameter()

    def run(self) -> None:
        RUNS.append("Double")
        self.dump(2 * self.load("counted"))


class Constant(kartwheel.TaskOnKart[int]):
    """A task beside the file's branch, which must not run when the file is missing."""

    task_namespace = "external_tests"

    def run(self) -> None:
        RUNS.append("Constant")
        self.dump(1)


class Both(kartwheel.TaskOnKart[list]):
    task_namespace = "external_tests"
    first = kartwheel.TaskInstanceParameter()
    second = kartwheel.TaskInstanceParameter()

    def run(self) -> None:
        RUNS.append("Both")
        self.dump([self.load("first"), self.load("second")])


def pipeline(path: str) -> Double:
    return Double(counted=Count(source=kartwheel.ExternalFile(path=path)))


@pytest.fixture(autouse=True)
def fresh(workspace: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    RUNS.clear()
    luigi.task_register.Register.clear_instance_cache()
    monkeypatch.setattr(external, "_memo", {})
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / "train.txt").write_text("a\nb\n", encoding="utf-8")
    return raw / "train.txt"


def test_editing_the_file_reruns_exactly_what_reads_it(fresh: Path) -> None:
    assert kartwheel.build(pipeline("data/raw/train.txt")) == 4
    assert kartwheel.build(pipeline("data/raw/train.txt")) == 4
    assert RUNS == ["Count", "Double"]

    fresh.write_text("a\nb\nc\n", encoding="utf-8")
    assert kartwheel.build(pipeline("data/raw/train.txt")) == 6
    assert RUNS == ["Count", "Double"] * 2


def test_a_touched_file_with_the_same_content_reruns_nothing(fresh: Path) -> None:
    kartwheel.build(pipeline("data/raw/train.txt"))
    stat = fresh.stat()
    os.utime(fresh, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    kartwheel.build(pipeline("data/raw/train.txt"))
    assert RUNS == ["Count", "Double"]


def test_the_content_is_hashed_again_only_when_size_or_time_change(
    fresh: Path, workspace: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed: list[str] = []
    real = external._sha256
    monkeypatch.setattr(external, "_sha256", lambda path: hashed.append(path) or real(path))
    first = kartwheel.ExternalFile(path="data/raw/train.txt").make_unique_id()
    monkeypatch.setattr(external, "_memo", {})  # a new process: only the note in the workspace is left
    luigi.task_register.Register.clear_instance_cache()
    assert kartwheel.ExternalFile(path="data/raw/train.txt").make_unique_id() == first
    assert len(hashed) == 1
    assert list(Path(workspace, "log", "external_files").glob("*.json"))
    fresh.write_text("changed\n", encoding="utf-8")
    luigi.task_register.Register.clear_instance_cache()
    kartwheel.build(pipeline("data/raw/train.txt"))
    assert len(hashed) == 2


def test_a_missing_input_is_named_before_anything_runs() -> None:
    root = Both(first=Constant(), second=pipeline("data/raw/absent.csv"))  # a graph can be made before its data
    with pytest.raises(kartwheel.BuildError, match=r"input file \./data/raw/absent\.csv does not exist") as error:
        kartwheel.build(root)
    assert isinstance(error.value.__cause__, kartwheel.MissingInputError)
    assert not {"Count", "Double", "Both"} & set(RUNS)  # found while scheduling: nothing that reads it ran


def test_a_relative_path_is_taken_from_the_base_directory(fresh: Path, tmp_path: Path, monkeypatch) -> None:
    expected = kartwheel.ExternalFile(path="data/raw/train.txt").make_unique_id()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    task = kartwheel.ExternalFile(path="data/raw/train.txt", base_directory=str(tmp_path))
    assert task.complete()
    assert task.make_unique_id() == expected  # where the project lives is not part of the hash
    with pytest.raises(kartwheel.MissingInputError, match="elsewhere/data/raw/train.txt does not exist"):
        kartwheel.ExternalFile(path="data/raw/train.txt", base_directory=str(elsewhere)).complete()
