"""gokart's file processors and the formats task_on_kart.rst lists, imported from gokart's module paths."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import kartwheel as gokart
import luigi
import luigi.format
import numpy as np
import pandas as pd
import pytest
from kartwheel.file_processor import (
    CsvFileProcessor,
    FeatherFileProcessor,
    FileProcessor,
    JsonFileProcessor,
    ParquetFileProcessor,
    TextFileProcessor,
    make_file_processor,
)
from kartwheel.target import make_target

FRAME = pd.DataFrame({"あ": [1, 2, 3], "い": ["か", "き", "く"]})


class Cp932Csv(gokart.TaskOnKart):
    def output(self):
        return self.make_target("file_name.csv", processor=CsvFileProcessor(encoding="cp932"))

    def run(self):
        self.dump(FRAME)


def test_csv_with_encoding_as_documented(workspace):
    loaded = gokart.build(Cp932Csv(workspace_directory=workspace))
    pd.testing.assert_frame_equal(loaded, FRAME)
    path = Cp932Csv(workspace_directory=workspace).output().path()
    pd.testing.assert_frame_equal(pd.read_csv(path, encoding="cp932"), FRAME)
    with pytest.raises(UnicodeDecodeError):
        pd.read_csv(path, encoding="utf-8")


def test_csv_defaults_to_utf8_and_tsv_to_tabs(tmp_path):
    make_target(str(tmp_path / "a.csv")).dump(FRAME)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "a.csv", encoding="utf-8"), FRAME)
    make_target(str(tmp_path / "a.tsv")).dump(FRAME)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "a.tsv", sep="\t"), FRAME)


@pytest.mark.parametrize("suffix", [".txt", ".gz", ".ini"])
def test_text_files_dump_lines_and_load_a_list_of_lines(tmp_path, suffix):
    target = make_target(str(tmp_path / f"x{suffix}"))
    target.dump(["first", "second"])
    assert target.load() == ["first", "second"]
    target.dump("one\ntwo\n")
    assert target.load() == ["one", "two"]
    target.dump(1)
    assert target.load() == ["1"]


def test_text_file_refuses_objects_whose_text_would_not_load_back(tmp_path):
    target = make_target(str(tmp_path / "x.txt"))
    with pytest.raises(gokart.DumpError, match="use .pkl"):
        target.dump(FRAME)
    with pytest.raises(gokart.DumpError, match="line break"):
        target.dump(["a\nb"])
    assert not target.exists()


def test_json_keeps_plain_data_and_dataframes(tmp_path):
    target = make_target(str(tmp_path / "x.json"))
    target.dump({"a": [1, 2], "b": "ü"})
    assert target.load() == {"a": [1, 2], "b": "ü"}
    frame = pd.DataFrame({"a": [1, 2], "b": [0.5, None]}, index=pd.Index([10, 20], name="id"))
    target.dump(frame)
    pd.testing.assert_frame_equal(target.load(), frame)


def test_json_with_orient_and_ndjson_are_pandas_json(tmp_path):
    target = make_target(str(tmp_path / "x.ndjson"))
    target.dump({"A": [1, 2], "B": [3, 4]})
    assert (tmp_path / "x.ndjson").read_text() == '{"A":1,"B":3}\n{"A":2,"B":4}\n'
    pd.testing.assert_frame_equal(target.load(), pd.DataFrame({"A": [1, 2], "B": [3, 4]}))
    split = make_target(str(tmp_path / "y.json"), processor=JsonFileProcessor(orient="split"))
    split.dump(pd.DataFrame({"A": [1]}))
    assert list(pd.read_json(tmp_path / "y.json", orient="split")["A"]) == [1]


def test_xml_is_written_and_read(tmp_path):
    target = make_target(str(tmp_path / "x.xml"))
    target.dump(ET.ElementTree(ET.fromstring("<root><item name='ü'/></root>")))
    assert target.load().getroot().find("item").get("name") == "ü"


def test_npz_holds_an_array(tmp_path):
    target = make_target(str(tmp_path / "x.npz"))
    target.dump(np.ones(10, dtype=np.float32))
    loaded = target.load()
    assert isinstance(loaded, np.ndarray) and loaded.dtype == np.float32
    np.testing.assert_array_equal(loaded, np.ones(10))


@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_images_are_bytes(tmp_path, suffix):
    target = make_target(str(tmp_path / f"figure{suffix}"))
    target.dump(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert target.load() == b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    with pytest.raises(gokart.DumpError, match="bytes"):
        target.dump("not bytes")


def test_parquet_compression(tmp_path):
    import pyarrow.parquet as pq

    frame = pd.DataFrame({"a": list(range(100))})
    make_target(str(tmp_path / "default.parquet")).dump(frame)
    assert pq.ParquetFile(tmp_path / "default.parquet").metadata.row_group(0).column(0).compression == "GZIP"
    target = make_target(str(tmp_path / "s.parquet"), processor=ParquetFileProcessor(compression="snappy"))
    target.dump(frame)
    assert pq.ParquetFile(tmp_path / "s.parquet").metadata.row_group(0).column(0).compression == "SNAPPY"
    pd.testing.assert_frame_equal(target.load(), frame)


class FeatherWithIndex(gokart.TaskOnKart):
    def output(self):
        return self.make_target("frame.feather")

    def run(self):
        self.dump(pd.DataFrame({"a": [1, 2]}, index=pd.Index([33, 44], name="object_index")))


def test_feather_keeps_the_index_unless_store_index_in_feather_is_false(workspace):
    loaded = gokart.build(FeatherWithIndex(workspace_directory=workspace))
    pd.testing.assert_frame_equal(loaded, pd.DataFrame({"a": [1, 2]}, index=pd.Index([33, 44], name="object_index")))
    plain = FeatherWithIndex(workspace_directory=workspace, store_index_in_feather=False)
    assert plain.output().path() == FeatherWithIndex(workspace_directory=workspace).output().path()
    assert isinstance(plain.output().format, FeatherFileProcessor)
    assert not plain.output().format.store_index_in_feather
    import pyarrow.feather

    stored = pyarrow.feather.read_table(plain.output().path()).column_names
    assert stored == ["a", "__feather_gokart_index__object_index"], "the index is kept in a column"
    target = make_target(plain.output().path(), store_index_in_feather=False)
    target.dump(pd.DataFrame({"a": [1]}))
    assert pyarrow.feather.read_table(target.path()).column_names == ["a"]


def test_make_file_processor_picks_by_extension():
    assert isinstance(make_file_processor("a.txt"), TextFileProcessor)
    assert isinstance(make_file_processor("a.csv"), CsvFileProcessor)
    assert not make_file_processor("a.feather", store_index_in_feather=False).store_index_in_feather
    with pytest.raises(gokart.UnknownFormatError, match="register_format"):
        make_file_processor("a.unknown")


class Upper(FileProcessor):
    """A processor written against gokart's interface: format(), dump(obj, file), load(file)."""

    def format(self):
        return None

    def dump(self, obj, file):
        file.write(obj.upper())

    def load(self, file):
        return file.read()


class GzipBytes(FileProcessor):
    def format(self):
        return luigi.format.Gzip

    def dump(self, obj, file):
        file.write(obj)

    def load(self, file):
        return file.read()


def test_a_gokart_style_processor_works_as_processor_and_with_luigi(tmp_path):
    target = make_target(str(tmp_path / "x.upper"), processor=Upper())
    target.dump("héllo")
    assert target.load() == "HÉLLO"
    gz = make_target(str(tmp_path / "x.bin"), processor=GzipBytes())
    gz.dump(b"abc")
    assert gz.load() == b"abc"
    local = luigi.LocalTarget(str(tmp_path / "y.txt"), format=TextFileProcessor().format())
    with local.open("w") as file:
        TextFileProcessor().dump(["a", "b"], file)
    with local.open("r") as file:
        assert TextFileProcessor().load(file) == ["a", "b"]


def test_processor_named_in_gokart_style_must_define_both_halves():
    class OnlyDump(FileProcessor):
        def dump(self, obj, file):
            file.write(obj)

    with pytest.raises(TypeError, match="define write"):
        OnlyDump()


def test_the_pickle_processor_round_trips_a_lambda(tmp_path):
    target = make_target(str(tmp_path / "f.pkl"))
    target.dump(lambda x: x * 2)
    assert target.load()(2) == 4
