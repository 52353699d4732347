"""Where bytes live: a local disk or, through fsspec, any URL; the one seam for remote workspaces.

Every write is atomic: the data goes to a uniquely named temporary file beside the destination and is
published with a rename only once complete, so a crashed or killed process never leaves a file that
looks finished. There is no fsync: on this kind of disk it costs 0.7 to 4.5 ms a file, more than a
whole task should, and ext4 (data=ordered, auto_da_alloc) already flushes a file replaced by rename
before the rename itself reaches the journal.
"""

from __future__ import annotations

import collections
import contextlib
import io
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import IO, Any

from ..errors import MissingDependencyError, WorkspaceEscapeError
from . import leftovers
from .leftovers import temporary_name
from .locks import folder_lock
from .log_writer_process import write_file
from .options import storage_options

__all__ = ["FsspecStorage", "LocalStorage", "Storage", "scheduling_pass", "storage_for"]


class Storage(ABC):
    """The file operations targets need, for one kind of location."""

    @abstractmethod
    def exists(self, path: str) -> bool:
        """Whether a published file is at `path`."""

    @abstractmethod
    def remove(self, path: str) -> None:
        """Delete `path` if it is there."""

    @abstractmethod
    def modification_time(self, path: str) -> float:
        """Seconds since the epoch at which `path` was last written."""

    @abstractmethod
    def open_read(self, path: str, binary: bool) -> IO:
        """Open `path` for reading (text is UTF-8)."""

    @abstractmethod
    def atomic_write(self, path: str, binary: bool) -> contextlib.AbstractContextManager[IO]:
        """A file to write; published at `path` when the block ends cleanly, discarded on any error."""

    @abstractmethod
    def write_whole(self, path: str, data: bytes | str) -> None:
        """Write small `data` to `path` in one call, without the temporary file (for logs)."""

    def write_many(self, files: list[tuple[str, bytes]]) -> None:
        """Write several small files as `write_whole` does (a remote storage sends them at once)."""
        for path, data in files:
            self.write_whole(path, data)

    def writer_lock(self, path: str) -> contextlib.AbstractContextManager[bool]:
        """An exclusive lock named `path` across processes and hosts; the base has none (one writer assumed)."""
        return contextlib.nullcontext(False)

    def confine(self, workspace: str, path: str) -> None:
        """Raise WorkspaceEscapeError when writing `path` would land outside `workspace` although its name is
        inside (a symbolic link on the way); the base has no links to follow (names were checked already)."""
        return None

    def sweep_leftovers(self, path: str, locked: bool = False) -> list[str]:
        """Remove temporary files of dead writers of `path`; returns what was removed. `locked`: the
        caller holds `path`'s writer lock. The base has nothing to sweep."""
        return []

    @abstractmethod
    def list_files(self, directory: str) -> dict[str, float]:
        """The files directly in `directory`, by name, with their modification times; {} when it is absent."""

    @staticmethod
    def join(*parts: str) -> str:
        """Join path parts with '/', the separator of both local paths and URLs. An empty part adds nothing,
        so an empty workspace ('') is the current folder, as in `os.path.join` and gokart."""
        head = [part.rstrip("/") for part in parts[:-1] if part]
        return "/".join([*head, parts[-1]]) if head else parts[-1]


class LocalStorage(Storage):
    """Files on a local or shared (NFS, ...) filesystem."""

    def __init__(self) -> None:
        self._swept_directories: set[str] = set()
        self._swept_in: int | None = None  # the pid that swept them (a forked worker sweeps again)
        self._confined: set[tuple[str, str]] = set()  # (workspace, folder) resolved inside, in this process
        self._confined_in: int | None = None

    def confine(self, workspace: str, path: str) -> None:
        """Resolve the folder of `path` (once per folder and process) and refuse it when a symbolic link in
        the workspace leads it outside; the workspace itself may be a link."""
        folder = os.path.dirname(path) or "."
        if self._confined_in != os.getpid():
            self._confined, self._confined_in = set(), os.getpid()
        if (workspace, folder) in self._confined:
            return
        root = os.path.realpath(workspace or ".")
        real = os.path.realpath(folder)
        if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
            raise WorkspaceEscapeError(
                f"{path} would be written outside the workspace {workspace!r}: its folder {folder!r} is "
                f"{real!r} once symbolic links are followed; remove the link from the workspace (or make "
                "workspace_directory the folder the outputs should go to)"
            )
        self._confined.add((workspace, folder))

    def writer_lock(self, path: str) -> contextlib.AbstractContextManager[bool]:
        return folder_lock(path)

    def sweep_leftovers(self, path: str, locked: bool = False) -> list[str]:
        """Sweep the directory of `path`, once per process: one listing, not one per task written."""
        directory = os.path.dirname(path) or "."
        if self._swept_in != os.getpid():
            self._swept_directories, self._swept_in = set(), os.getpid()
        if directory in self._swept_directories:
            return []
        self._swept_directories.add(directory)
        swept = []
        now = time.time()
        with contextlib.suppress(FileNotFoundError), os.scandir(directory) as entries:
            for entry in entries:
                if ".tmp-" not in entry.name:
                    continue
                with contextlib.suppress(FileNotFoundError):
                    if leftovers.is_dead_leftover(entry.name, entry.stat().st_mtime, now):
                        os.remove(entry.path)
                        swept.append(entry.path)
        leftovers.report(swept)
        return swept

    def exists(self, path: str) -> bool:
        return os.path.exists(path)

    def remove(self, path: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)

    def modification_time(self, path: str) -> float:
        return os.stat(path).st_mtime

    def open_read(self, path: str, binary: bool) -> IO:
        return open(path, "rb") if binary else open(path, encoding="utf-8", newline="")

    @contextlib.contextmanager
    def atomic_write(self, path: str, binary: bool) -> Iterator[IO]:
        self.sweep_leftovers(path)
        temporary = temporary_name(path)
        try:
            with self._create(temporary, binary) as file:
                yield file
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.remove(temporary)
            raise

    def write_whole(self, path: str, data: bytes | str) -> None:
        write_file(path, data.encode("utf-8") if isinstance(data, str) else data)

    def list_files(self, directory: str) -> dict[str, float]:
        try:
            with os.scandir(directory) as entries:
                return {entry.name: entry.stat().st_mtime for entry in entries if entry.is_file()}
        except FileNotFoundError:
            return {}

    @staticmethod
    def _create(path: str, binary: bool) -> IO:
        """Create a file to write, making its directory only when it is missing (the rare case)."""
        try:
            return _open_new(path, binary)
        except FileNotFoundError:
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
            return _open_new(path, binary)


def _open_new(path: str, binary: bool) -> IO:
    """Open a file that must not exist yet, for bytes or for UTF-8 text as written (no newline translation)."""
    return open(path, "xb") if binary else open(path, "x", encoding="utf-8", newline="")


class FsspecStorage(Storage):
    """Any filesystem fsspec knows (s3://, gs://, memory://, ...); install `kartwheel[remote]`."""

    def __init__(self, protocol: str, options: dict | None = None) -> None:
        try:
            import fsspec
        except ImportError as exc:
            raise MissingDependencyError(
                f"a workspace at '{protocol}://' needs fsspec; install it with `pip install 'kartwheel[remote]'` "
                "and the filesystem's own package (`pip install 'kartwheel[s3]'` for s3://)"
            ) from exc
        self._fsspec, self._protocol, self._options = fsspec, protocol, dict(options or {})
        self._fs, self._pid = self._filesystem(None), os.getpid()
        self._inherited: list[Any] = []  # the filesystems of parent processes, kept from their finalizers
        # Within a scheduling pass: folders listed once (file name -> modification time), lookups per folder.
        self._listed: dict[str, dict[str, float]] = {}
        self._lookups: collections.Counter[str] = collections.Counter()
        self._listed_in: tuple[int, int] | None = None  # (pass number, pid) the two belong to

    def _filesystem(self, parent: Any) -> Any:
        """A new filesystem; `parent` is the one of the process this one was forked from (None at first)."""
        try:
            return self._fsspec.filesystem(self._protocol, **self._options)
        except ImportError as exc:
            raise MissingDependencyError(
                f"a workspace at '{self._protocol}://' needs {exc.name or 'its filesystem package'}: {exc} "
                "(for s3:// install `pip install 'kartwheel[s3]'`)"
            ) from exc

    @property
    def fs(self) -> Any:
        """The fsspec filesystem; a forked process makes its own (fsspec's async clients are not fork-safe:
        their event loop runs in a thread the child does not have), from what the parent's can lend it."""
        if self._pid != os.getpid():
            # Kept referenced: finalizing the parent's filesystem here would wait on its event loop.
            self._inherited.append(self._fs)
            self._fs, self._pid = self._filesystem(self._fs), os.getpid()
        return self._fs

    # -- one listing per folder in a scheduling pass -----------------------------------------------

    def _pass_listing(self, path: str) -> dict[str, float] | None:
        """The files of `path`'s folder as listed in this scheduling pass, or None to ask about `path` alone.

        A folder is listed at the second lookup in it within a pass (one request, or one per 1 000 files,
        instead of one or two per file); outside a pass every lookup asks the server.
        """
        if not _PASS.active:
            return None
        if self._listed_in != (_PASS.number, os.getpid()):
            self._listed, self._lookups, self._listed_in = {}, collections.Counter(), (_PASS.number, os.getpid())
            self._pass_started()
        folder = path.rstrip("/").rpartition("/")[0]
        listed = self._listed.get(folder)
        if listed is None:
            self._lookups[folder] += 1
            if self._lookups[folder] < 2:
                return None
            listed = self._listed[folder] = self._list_for_pass(folder)
        return listed

    def _pass_started(self) -> None:
        """A new scheduling pass asks this storage its first question."""

    def _list_for_pass(self, folder: str) -> dict[str, float]:
        """List `folder` for the rest of the pass."""
        return self.list_files(folder)

    def _forget(self, path: str) -> None:
        """This process changed `path`: its folder is listed again at its next lookup in this pass."""
        self._listed.pop(path.rstrip("/").rpartition("/")[0], None)

    def exists(self, path: str) -> bool:
        listed = self._pass_listing(path)
        if listed is not None:
            return path.rstrip("/").rpartition("/")[2] in listed
        return self._exists_now(path)

    def _exists_now(self, path: str) -> bool:
        return bool(self.fs.exists(path))

    def remove(self, path: str) -> None:
        self._forget(path)
        with contextlib.suppress(FileNotFoundError):
            self.fs.rm(path)

    def modification_time(self, path: str) -> float:
        listed = self._pass_listing(path)
        name = path.rstrip("/").rpartition("/")[2]
        if listed is not None and name in listed:
            return listed[name]
        return self.fs.modified(path).timestamp()

    def write_whole(self, path: str, data: bytes | str) -> None:
        self._forget(path)
        self.fs.pipe_file(path, data.encode("utf-8") if isinstance(data, str) else data)

    def write_many(self, files: list[tuple[str, bytes]]) -> None:
        """One batch: fsspec's async filesystems send the requests concurrently."""
        for path, _ in files:
            self._forget(path)
        self.fs.pipe(dict(files))

    def list_files(self, directory: str) -> dict[str, float]:
        try:
            entries = self.fs.ls(directory, detail=True)
        except FileNotFoundError:
            return {}
        return {
            entry["name"].rstrip("/").rsplit("/", 1)[-1]: _modified(entry)
            for entry in entries
            if entry.get("type") == "file"
        }

    def open_read(self, path: str, binary: bool) -> IO:
        if binary:
            return io.BufferedReader(PieceReader(self.fs.open(path, "rb")))
        return self.fs.open(path, "r", encoding="utf-8", newline="")

    @contextlib.contextmanager
    def atomic_write(self, path: str, binary: bool) -> Iterator[IO]:
        self._forget(path)
        temporary = temporary_name(path)
        try:
            mode = {"mode": "wb"} if binary else {"mode": "w", "encoding": "utf-8", "newline": ""}
            with self.fs.open(temporary, **mode) as file:
                yield file
            self.fs.mv(temporary, path)
        except BaseException:
            with contextlib.suppress(Exception):
                self.fs.rm(temporary)
            raise


def _modified(entry: dict) -> float:
    """A listing entry's modification time in seconds; fsspec backends name and type it differently."""
    value = entry.get("mtime", entry.get("LastModified", entry.get("updated", entry.get("created", 0.0))))
    if hasattr(value, "timestamp"):
        return value.timestamp()
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0  # an unparseable time only changes which earlier run is described first


_storages: dict[tuple[str, str], Storage] = {}
_local = None


class _Pass:
    """Whether a scheduling pass is under way in this process, and which (see `scheduling_pass`)."""

    active = False
    number = 0


_PASS = _Pass()


@contextlib.contextmanager
def scheduling_pass() -> Iterator[None]:
    """While a worker checks which tasks of a graph are complete: a remote folder in which several outputs
    are looked up is listed once, and lookups there are answered from that listing until the pass ends.

    What this process writes or removes meanwhile is looked up afresh. A file another process removes during
    the pass may still be counted as present, as it could have been by a lookup an instant earlier; checks
    that decide whether to run (under the writer lock) are made outside any pass.
    """
    if _PASS.active:
        yield
        return
    _PASS.active = True
    _PASS.number += 1
    try:
        yield
    finally:
        _PASS.active = False


def storage_for(location: str) -> Storage:
    """The storage behind a workspace: a URL's scheme picks fsspec (with the configured storage options,
    see storage_options.py), anything else is a local path."""
    global _local
    scheme, separator, _ = location.partition("://")
    if not separator:
        if _local is None:
            _local = LocalStorage()
        return _local
    options = storage_options(scheme)
    key = (scheme, repr(sorted(options.items())))
    storage = _storages.get(key)
    if storage is None:
        if scheme in ("s3", "s3a"):
            from .s3 import S3Storage

            storage = S3Storage(scheme, options)
        else:
            storage = FsspecStorage(scheme, options)
        _storages[key] = storage
    return storage


class PieceReader(io.RawIOBase):
    """A remote file read at most `PIECE` bytes a call, straight into the caller's buffer.

    fsspec's files answer `read(n)` by fetching all n bytes and copying them once more, so unpickling a
    1 GiB array took 2 GiB beyond the array; read through `io.BufferedReader` over this, a large read
    fills one buffer piece by piece.
    """

    PIECE = 8 << 20

    def __init__(self, file: Any) -> None:
        self._file = file

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self._file.read(min(len(view), self.PIECE))
        view[: len(data)] = data
        return len(data)

    def seekable(self) -> bool:
        return bool(self._file.seekable())

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return int(self._file.seek(offset, whence))

    def tell(self) -> int:
        return int(self._file.tell())

    def close(self) -> None:
        if not self.closed:
            self._file.close()
        super().close()
