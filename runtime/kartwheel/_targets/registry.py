"""File formats chosen by extension, in a registry a project can extend with `register_format`."""

from __future__ import annotations

from ..errors import UnknownFormatError
from .builtin import (
    BinaryFileProcessor,
    GzipFileProcessor,
    NpyFileProcessor,
    NpzFileProcessor,
    PickleFileProcessor,
    TextFileProcessor,
    XmlFileProcessor,
)
from .dataframe import CsvFileProcessor, DataFrameType, FeatherFileProcessor, JsonFileProcessor, ParquetFileProcessor
from .file_format import FileFormat

__all__ = [
    "FileFormat",
    "default_formats",
    "format_for",
    "make_file_processor",
    "register_format",
    "registered_suffixes",
    "resolve",
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


_FORMATS: dict[str, FileFormat] = default_formats()


def register_format(suffix: str, file_format: FileFormat | type[FileFormat]) -> None:
    """Make files ending in `suffix` (e.g. '.yaml' or '.csv.gz') read and written by `file_format`."""
    if not isinstance(suffix, str) or not suffix.startswith(".") or len(suffix) < 2 or "/" in suffix:
        raise ValueError(f"a format suffix starts with a dot, like '.yaml'; got {suffix!r}")
    if isinstance(file_format, type) and issubclass(file_format, FileFormat):
        file_format = file_format()
    if not isinstance(file_format, FileFormat):
        raise TypeError(f"register_format needs a FileFormat subclass or instance, got {type(file_format).__name__}")
    _FORMATS[suffix.lower()] = file_format
    _MATCH_ORDER[:] = _longest_first()


def _longest_first() -> list[str]:
    return sorted(_FORMATS, key=lambda suffix: (-len(suffix), suffix))


_MATCH_ORDER = _longest_first()


def registered_suffixes() -> list[str]:
    """The suffixes with a format, longest first (the order in which names are matched)."""
    return list(_MATCH_ORDER)


def resolve(path: str) -> tuple[str, str, FileFormat]:
    """Split `path` at its longest registered suffix: ('a/b.csv.gz' may give 'a/b', '.csv.gz', format)."""
    lowered = path.lower()
    for suffix in _MATCH_ORDER:
        if lowered.endswith(suffix) and len(path) > len(suffix) and path[-len(suffix) - 1] != "/":
            return path[: -len(suffix)], path[-len(suffix) :], _FORMATS[suffix]
    raise UnknownFormatError(
        f"no file format for {path!r}; use one of {', '.join(registered_suffixes())} "
        "or add one with kartwheel.register_format(suffix, FormatClass)"
    )


def format_for(path: str) -> FileFormat:
    """The format that reads and writes `path`, chosen by its longest registered suffix."""
    return resolve(path)[2]


def make_file_processor(
    file_path: str, store_index_in_feather: bool = True, *, dataframe_type: DataFrameType = "pandas"
) -> FileFormat:
    """The format `file_path` gets by its extension (a registered one included)."""
    if dataframe_type != "pandas":
        raise ValueError(f"dataframe_type={dataframe_type!r} is not supported; kartwheel reads DataFrames with pandas")
    file_format = format_for(file_path)
    if isinstance(file_format, FeatherFileProcessor) and not store_index_in_feather:
        return FeatherFileProcessor(store_index_in_feather=False)
    return file_format
