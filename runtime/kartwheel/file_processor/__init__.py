"""The built-in file formats under gokart's names (`CsvFileProcessor`, `TextFileProcessor`, ...).

They are `FileFormat`s: give one to `make_target(path, processor=...)`, or register one for an extension
with `register_format`. `make_file_processor(path)` is the format a path gets by default.
"""

from __future__ import annotations

from .. import formats
from ..formats import FileFormat
from .base import (
    BinaryFileProcessor,
    FileProcessor,
    GzipFileProcessor,
    NpyFileProcessor,
    NpzFileProcessor,
    PickleFileProcessor,
    TextFileProcessor,
    XmlFileProcessor,
)
from .pandas import (
    CsvFileProcessor,
    DataFrameType,
    FeatherFileProcessor,
    JsonFileProcessor,
    ParquetFileProcessor,
)

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


def default_formats() -> dict[str, FileFormat]:
    """The format of each extension before any `register_format` call."""
    return {
        ".pkl": PickleFileProcessor(),
        ".gz": GzipFileProcessor(),
        ".txt": TextFileProcessor(),
        ".ini": TextFileProcessor(),
        ".json": JsonFileProcessor(),
        ".ndjson": JsonFileProcessor(orient="records"),
        ".csv": CsvFileProcessor(sep=","),
        ".tsv": CsvFileProcessor(sep="\t"),
        ".xml": XmlFileProcessor(),
        ".npy": NpyFileProcessor(),
        ".npz": NpzFileProcessor(),
        ".parquet": ParquetFileProcessor(compression="gzip"),
        ".feather": FeatherFileProcessor(store_index_in_feather=True),
        ".png": BinaryFileProcessor(),
        ".jpg": BinaryFileProcessor(),
    }


def make_file_processor(
    file_path: str, store_index_in_feather: bool = True, *, dataframe_type: DataFrameType = "pandas"
) -> FileFormat:
    """The format `file_path` gets by its extension (a registered one included)."""
    if dataframe_type != "pandas":
        raise ValueError(f"dataframe_type={dataframe_type!r} is not supported; kartwheel reads DataFrames with pandas")
    file_format = formats.format_for(file_path)
    if isinstance(file_format, FeatherFileProcessor) and not store_index_in_feather:
        return FeatherFileProcessor(store_index_in_feather=False)
    return file_format
