"""Model targets: an object saved by the user's own function into a folder, zipped, published atomically.

For models that write several files (gensim, TensorFlow, ...). The zip holds `model.pkl` (or whatever the
save function wrote under that path) and `load_function.pkl`, gokart's layout, so a zip from either loads.
"""

from __future__ import annotations

import io
import os
import pickle
from collections.abc import Callable
from typing import IO, Any

from .._storage.storage import storage_for
from ..errors import DumpError, LoadError
from .file_format import FileFormat, require
from .target import ModelTarget, location, with_unique_id

__all__ = ["LargeDataFrameProcessor", "ModelFormat", "make_model_target"]

MODEL_NAME = "model.pkl"
LOAD_FUNCTION_NAME = "load_function.pkl"


class ModelFormat(FileFormat):
    """A zip of the folder `save_function(obj, folder/model.pkl)` filled; loads with `load_function(path)`."""

    def __init__(
        self,
        save_function: Callable[[Any, str], Any],
        load_function: Callable[[str], Any] | None,
        temporary_directory: str | None = None,
    ) -> None:
        if not callable(save_function):
            raise TypeError(f"save_function must be callable as save_function(obj, path), got {save_function!r}")
        if load_function is not None and not callable(load_function):
            raise TypeError(f"load_function must be callable as load_function(path), got {load_function!r}")
        self.save_function, self.load_function = save_function, load_function
        self.temporary_directory = temporary_directory

    def _work_directory(self) -> Any:
        """A fresh folder of our own (never shared with another process), removed when done."""
        import tempfile

        if self.temporary_directory is not None:
            os.makedirs(self.temporary_directory, exist_ok=True)
        return tempfile.TemporaryDirectory(dir=self.temporary_directory, prefix="kartwheel-model-")

    def write(self, obj: Any, file: IO) -> None:
        import zipfile

        import cloudpickle

        with self._work_directory() as work:
            self.save_function(obj, os.path.join(work, MODEL_NAME))
            with open(os.path.join(work, LOAD_FUNCTION_NAME), "wb") as function_file:
                cloudpickle.dump(self.load_function, function_file, protocol=pickle.HIGHEST_PROTOCOL)
            with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for folder, _, names in sorted(os.walk(work)):
                    for name in sorted(names):
                        path = os.path.join(folder, name)
                        archive.write(path, os.path.relpath(path, work))

    def read(self, file: IO) -> Any:
        import zipfile

        source = file if getattr(file, "seekable", lambda: False)() else io.BytesIO(file.read())
        with self._work_directory() as work:
            with zipfile.ZipFile(source) as archive:
                archive.extractall(work)  # zipfile drops absolute and '..' parts of member names
            load_function = self.load_function
            if load_function is None:
                with open(os.path.join(work, LOAD_FUNCTION_NAME), "rb") as function_file:
                    load_function = pickle.load(function_file)
            if load_function is None:
                raise LoadError("the model archive holds no load function; give load_function= to the target")
            return load_function(os.path.join(work, MODEL_NAME))

    def __repr__(self) -> str:
        return f"ModelFormat(save_function={self.save_function!r}, load_function={self.load_function!r})"


def make_model_target(
    file_path: str,
    temporary_directory: str | None,
    save_function: Callable[[Any, str], Any],
    load_function: Callable[[str], Any] | None,
    unique_id: str | None = None,
) -> ModelTarget:
    """A `.zip` target at `file_path` holding a model saved by `save_function` and read by `load_function`."""
    file_path = os.fspath(file_path)
    if not file_path.endswith(".zip"):
        raise ValueError(f"a model target is a zip file; name it '....zip', got {file_path!r}")
    file_path = with_unique_id(file_path, unique_id)
    file_format = ModelFormat(save_function, load_function, temporary_directory)
    return ModelTarget(file_path, file_format, storage_for(location(file_path)))


class LargeDataFrameProcessor:
    """Saves a DataFrame as pickles of about `max_byte` bytes each (`data_0.pkl`, ...) beside `file_path`."""

    def __init__(self, max_byte: int) -> None:
        self.max_byte = int(max_byte)
        if self.max_byte <= 0:
            raise ValueError(f"max_byte must be a positive number of bytes, got {max_byte!r}")

    def save(self, df: Any, file_path: str) -> None:
        pd = require("pandas", "pandas", ".zip")
        if not isinstance(df, pd.DataFrame):
            raise DumpError(f"a large DataFrame target holds a pandas DataFrame, got {type(df).__name__}")
        folder = os.path.dirname(file_path)
        os.makedirs(folder, exist_ok=True)
        rows = len(df)
        chunks = 1 if df.empty else min(rows, df.values.nbytes // self.max_byte + 1)
        for index in range(chunks):
            # The row ranges of numpy.array_split: the first `rows % chunks` chunks get one row more.
            size, extra = divmod(rows, chunks)
            start = index * size + min(index, extra)
            stop = start + size + (1 if index < extra else 0)
            df.iloc[start:stop].to_pickle(os.path.join(folder, f"data_{index}.pkl"))

    @staticmethod
    def load(file_path: str) -> Any:
        pd = require("pandas", "pandas", ".zip")
        folder = os.path.dirname(file_path)
        numbered = []
        for name in os.listdir(folder):
            stem, _, suffix = name.partition(".")
            if stem.startswith("data_") and stem[5:].isdigit() and suffix == "pkl":
                numbered.append((int(stem[5:]), name))
        if not numbered:
            raise LoadError(f"no data_<n>.pkl chunks in {folder}; the archive was not written by this target")
        return pd.concat([pd.read_pickle(os.path.join(folder, name)) for _, name in sorted(numbered)])
