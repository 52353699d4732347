"""Formats: every registered extension round-trips; wrong objects and missing libraries say what to do."""

from __future__ import annotations

import builtins
import gzip
import pickle
import threading

import kartwheel
import numpy as np
import pandas as pd
import pytest
from kartwheel._storage.storage import LocalStorage
from kartwheel._targets import registry as formats
from kartwheel.file_processor import PickleFileProcessor
from kartwheel.target import KartTarget


def target(tmp_path, name: str) -> KartTarget:
    path = str(tmp_path / name)
    return KartTarget(path, formats.format_for(path), LocalStorage())


FRAME = pd.DataFrame({"a": [1, 2], "b": ["x", "é"]})


@pytest.mark.parametrize(
    ("name", "obj"),
    [
        ("x.pkl", {"nested": [1, 2.5, "s", None]}),
        ("x.gz", [f"line {i}" for i in range(100)]),
        ("x.txt", ["héllo", "  world  "]),
        ("x.json", {"a": [1, 2], "b": "ü"}),
        ("x.csv", FRAME),
        ("x.tsv", FRAME),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_round_trip(tmp_path, name, obj):
    t = target(tmp_path, name)
    t.dump(obj)
    loaded = t.load()
    if isinstance(obj, pd.DataFrame):
        pd.testing.assert_frame_equal(loaded, obj)
    else:
        assert loaded == obj


def test_numpy_and_columnar_round_trips(tmp_path):
    array = np.arange(12, dtype=np.float32).reshape(3, 4)
    t = target(tmp_path, "a.npy")
    t.dump(array)
    np.testing.assert_array_equal(t.load(), array)
    t = target(tmp_path, "a.npz")
    t.dump({"x": array, "y": np.ones(2)})
    assert sorted(t.load()) == ["x", "y"]
    np.testing.assert_array_equal(t.load()["x"], array)
    for name in ("a.parquet", "a.feather"):
        t = target(tmp_path, name)
        t.dump(FRAME)
        pd.testing.assert_frame_equal(t.load(), FRAME)


def test_pickle_output_loads_with_plain_pickle_and_keeps_lambdas(tmp_path):
    t = target(tmp_path, "x.pkl")
    t.dump({"plain": 1})
    with open(t.path, "rb") as file:
        assert pickle.load(file) == {"plain": 1}
    t.dump(lambda x: x + 1)
    assert t.load()(1) == 2


def test_gz_is_gzip_compressed_text_of_lines(tmp_path):
    t = target(tmp_path, "x.gz")
    t.dump([1, "two", 3.5])
    with gzip.open(t.path, "rt", encoding="utf-8") as file:
        assert file.read() == "1\ntwo\n3.5\n"
    assert t.load() == ["1", "two", "3.5"]


@pytest.mark.parametrize(
    ("name", "obj", "message"),
    [
        ("x.txt", {"a": 1}, "holds a str"),
        ("x.json", {"s": {1, 2}}, "plain data or a DataFrame"),
        ("x.csv", [1, 2], "holds a pandas DataFrame"),
        ("x.npy", np.array([object(), 1], dtype=object), "use .pkl"),
        ("x.pkl", threading.Lock(), "cannot write a lock"),
    ],
    ids=["txt-dict", "json-set", "csv-list", "npy-object", "pkl-lock"],
)
def test_unwritable_object_raises_dump_error_and_leaves_nothing(tmp_path, name, obj, message):
    t = target(tmp_path, name)
    with pytest.raises(kartwheel.DumpError, match=message):
        t.dump(obj)
    assert list(tmp_path.iterdir()) == [], "no file and no temporary file may remain"


def test_failed_dump_keeps_the_previous_complete_file(tmp_path):
    t = target(tmp_path, "x.json")
    t.dump({"v": 1})
    with pytest.raises(kartwheel.DumpError):
        t.dump({"v": object()})
    assert t.load() == {"v": 1}


def test_unknown_extension_lists_known_ones():
    with pytest.raises(kartwheel.UnknownFormatError, match=r"'x\.yaml'.*\.pkl.*register_format"):
        formats.format_for("x.yaml")


def test_register_format_adds_an_extension(tmp_path):
    class Upper(kartwheel.FileFormat):
        binary = False

        def write(self, obj, file):
            file.write(obj.upper())

        def read(self, file):
            return file.read()

    kartwheel.register_format(".upper", Upper)
    try:
        t = target(tmp_path, "x.upper")
        t.dump("abc")
        assert t.load() == "ABC"
    finally:
        del formats._FORMATS[".upper"]
        formats._MATCH_ORDER[:] = formats._longest_first()


@pytest.mark.parametrize("bad", ["yaml", ".", "a/.b"])
def test_register_format_rejects_bad_suffix(bad):
    with pytest.raises(ValueError, match="starts with a dot"):
        kartwheel.register_format(bad, PickleFileProcessor)


def test_register_format_rejects_non_format():
    with pytest.raises(TypeError, match="FileFormat subclass"):
        kartwheel.register_format(".x", object)


def test_missing_optional_library_names_the_extra(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name.split(".")[0] == "pyarrow":
            raise ImportError("No module named 'pyarrow'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    monkeypatch.delitem(__import__("sys").modules, "pyarrow", raising=False)
    t = target(tmp_path, "x.parquet")
    with pytest.raises(kartwheel.MissingDependencyError, match=r"pip install 'kartwheel\[parquet\]'"):
        t.dump(FRAME)
    assert not any(tmp_path.iterdir())
