"""How a task makes its targets: a place inside its workspace named with its hash, and a format.

`TaskOnKart.make_target`, `make_model_target` and `make_large_data_frame_target` are thin calls into
this module; it is also where a path that would leave the workspace is refused.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import luigi

from .._storage.storage import Storage, storage_for
from .._targets.dataframe import FeatherFileProcessor
from .._targets.file_format import FileFormat
from .._targets.model import LargeDataFrameProcessor, ModelFormat
from .._targets.registry import resolve
from .._targets.target import KartTarget, ModelTarget, SingleFileTarget
from ..errors import KartwheelError, WorkspaceEscapeError

__all__ = ["Place", "default_path", "file_target", "large_data_frame_target", "model_target", "named_output"]


def default_path(task_class: type, suffix: str) -> str:
    """`<module path>/<Class><suffix>`: where a task's default output lives in its workspace."""
    return f"{task_class.__module__.replace('.', '/')}/{task_class.__name__}{suffix}"


@dataclass(frozen=True)
class Place:
    """Where a target of a task goes: its workspace and its path there, hash not yet added."""

    workspace: str
    stem: str
    suffix: str
    unique_id: Callable[[], str] | None  # the task's hash, asked only when the name is made
    producer: Any = None  # the task that writes it, named when it cannot be read

    @classmethod
    def inside(
        cls,
        owner: str,
        workspace: str,
        relative_file_path: str,
        unique_id: Callable[[], str] | None,
        required_suffix: str | None = None,
        producer: Any = None,
    ) -> Place:
        """The place of `relative_file_path` in `workspace`, refused when it leads outside it."""
        path = str(relative_file_path).replace("\\", "/")
        normalized = posixpath.normpath(path)
        if path.startswith("/") or "://" in path or normalized == ".." or normalized.startswith("../"):
            raise WorkspaceEscapeError(
                f"{owner}.make_target({relative_file_path!r}) leads outside the workspace "
                f"{workspace!r}; give a path relative to it, without '..'"
            )
        if required_suffix is not None and not normalized.endswith(required_suffix):
            raise ValueError(f"{owner}.make_model_target needs a '{required_suffix}' path, got {relative_file_path!r}")
        stem, suffix = (normalized[: -len(required_suffix)], required_suffix) if required_suffix else ("", "")
        return cls(workspace, stem or normalized, suffix, unique_id, producer)

    def location(self, suffix: str | None = None, stem: str | None = None) -> str:
        """The full path or URL, `<workspace>/<stem>_<hash><suffix>`."""
        stem = self.stem if stem is None else stem
        suffix = self.suffix if suffix is None else suffix
        relative = f"{stem}_{self.unique_id()}{suffix}" if self.unique_id is not None else f"{stem}{suffix}"
        return Storage.join(self.workspace, relative)


def file_target(place: Place, processor: FileFormat | None, store_index_in_feather: bool) -> KartTarget:
    """A one-file target; its extension picks the format unless `processor` is given."""
    if processor is None:
        stem, suffix, file_format = resolve(place.stem)
        if not store_index_in_feather and isinstance(file_format, FeatherFileProcessor):
            file_format = FeatherFileProcessor(store_index_in_feather=False)
    else:
        stem, suffix = posixpath.splitext(place.stem)
        file_format = processor
    location = place.location(suffix, stem)
    return SingleFileTarget(
        location, file_format, storage_for(place.workspace), producer=place.producer, workspace=place.workspace
    )


def model_target(
    place: Place, save_function: Callable[[Any, str], Any], load_function: Callable[[str], Any], temporary: str
) -> KartTarget:
    """A `.zip` target for a model its own functions save and load."""
    file_format = ModelFormat(save_function, load_function, temporary)
    return ModelTarget(
        place.location(), file_format, storage_for(place.workspace), producer=place.producer, workspace=place.workspace
    )


def large_data_frame_target(place: Place, max_byte: int, temporary: str) -> KartTarget:
    """A `.zip` target for a DataFrame stored in pickles of about `max_byte` bytes each."""
    processor = LargeDataFrameProcessor(max_byte=max_byte)
    return model_target(place, processor.save, LargeDataFrameProcessor.load, temporary)


def named_output(task: Any, output: Any, key: str | luigi.Target | None) -> luigi.Target:
    """The output `dump(obj, key)` writes: the only one, the one named `key`, or `key` itself."""
    if isinstance(key, luigi.Target):
        return key
    if key is None:
        if isinstance(output, luigi.Target):
            return output
        names = ", ".join(map(repr, output)) if isinstance(output, dict) else "several"
        raise KartwheelError(f"{task} declares outputs {names}; name the one to write: self.dump(obj, name)")
    if not isinstance(output, dict) or key not in output:
        names = ", ".join(map(repr, output)) if isinstance(output, dict) else "none"
        raise KeyError(f"{task} has no output named {key!r}; its named outputs are: {names}")
    return output[key]
