"""How a task makes its targets: `make_target`, `make_model_target`, `make_large_data_frame_target`, and the
storage settings they read (a base class of `TaskOnKart`)."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any

import luigi

from .errors import WorkspaceEscapeError
from .file_processor import FeatherFileProcessor
from .formats import FileFormat, resolve
from .model_target import LargeDataFrameProcessor, ModelFormat
from .parameters import ExplicitBoolParameter, setting
from .storage import Storage, storage_for
from .target import KartTarget, ModelTarget, SingleFileTarget

__all__ = ["TargetFactory"]


class TargetFactory:
    """Targets inside the task's workspace, named with its hash."""

    store_index_in_feather = setting(
        ExplicitBoolParameter,
        True,
        "Keep a DataFrame's index in .feather outputs (in a column) and restore it on load.",
    )
    fail_on_empty_dump = setting(ExplicitBoolParameter, False, "Fail when the task dumps an empty DataFrame.")
    local_temporary_directory = setting(
        luigi.Parameter,
        "./resources/tmp/",
        "Where model targets unpack and pack their files (each in a fresh folder of its own).",
    )

    def make_target(
        self, relative_file_path: str | None = None, use_unique_id: bool = True, processor: FileFormat | None = None
    ) -> KartTarget:
        """A target in the workspace; the extension picks the format unless `processor` is given.

        Without a path: `<module path>/<Class>.pkl`, the default output.
        """
        if relative_file_path is None:
            relative_file_path = f"{type(self).__module__.replace('.', '/')}/{type(self).__name__}.pkl"
        relative = self._inside_workspace(relative_file_path)
        if processor is None:
            stem, suffix, file_format = resolve(relative)
            if not self.store_index_in_feather and isinstance(file_format, FeatherFileProcessor):
                file_format = FeatherFileProcessor(store_index_in_feather=False)
        else:
            stem, suffix = posixpath.splitext(relative)
            file_format = processor
        return self._workspace_target(stem, suffix, use_unique_id, file_format)

    def make_model_target(
        self,
        relative_file_path: str,
        save_function: Callable[[Any, str], Any],
        load_function: Callable[[str], Any],
        use_unique_id: bool = True,
    ) -> KartTarget:
        """A `.zip` target for a model saved by `save_function(model, path)` and read by `load_function(path)`."""
        relative = self._inside_workspace(relative_file_path)
        if not relative.endswith(".zip"):
            raise ValueError(f"{type(self).__name__}.make_model_target needs a '.zip' path, got {relative_file_path!r}")
        file_format = ModelFormat(save_function, load_function, str(self.local_temporary_directory))
        return self._workspace_target(relative[:-4], ".zip", use_unique_id, file_format)

    def make_large_data_frame_target(
        self, relative_file_path: str | None = None, use_unique_id: bool = True, max_byte: int = 1 << 26
    ) -> KartTarget:
        """A `.zip` target for a DataFrame stored in pickles of about `max_byte` bytes each."""
        if relative_file_path is None:
            relative_file_path = f"{type(self).__module__.replace('.', '/')}/{type(self).__name__}.zip"
        processor = LargeDataFrameProcessor(max_byte=max_byte)
        return self.make_model_target(relative_file_path, processor.save, LargeDataFrameProcessor.load, use_unique_id)

    def _workspace_target(self, stem: str, suffix: str, use_unique_id: bool, file_format: FileFormat) -> KartTarget:
        relative = f"{stem}_{self.make_unique_id()}{suffix}" if use_unique_id else f"{stem}{suffix}"
        workspace = str(self.workspace_directory)
        kind = ModelTarget if isinstance(file_format, ModelFormat) else SingleFileTarget
        return kind(Storage.join(workspace, relative), file_format, storage_for(workspace), producer=self)

    def _inside_workspace(self, relative_file_path: str) -> str:
        path = str(relative_file_path).replace("\\", "/")
        normalized = posixpath.normpath(path)
        if path.startswith("/") or "://" in path or normalized == ".." or normalized.startswith("../"):
            raise WorkspaceEscapeError(
                f"{type(self).__name__}.make_target({relative_file_path!r}) leads outside the workspace "
                f"{self.workspace_directory!r}; give a path relative to it, without '..'"
            )
        return normalized
