"""gokart's documented target API: `path()`, exists/load/dump/last_modification_time, `make_target`,
`make_model_target` (task_on_kart.rst) and `make_large_data_frame_target`, with only the import changed."""

from __future__ import annotations

import os
import zipfile
from datetime import datetime

import kartwheel as gokart
import pandas as pd
import pytest
from kartwheel.target import LargeDataFrameProcessor, make_model_target, make_target


class MultiFileModel:
    """Stands in for gensim's Word2Vec: `save(path)` writes several files, `load(path)` reads them."""

    def __init__(self, weights: list[float]) -> None:
        self.weights = weights

    def save(self, path: str) -> None:
        with open(path, "w") as file:
            file.write("header")
        with open(path + ".weights.npy", "w") as file:
            file.write(",".join(map(str, self.weights)))

    @classmethod
    def load(cls, path: str) -> MultiFileModel:
        with open(path + ".weights.npy") as file:
            return cls([float(value) for value in file.read().split(",")])


class TrainModel(gokart.TaskOnKart):
    def output(self):
        return self.make_model_target("model.zip", save_function=MultiFileModel.save, load_function=MultiFileModel.load)

    def run(self):
        self.dump(MultiFileModel([0.5, 1.5]))


class UseModel(gokart.TaskOnKart):
    def requires(self):
        return TrainModel()

    def run(self):
        self.dump(sum(self.load().weights))


class BrokenSave(gokart.TaskOnKart):
    def output(self):
        return self.make_model_target("model.zip", save_function=_fail_after_writing, load_function=print)

    def run(self):
        self.dump(object())


def _fail_after_writing(obj, path):
    with open(path, "w") as file:
        file.write("half")
    raise RuntimeError("out of disk")


class BigFrame(gokart.TaskOnKart):
    def output(self):
        return self.make_large_data_frame_target("big.zip", max_byte=800)

    def run(self):
        self.dump(pd.DataFrame({"x": range(1000), "y": [float(i) / 3 for i in range(1000)]}))


class CsvTable(gokart.TaskOnKart):
    def output(self):
        return self.make_target("table.csv")

    def run(self):
        self.dump(pd.DataFrame({"a": [1, 2]}))


def test_path_is_callable_as_gokart_has_it_and_an_attribute_as_before(workspace):
    target = CsvTable(workspace_directory=workspace).output()
    assert target.path() == target.path == str(target)
    assert type(target.path()) is str
    assert target.path().startswith(f"{workspace}/table_") and target.path().endswith(".csv")


def test_exists_dump_load_and_last_modification_time(workspace):
    target = CsvTable(workspace_directory=workspace).output()
    assert not target.exists()
    with pytest.raises(FileNotFoundError):
        target.last_modification_time()
    target.dump(pd.DataFrame({"a": [3]}))
    assert target.exists()
    pd.testing.assert_frame_equal(target.load(), pd.DataFrame({"a": [3]}))
    assert isinstance(target.last_modification_time(), datetime)


def test_make_target_appends_the_unique_id_as_documented(workspace):
    task = CsvTable(workspace_directory=workspace)
    assert task.make_target("file_name.pkl").path() == f"{workspace}/file_name_{task.make_unique_id()}.pkl"
    assert task.make_target("file_name.pkl", use_unique_id=False).path() == f"{workspace}/file_name.pkl"


def test_module_level_make_target_outside_a_task(tmp_path):
    target = make_target(str(tmp_path / "x.txt"), unique_id="abc")
    assert target.path() == str(tmp_path / "x_abc.txt")
    target.dump(["a", "b"])
    assert target.load() == ["a", "b"]


def test_model_target_saves_every_file_zipped_and_loads_downstream(workspace):
    assert gokart.build(UseModel(workspace_directory=workspace)) == 2.0
    archive = TrainModel(workspace_directory=workspace).output().path()
    assert archive.endswith(".zip")
    with zipfile.ZipFile(archive) as opened:
        assert sorted(opened.namelist()) == ["load_function.pkl", "model.pkl", "model.pkl.weights.npy"]
    assert not any(name.startswith("kartwheel-model-") for name in os.listdir(f"{workspace}/tmp"))


def test_model_target_that_fails_to_save_leaves_no_archive(workspace):
    with pytest.raises(gokart.BuildError, match="out of disk"):
        gokart.build(BrokenSave(workspace_directory=workspace))
    assert not BrokenSave(workspace_directory=workspace).output().exists()
    assert not [name for name in os.listdir(workspace) if name.endswith(".zip") or ".tmp-" in name]


def test_model_target_without_a_load_function_uses_the_archived_one(tmp_path):
    make_model_target(str(tmp_path / "m.zip"), None, MultiFileModel.save, MultiFileModel.load).dump(
        MultiFileModel([2.0])
    )
    loaded = make_model_target(str(tmp_path / "m.zip"), None, MultiFileModel.save, None).load()
    assert loaded.weights == [2.0]


def test_model_target_needs_a_zip_name(workspace):
    with pytest.raises(ValueError, match="zip"):
        TrainModel(workspace_directory=workspace).make_model_target("m.pkl", MultiFileModel.save, MultiFileModel.load)


def test_large_data_frame_target_round_trips_in_order_through_many_chunks(workspace):
    frame = gokart.build(BigFrame(workspace_directory=workspace))
    with zipfile.ZipFile(BigFrame(workspace_directory=workspace).output().path()) as opened:
        chunks = [name for name in opened.namelist() if name.startswith("data_")]
    assert len(chunks) > 10, "800 bytes a chunk splits 16 000 bytes into many pickles"
    pd.testing.assert_frame_equal(frame, pd.DataFrame({"x": range(1000), "y": [float(i) / 3 for i in range(1000)]}))


def test_large_data_frame_processor_keeps_an_empty_frame(tmp_path):
    processor = LargeDataFrameProcessor(max_byte=100)
    processor.save(pd.DataFrame(), str(tmp_path / "d" / "model.pkl"))
    assert LargeDataFrameProcessor.load(str(tmp_path / "d" / "model.pkl")).empty
