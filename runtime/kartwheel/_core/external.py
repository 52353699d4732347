"""`ExternalFile`: a raw input file as a task, whose content is part of the hash of every task that reads it.

Editing `data/raw/train.csv` then reruns exactly the tasks downstream of it, and a missing file is named
while the graph is being scheduled, before any task runs. The content is hashed with SHA-256; size and
modification time are the fast path: while they are unchanged, the hash noted earlier is reused, in this
process and (for a local workspace) in `<workspace>/log/external_files/` across runs.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

import luigi

from .._storage.storage import LocalStorage
from .._targets.registry import resolve
from .._targets.target import KartTarget
from ..errors import MissingInputError
from .task import TaskOnKart

__all__ = ["ExternalFile", "file_fingerprint"]

_CHUNK = 1 << 20
_memo: dict[str, tuple[int, int, str]] = {}  # absolute path -> (size, mtime_ns, sha256)


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _read_note(note: str | None) -> tuple[int, int, str] | None:
    if note is None:
        return None
    try:
        with open(note, encoding="utf-8") as file:
            data = json.load(file)
        return int(data["size"]), int(data["mtime_ns"]), str(data["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no note yet, or a damaged one: the content is hashed again


def _write_note(note: str, size: int, mtime_ns: int, sha256: str) -> None:
    os.makedirs(os.path.dirname(note), exist_ok=True)
    with LocalStorage().atomic_write(note, binary=False) as file:
        json.dump({"size": size, "mtime_ns": mtime_ns, "sha256": sha256}, file)


def file_fingerprint(path: str, note: str | None = None) -> str:
    """The SHA-256 of the file at path, recomputed only when its size or modification time changed.

    `note` is a JSON file that keeps the last fingerprint between processes (None: this process only).
    """
    absolute = os.path.abspath(path)
    stat = os.stat(absolute)
    key = (stat.st_size, stat.st_mtime_ns)
    for known in (_memo.get(absolute), _read_note(note)):
        if known is not None and known[:2] == key:
            _memo[absolute] = known
            return known[2]
    sha256 = _sha256(absolute)
    _memo[absolute] = (*key, sha256)
    if note is not None:
        _write_note(note, *key, sha256)
    return sha256


class ExternalFile(TaskOnKart[Any]):
    """A file made outside the pipeline (e.g. `ExternalFile(path='data/raw/train.csv')`); never run.

    A relative `path` is taken from `base_directory` (the current folder by default). The path as given and
    the file's content are in the hash; where the project lives is not, so a moved project keeps its outputs.
    """

    path = luigi.Parameter(description="The input file, relative to base_directory or absolute.")
    base_directory = luigi.Parameter(
        default=".",
        significant=False,
        positional=False,
        description="The folder a relative path is taken from.",
    )

    def full_path(self) -> str:
        """The file's location on disk."""
        return os.path.join(str(self.base_directory), str(self.path))

    def output(self) -> KartTarget:
        """The file itself, read in the format its extension names."""
        _, _, file_format = resolve(str(self.path).replace("\\", "/"))
        return KartTarget(self.full_path(), file_format, LocalStorage(), producer=self)

    def complete(self) -> bool:
        """Present, or a MissingInputError while the graph is scheduled, before any task runs."""
        if not os.path.isfile(self.full_path()):
            raise MissingInputError(self._missing_message())
        return True

    def requires(self) -> dict:
        return {}

    def run(self) -> None:
        raise MissingInputError(self._missing_message())

    def _missing_message(self) -> str:
        return (
            f"input file {self.full_path()} does not exist (ExternalFile path={str(self.path)!r}); "
            "put the file there, or correct the path"
        )

    def __kart_hash_inputs__(self) -> dict[str, str | None]:
        """The file's content fingerprint, so that an edited file gives new hashes to every task downstream."""
        location = self.full_path()
        if not os.path.isfile(location):  # made (e.g. as a default) before the file exists: complete() says so
            return {"sha256": None}
        return {"sha256": file_fingerprint(location, self._note_path(location))}

    def _note_path(self, location: str) -> str | None:
        workspace = str(self.workspace_directory)
        if "://" in workspace:
            return None
        name = hashlib.md5(os.path.abspath(location).encode("utf-8"), usedforsecurity=False).hexdigest()
        return os.path.join(workspace, "log", "external_files", f"{name}.json")
