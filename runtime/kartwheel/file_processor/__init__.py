"""The built-in file formats under gokart's names (`CsvFileProcessor`, `TextFileProcessor`, ...).

They are `FileFormat`s: give one to `make_target(path, processor=...)`, or register one for an extension
with `register_format`. `make_file_processor(path)` is the format a path gets by default.
"""

from .._targets.builtin import (
    BinaryFileProcessor,
    FileProcessor,
    GzipFileProcessor,
    NpyFileProcessor,
    NpzFileProcessor,
    PickleFileProcessor,
    TextFileProcessor,
    XmlFileProcessor,
)
from .._targets.dataframe import (
    CsvFileProcessor,
    DataFrameType,
    FeatherFileProcessor,
    JsonFileProcessor,
    ParquetFileProcessor,
)
from .._targets.registry import make_file_processor

__all__ = [
    "BinaryFileProcessor",
    "CsvFileProcessor",
    "DataFrameType",
    "FeatherFileProcessor",
    "FileProcessor",
    "GzipFileProcessor",
    "JsonFileProcessor",
    "NpyFileProcessor",
    "NpzFileProcessor",
    "ParquetFileProcessor",
    "PickleFileProcessor",
    "TextFileProcessor",
    "XmlFileProcessor",
    "make_file_processor",
]
