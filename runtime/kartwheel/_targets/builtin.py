"""The formats that need no DataFrame library: pickle, text, gzip text, XML, numpy, raw bytes.

Each is a `FileFormat` under the name gokart gives it, so `make_target(..., processor=TextFileProcessor())`
and `register_format('.ext', ...)` are one mechanism. All of them read and write binary files.
"""

from __future__ import annotations

import gzip
import io
import numbers
import pickle
from typing import IO, Any

from ..errors import DumpError
from .file_format import FileFormat, require
from .huge_pages import HugePageReader

__all__ = [
    "BinaryFileProcessor",
    "FileProcessor",
    "GzipFileProcessor",
    "NpyFileProcessor",
    "NpzFileProcessor",
    "PickleFileProcessor",
    "TextFileProcessor",
    "XmlFileProcessor",
]

# gokart's name for the base class of formats: the same class.
FileProcessor = FileFormat


class PickleFileProcessor(FileFormat):
    """cloudpickle, so lambdas and local classes survive; plain objects load with `pickle.load`."""

    def write(self, obj: Any, file: IO) -> None:
        import cloudpickle

        cloudpickle.dump(obj, file, protocol=pickle.HIGHEST_PROTOCOL)

    def read(self, file: IO) -> Any:
        return pickle.load(HugePageReader(file) if hasattr(file, "readinto") else file)


def _lines(obj: Any, suffix: str) -> str:
    """The text of a `.txt`/`.gz` file: a str as it is, a number as `str()`, a list one item per line."""
    if isinstance(obj, str):
        return obj
    if isinstance(obj, numbers.Number):
        return str(obj)
    if isinstance(obj, (list, tuple)):
        for index, item in enumerate(obj):
            if not isinstance(item, (str, numbers.Number)):
                raise DumpError(
                    f"a {suffix} file holds a str or a list of str (or numbers); item {index} is a "
                    f"{type(item).__name__}: convert it with str() first, or use .pkl to keep it as it is"
                )
            if isinstance(item, str) and ("\n" in item or "\r" in item):
                raise DumpError(
                    f"item {index} of the list contains a line break, so it would load back as several lines; "
                    f"join the lines into one str, or use .pkl or .json"
                )
        return "".join(f"{item}\n" for item in obj)
    raise DumpError(
        f"a {suffix} file holds a str or a list of str (or numbers), got {type(obj).__name__}; "
        "its text form would not load back as the same object: use .pkl (or .json, .csv) instead"
    )


def _split_lines(text: str) -> list[str]:
    """The lines of `text` without their line endings (`\\n` or `\\r\\n`), as gokart loads text files."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


class TextFileProcessor(FileFormat):
    """UTF-8 text: dumps a str, a number or a list (one item per line); loads the list of lines."""

    def write(self, obj: Any, file: IO) -> None:
        file.write(_lines(obj, ".txt").encode("utf-8"))

    def read(self, file: IO) -> Any:
        return _split_lines(file.read().decode("utf-8"))


class GzipFileProcessor(FileFormat):
    """Gzip-compressed UTF-8 text, the same objects as `TextFileProcessor`."""

    def write(self, obj: Any, file: IO) -> None:
        with gzip.GzipFile(fileobj=file, mode="wb", mtime=0) as compressed:
            compressed.write(_lines(obj, ".gz").encode("utf-8"))

    def read(self, file: IO) -> Any:
        with gzip.GzipFile(fileobj=file, mode="rb") as compressed:
            return _split_lines(compressed.read().decode("utf-8"))


class BinaryFileProcessor(FileFormat):
    """Raw bytes (e.g. a PNG or JPEG image saved to a `BytesIO`); loads the bytes."""

    def write(self, obj: Any, file: IO) -> None:
        if not isinstance(obj, (bytes, bytearray, memoryview)):
            raise DumpError(
                f"a binary file holds bytes, got {type(obj).__name__}; save the image to io.BytesIO() and dump "
                "its .getvalue()"
            )
        file.write(obj)

    def read(self, file: IO) -> Any:
        return file.read()


class XmlFileProcessor(FileFormat):
    """An `xml.etree.ElementTree.ElementTree` (or Element), written as UTF-8 with a declaration."""

    def write(self, obj: Any, file: IO) -> None:
        import xml.etree.ElementTree as ET

        if isinstance(obj, ET.Element):
            obj = ET.ElementTree(obj)
        if not isinstance(obj, ET.ElementTree):
            raise DumpError(f"a .xml file holds an xml.etree.ElementTree.ElementTree, got {type(obj).__name__}")
        obj.write(file, encoding="utf-8", xml_declaration=True)

    def read(self, file: IO) -> Any:
        import xml.etree.ElementTree as ET

        return ET.parse(file)


class NpyFileProcessor(FileFormat):
    """One numpy array, without pickled objects so that loading never runs code."""

    def write(self, obj: Any, file: IO) -> None:
        np = require("numpy", "numpy", ".npy")
        try:
            np.save(file, np.asanyarray(obj), allow_pickle=False)
        except ValueError as exc:
            raise DumpError(f"a .npy file holds a numeric array ({exc}); use .pkl for object arrays") from exc

    def read(self, file: IO) -> Any:
        np = require("numpy", "numpy", ".npy")
        return np.load(file, allow_pickle=False)


class NpzFileProcessor(FileFormat):
    """A compressed numpy archive: an array (stored as `data`, loaded as the array) or a dict of arrays."""

    def write(self, obj: Any, file: IO) -> None:
        np = require("numpy", "numpy", ".npz")
        if isinstance(obj, dict):
            if list(obj) == ["data"]:
                raise DumpError("a dict whose only key is 'data' would load back as a bare array; dump the array")
            arrays = obj
        else:
            arrays = {"data": obj}
        try:
            np.savez_compressed(file, **{str(key): np.asanyarray(value) for key, value in arrays.items()})
        except ValueError as exc:
            raise DumpError(f"a .npz file holds numeric arrays ({exc}); use .pkl for object arrays") from exc

    def read(self, file: IO) -> Any:
        np = require("numpy", "numpy", ".npz")
        # np.load needs a seekable file; a remote one may not be.
        source = file if getattr(file, "seekable", lambda: False)() else io.BytesIO(file.read())
        with np.load(source, allow_pickle=False) as archive:
            if archive.files == ["data"]:
                return archive["data"]
            return {key: archive[key] for key in archive.files}
