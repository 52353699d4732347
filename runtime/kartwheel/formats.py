"""File formats chosen by extension, in a registry a project can extend with `register_format`.

A format implements only the raw read and write of one open file; targets do the locking, atomic
publishing and error reporting. Formats that need pandas, numpy or pyarrow import them on first use.
"""

from __future__ import annotations

import gzip
import importlib
import json
import pickle
from abc import ABC, abstractmethod
from types import ModuleType
from typing import IO, Any, cast

from .errors import DumpError, MissingDependencyError, UnknownFormatError
from .huge_pages import HugePageReader

__all__ = ["FileFormat", "format_for", "register_format", "registered_suffixes"]


class FileFormat(ABC):
    """Reads and writes one kind of file; `binary` says whether it gets a bytes or a text file."""

    binary: bool = True

    @abstractmethod
    def write(self, obj: Any, file: IO) -> None:
        """Write `obj` to the open `file`; raise `DumpError` for an object this format cannot hold."""

    @abstractmethod
    def read(self, file: IO) -> Any:
        """Read the object back from the open `file`."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _require(module: str, extra: str, suffix: str) -> ModuleType:
    """Import an optional library, or say which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(
            f"'{suffix}' files need the optional library '{module.split('.')[0]}', which is not installed; "
            f"install it with `pip install 'kartwheel[{extra}]'`"
        ) from exc


class PickleFormat(FileFormat):
    """cloudpickle, so lambdas and local classes survive; plain objects load with `pickle.load`."""

    def write(self, obj: Any, file: IO) -> None:
        import cloudpickle

        cloudpickle.dump(obj, file, protocol=pickle.HIGHEST_PROTOCOL)

    def read(self, file: IO) -> Any:
        return pickle.load(HugePageReader(file) if hasattr(file, "readinto") else file)


class GzipPickleFormat(PickleFormat):
    """A gzip-compressed pickle, for large objects that compress well."""

    def write(self, obj: Any, file: IO) -> None:
        with gzip.GzipFile(fileobj=file, mode="wb", mtime=0) as compressed:
            super().write(obj, cast(IO[bytes], compressed))

    def read(self, file: IO) -> Any:
        with gzip.GzipFile(fileobj=file, mode="rb") as compressed:
            return super().read(cast(IO[bytes], compressed))


class TextFormat(FileFormat):
    """Plain UTF-8 text: a `str` as it is, or a list of strings one per line; loads as `str`."""

    binary = False

    def write(self, obj: Any, file: IO) -> None:
        if isinstance(obj, (list, tuple)) and all(isinstance(line, str) for line in obj):
            obj = "".join(f"{line}\n" for line in obj)
        if not isinstance(obj, str):
            raise DumpError(f"a .txt file holds a str or a list of str, got {type(obj).__name__}; use .pkl")
        file.write(obj)

    def read(self, file: IO) -> Any:
        return file.read()


class JsonFormat(FileFormat):
    """JSON, for plain data that other tools and untrusted readers may open."""

    binary = False

    def write(self, obj: Any, file: IO) -> None:
        try:
            text = json.dumps(obj, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise DumpError(f"a .json file holds plain data only ({exc}); use .pkl for other objects") from exc
        file.write(text)

    def read(self, file: IO) -> Any:
        return json.load(file)


def _dataframe(obj: Any, suffix: str) -> Any:
    """Check that `obj` is a pandas DataFrame (importing pandas only now)."""
    pd = _require("pandas", "pandas", suffix)
    if isinstance(obj, pd.Series):
        obj = obj.to_frame()
    if not isinstance(obj, pd.DataFrame):
        raise DumpError(f"a {suffix} file holds a pandas DataFrame, got {type(obj).__name__}; use .pkl")
    return obj


class DelimitedFormat(FileFormat):
    """CSV or TSV of a pandas DataFrame, without its index."""

    binary = False

    def __init__(self, sep: str, suffix: str) -> None:
        self.sep, self.suffix = sep, suffix

    def write(self, obj: Any, file: IO) -> None:
        _dataframe(obj, self.suffix).to_csv(file, sep=self.sep, index=False)

    def read(self, file: IO) -> Any:
        pd = _require("pandas", "pandas", self.suffix)
        try:
            return pd.read_csv(file, sep=self.sep)
        except pd.errors.EmptyDataError:
            return pd.DataFrame()

    def __repr__(self) -> str:
        return f"DelimitedFormat(sep={self.sep!r}, suffix={self.suffix!r})"


class NpyFormat(FileFormat):
    """One numpy array, without pickled objects so that loading never runs code."""

    def write(self, obj: Any, file: IO) -> None:
        np = _require("numpy", "numpy", ".npy")
        try:
            np.save(file, np.asanyarray(obj), allow_pickle=False)
        except ValueError as exc:
            raise DumpError(f"a .npy file holds a numeric array ({exc}); use .pkl for object arrays") from exc

    def read(self, file: IO) -> Any:
        np = _require("numpy", "numpy", ".npy")
        return np.load(file, allow_pickle=False)


class NpzFormat(FileFormat):
    """Several named numpy arrays (a dict of arrays, or one array stored as `arr_0`); loads as a dict."""

    def write(self, obj: Any, file: IO) -> None:
        np = _require("numpy", "numpy", ".npz")
        arrays = obj if isinstance(obj, dict) else {"arr_0": obj}
        try:
            np.savez(file, **{str(key): np.asanyarray(value) for key, value in arrays.items()})
        except ValueError as exc:
            raise DumpError(f"a .npz file holds numeric arrays ({exc}); use .pkl for object arrays") from exc

    def read(self, file: IO) -> Any:
        np = _require("numpy", "numpy", ".npz")
        with np.load(file, allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}


class ParquetFormat(FileFormat):
    """A pandas DataFrame in Parquet (pyarrow)."""

    def write(self, obj: Any, file: IO) -> None:
        frame = _dataframe(obj, ".parquet")
        _require("pyarrow", "parquet", ".parquet")
        frame.to_parquet(file)

    def read(self, file: IO) -> Any:
        pd = _require("pandas", "parquet", ".parquet")
        _require("pyarrow", "parquet", ".parquet")
        return pd.read_parquet(file)


class FeatherFormat(FileFormat):
    """A pandas DataFrame in Feather (pyarrow); the index must be the default one."""

    def write(self, obj: Any, file: IO) -> None:
        frame = _dataframe(obj, ".feather")
        _require("pyarrow", "parquet", ".feather")
        try:
            frame.to_feather(file)
        except ValueError as exc:
            raise DumpError(f"cannot write Feather: {exc}; call reset_index() first or use .parquet") from exc

    def read(self, file: IO) -> Any:
        pd = _require("pandas", "parquet", ".feather")
        _require("pyarrow", "parquet", ".feather")
        return pd.read_feather(file)


_FORMATS: dict[str, FileFormat] = {
    ".pkl": PickleFormat(),
    ".gz": GzipPickleFormat(),
    ".txt": TextFormat(),
    ".json": JsonFormat(),
    ".csv": DelimitedFormat(",", ".csv"),
    ".tsv": DelimitedFormat("\t", ".tsv"),
    ".npy": NpyFormat(),
    ".npz": NpzFormat(),
    ".parquet": ParquetFormat(),
    ".feather": FeatherFormat(),
}


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
