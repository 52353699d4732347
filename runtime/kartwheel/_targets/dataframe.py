"""The DataFrame formats: CSV/TSV, JSON, Parquet and Feather, with pandas (and pyarrow) imported on first use."""

from __future__ import annotations

import io
import json
from typing import IO, Any, Literal

from ..errors import DumpError
from .file_format import FileFormat, require

__all__ = [
    "CsvFileProcessor",
    "DataFrameType",
    "FeatherFileProcessor",
    "JsonFileProcessor",
    "ParquetFileProcessor",
]

DataFrameType = Literal["pandas"]

# The column a DataFrame's index is stored in by FeatherFileProcessor(store_index_in_feather=True); the
# name is gokart's, so that files written by either load in the other.
INDEX_COLUMN_PREFIX = "__feather_gokart_index__"


def _check_dataframe_type(dataframe_type: str) -> None:
    if dataframe_type != "pandas":
        raise ValueError(f"dataframe_type={dataframe_type!r} is not supported; kartwheel reads DataFrames with pandas")


def _dataframe(obj: Any, suffix: str, extra: str = "pandas", series: bool = True) -> Any:
    """Check that `obj` is a pandas DataFrame (or Series, as a one-column frame), importing pandas only now."""
    pd = require("pandas", extra, suffix)
    if series and isinstance(obj, pd.Series):
        obj = obj.to_frame()
    if not isinstance(obj, pd.DataFrame):
        raise DumpError(f"a {suffix} file holds a pandas DataFrame, got {type(obj).__name__}; use .pkl")
    return obj


class CsvFileProcessor(FileFormat):
    """CSV (or any `sep`) of a DataFrame or Series, without its index, in `encoding` (UTF-8 by default)."""

    def __init__(self, sep: str = ",", encoding: str = "utf-8", dataframe_type: DataFrameType = "pandas") -> None:
        _check_dataframe_type(dataframe_type)
        self.sep, self.encoding = sep, encoding

    def write(self, obj: Any, file: IO) -> None:
        frame = _dataframe(obj, ".csv")
        text = io.TextIOWrapper(file, encoding=self.encoding, newline="")
        try:
            frame.to_csv(text, sep=self.sep, index=False)
            text.flush()
        finally:
            text.detach()

    def read(self, file: IO) -> Any:
        pd = require("pandas", "pandas", ".csv")
        try:
            return pd.read_csv(file, sep=self.sep, encoding=self.encoding)
        except pd.errors.EmptyDataError:
            return pd.DataFrame()

    def __repr__(self) -> str:
        return f"CsvFileProcessor(sep={self.sep!r}, encoding={self.encoding!r})"


class JsonFileProcessor(FileFormat):
    """JSON. Without `orient`: plain data as it is, a DataFrame or Series in pandas' table form, each loading
    back as what was dumped. With `orient` ('records' gives one object per line): pandas' `to_json`/`read_json`
    with that orient, DataFrames (or dicts of columns) in, DataFrames out."""

    def __init__(self, orient: str | None = None, dataframe_type: DataFrameType = "pandas") -> None:
        _check_dataframe_type(dataframe_type)
        self.orient = orient

    def write(self, obj: Any, file: IO) -> None:
        if self.orient is not None:
            file.write(self._pandas_json(obj).encode("utf-8"))
            return
        if _is_pandas(obj):
            text = _dataframe(obj, ".json").to_json(orient="table")
        else:
            try:
                text = json.dumps(obj, ensure_ascii=False, allow_nan=False)
            except (TypeError, ValueError) as exc:
                raise DumpError(
                    f"a .json file holds plain data or a DataFrame ({exc}); use .pkl for other objects"
                ) from exc
        file.write(text.encode("utf-8"))

    def _pandas_json(self, obj: Any) -> str:
        pd = require("pandas", "pandas", ".json")
        if isinstance(obj, dict):
            obj = pd.DataFrame.from_dict(obj)
        if not isinstance(obj, (pd.DataFrame, pd.Series)):
            raise DumpError(f"JSON with orient={self.orient!r} holds a DataFrame or a dict of columns, got {type(obj)}")
        records = self.orient == "records"
        text = obj.to_json(orient=self.orient, lines=records)
        return text if not records or text.endswith("\n") else text + "\n"

    def read(self, file: IO) -> Any:
        text = file.read().decode("utf-8")
        if self.orient is not None:
            pd = require("pandas", "pandas", ".json")
            records = self.orient == "records"
            if not text.strip():
                return pd.DataFrame()
            return pd.read_json(io.StringIO(text), orient=self.orient, lines=records)
        data = json.loads(text)
        if _is_table(data):
            pd = require("pandas", "pandas", ".json")
            return pd.read_json(io.StringIO(text), orient="table")
        return data

    def __repr__(self) -> str:
        return f"JsonFileProcessor(orient={self.orient!r})"


def _is_pandas(obj: Any) -> bool:
    """Whether `obj` is a pandas DataFrame or Series, without importing pandas for anything else."""
    return type(obj).__module__.startswith("pandas") and type(obj).__name__ in ("DataFrame", "Series")


def _is_table(data: Any) -> bool:
    """Whether parsed JSON is a DataFrame written in pandas' table form (a schema naming pandas)."""
    return (
        isinstance(data, dict)
        and set(data) == {"schema", "data"}
        and isinstance(data["schema"], dict)
        and "pandas_version" in data["schema"]
    )


class ParquetFileProcessor(FileFormat):
    """A DataFrame in Parquet, index included; `compression` as pandas takes it ('gzip', 'snappy', None...)."""

    def __init__(self, engine: Any = "pyarrow", compression: Any = None, dataframe_type: DataFrameType = "pandas"):
        _check_dataframe_type(dataframe_type)
        self.engine, self.compression = engine, compression

    def write(self, obj: Any, file: IO) -> None:
        frame = _dataframe(obj, ".parquet", "parquet", series=False)
        require("pyarrow", "parquet", ".parquet")
        frame.to_parquet(file, engine=self.engine, compression=self.compression)

    def read(self, file: IO) -> Any:
        pd = require("pandas", "parquet", ".parquet")
        require("pyarrow", "parquet", ".parquet")
        return pd.read_parquet(_seekable(file), engine=self.engine)

    def __repr__(self) -> str:
        return f"ParquetFileProcessor(engine={self.engine!r}, compression={self.compression!r})"


class FeatherFileProcessor(FileFormat):
    """A DataFrame in Feather; with `store_index_in_feather` its index is kept in a column and restored."""

    def __init__(self, store_index_in_feather: bool = True, dataframe_type: DataFrameType = "pandas") -> None:
        _check_dataframe_type(dataframe_type)
        self.store_index_in_feather = store_index_in_feather

    def write(self, obj: Any, file: IO) -> None:
        frame = _dataframe(obj, ".feather", "parquet", series=False)
        require("pyarrow", "parquet", ".feather")
        if self.store_index_in_feather:
            column = f"{INDEX_COLUMN_PREFIX}{frame.index.name}"
            if column in frame.columns:
                raise DumpError(f"the DataFrame already has a column {column!r}; rename it or use .parquet")
            if frame.index.name == "None":
                raise DumpError("an index named 'None' cannot be stored in Feather; rename the index")
            frame = frame.assign(**{column: frame.index}).reset_index(drop=True)
        try:
            frame.to_feather(file)
        except ValueError as exc:
            raise DumpError(
                f"cannot write Feather: {exc}; call reset_index() first, keep store_index_in_feather=True, "
                "or use .parquet"
            ) from exc

    def read(self, file: IO) -> Any:
        pd = require("pandas", "parquet", ".feather")
        require("pyarrow", "parquet", ".feather")
        frame = pd.read_feather(_seekable(file))
        if self.store_index_in_feather:
            stored = [column for column in frame.columns if str(column).startswith(INDEX_COLUMN_PREFIX)]
            if stored:
                column = stored[-1]
                name = column[len(INDEX_COLUMN_PREFIX) :]
                frame.index = pd.Index(frame[column].values, name=None if name == "None" else name)
                frame = frame.drop(columns=[column])
        return frame

    def __repr__(self) -> str:
        return f"FeatherFileProcessor(store_index_in_feather={self.store_index_in_feather!r})"


def _seekable(file: IO) -> IO:
    """The file itself when it can seek (pyarrow needs to), else its bytes in memory (some remote files)."""
    return file if getattr(file, "seekable", lambda: False)() else io.BytesIO(file.read())
