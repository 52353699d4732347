"""A target: one file of a task's output, a location plus a format, written atomically."""

from __future__ import annotations

import os
import pickle
import posixpath
from datetime import datetime
from typing import Any

import luigi

from .._storage.storage import Storage, storage_for
from ..errors import DumpError, KartwheelError, LoadError
from .file_format import FileFormat
from .registry import make_file_processor

__all__ = [
    "KartTarget",
    "ModelTarget",
    "SingleFileTarget",
    "TargetOnKart",
    "TargetPath",
    "load_targets",
    "location",
    "make_target",
    "with_unique_id",
]


class TargetPath(str):
    """A target's path: a str, and callable too, so that both `target.path` and gokart's `target.path()` work."""

    __slots__ = ()

    def __call__(self) -> str:
        return str.__str__(self)


# Errors a format's writer raises for an object it cannot hold (as opposed to I/O failures, which stay).
_UNWRITABLE = (TypeError, ValueError, AttributeError, RecursionError, pickle.PicklingError)


class TargetOnKart(luigi.Target):
    """What every target a task writes offers (gokart's name, for type hints and `isinstance`)."""

    path: TargetPath  # a str that is also callable, as gokart's `path()`

    def exists(self) -> bool:
        raise NotImplementedError

    def load(self) -> Any:
        raise NotImplementedError

    def dump(self, obj: Any) -> None:
        raise NotImplementedError

    def remove(self) -> None:
        raise NotImplementedError

    def last_modification_time(self) -> datetime:
        raise NotImplementedError


class KartTarget(TargetOnKart):
    """A file in a workspace; `str()` is its path, stable, as luigi's retry bookkeeping needs."""

    def __init__(
        self,
        path: str,
        file_format: FileFormat,
        storage: Storage,
        producer: object = None,
        workspace: str | None = None,
    ) -> None:
        self.path = TargetPath(path)
        self.format = file_format
        self.storage = storage
        self.producer = producer
        self.workspace = workspace  # the workspace it must stay inside (None: a target made outside any task)

    def confine(self) -> None:
        """Refuse a write (or a lock beside the file) that a symbolic link would lead outside the workspace."""
        workspace = getattr(self, "workspace", None)  # a target pickled by an older version has none
        if workspace is not None:
            self.storage.confine(workspace, self.path)

    def exists(self) -> bool:
        return self.storage.exists(self.path)

    def remove(self) -> None:
        self.storage.remove(self.path)

    def last_modification_time(self) -> datetime:
        """When the file was last written (local time, as gokart gives it); FileNotFoundError if it is missing."""
        return datetime.fromtimestamp(self.storage.modification_time(self.path))

    def dump(self, obj: Any) -> None:
        """Write `obj`; the file appears complete or not at all."""
        self.confine()
        try:
            with self.storage.atomic_write(self.path, self.format.binary) as file:
                self.format.write(obj, file)
        except DumpError as exc:
            raise DumpError(f"cannot write {self.path}: {exc}") from exc
        except _UNWRITABLE as exc:
            raise DumpError(f"cannot write a {type(obj).__name__} to {self.path} with {self.format!r}: {exc}") from exc

    def load(self) -> Any:
        """Read the object back; a missing or damaged file raises `LoadError` saying what to do."""
        writer = f"{self.producer}" if self.producer is not None else "the task that writes it"
        try:
            with self.storage.open_read(self.path, self.format.binary) as file:
                return self.format.read(file)
        except FileNotFoundError as exc:
            raise LoadError(f"{self.path} does not exist; it is written by {writer}: run that task first") from exc
        except KartwheelError:
            raise
        except Exception as exc:
            raise LoadError(
                f"cannot read {self.path} (written by {writer}) with {self.format!r}: "
                f"{type(exc).__name__}: {exc}. The file is damaged or not in that format; delete it "
                "(or run its task with rerun=True) so that it is written again"
            ) from exc

    def __str__(self) -> str:
        return str.__str__(self.path)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.path!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KartTarget) and other.path == self.path

    def __hash__(self) -> int:
        return hash(self.path)


class SingleFileTarget(KartTarget):
    """A target holding one object in one file (`make_target`)."""


class ModelTarget(KartTarget):
    """A `.zip` holding a model saved and loaded by the user's functions (`make_model_target`)."""


def load_targets(targets: Any) -> Any:
    """Load a target, or a dict / list / tuple of them (nested), keeping the shape (tuples as lists)."""
    if isinstance(targets, dict):
        return {key: load_targets(value) for key, value in targets.items()}
    if isinstance(targets, (list, tuple)):
        return [load_targets(value) for value in targets]
    return targets.load()


def with_unique_id(path: str, unique_id: str | None) -> str:
    """`dir/name.ext` as `dir/name_<unique_id>.ext` (unchanged without a unique id)."""
    if unique_id is None:
        return path
    stem, suffix = posixpath.splitext(path)
    return f"{stem}_{unique_id}{suffix}"


def make_target(
    file_path: str,
    unique_id: str | None = None,
    processor: FileFormat | None = None,
    store_index_in_feather: bool = True,
) -> KartTarget:
    """A target at `file_path` (a path or URL), outside any task; the extension picks the format unless
    `processor` is given, and a `unique_id` is appended to the file name as tasks do."""
    file_path = with_unique_id(os.fspath(file_path), unique_id)
    if processor is None:
        processor = make_file_processor(file_path, store_index_in_feather=store_index_in_feather)
    return SingleFileTarget(file_path, processor, storage_for(location(file_path)))


def location(file_path: str) -> str:
    """What picks the storage of a path: its URL scheme, or the local disk."""
    scheme, separator, _ = file_path.partition("://")
    return f"{scheme}://" if separator else "."
