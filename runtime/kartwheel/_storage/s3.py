"""S3 (and S3-compatible servers) as a workspace: direct uploads, a lease for the writer lock, swept uploads.

An S3 object appears only when its upload completes, so a dump writes straight to its key (no temporary
object, no copy); a failed dump aborts its multipart upload instead of completing it. Writes are passed
on in chunks, so the memory a dump needs is s3fs's block size, not the object's size. A process killed
mid-upload leaves an unfinished multipart upload, invisible but billed: the next writer of that key,
holding its lock, aborts it. The writer lock is a lease: `<output>.lock` created with `If-None-Match: *`,
renewed while held, and broken by a waiter once it expired or its holder (on this host) died.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import logging
import os
import time
from collections.abc import Iterator
from typing import IO, Any, cast

import fsspec.asyn

from . import leftovers
from .locks import renewing
from .storage import FsspecStorage

__all__ = ["LEASE_SECONDS", "S3Storage"]

logger = logging.getLogger(__name__)

# A lock's lease; its holder renews it every third of this, a waiter breaks it once it is this stale.
LEASE_SECONDS = 60.0
_CHUNK = 8 * 2**20  # the largest piece handed to s3fs at once
_CONFLICT = ("PreconditionFailed", "ConditionalRequestConflict", "412", "409")


def _error_code(error: BaseException) -> str | None:
    """The S3 error code behind an s3fs exception (s3fs wraps botocore's ClientError)."""
    exc: BaseException | None = error
    while exc is not None:
        response = getattr(exc, "response", None)
        if isinstance(response, dict):
            return str(response.get("Error", {}).get("Code"))
        exc = exc.__cause__ or exc.__context__
    return None


class _Chunks(io.RawIOBase):
    """A writable file that hands `file` at most _CHUNK bytes per write, so s3fs uploads as it goes."""

    def __init__(self, file: Any) -> None:
        self.file = file

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        for start in range(0, len(view), _CHUNK):
            self.file.write(view[start : start + _CHUNK])
        return len(view)


class S3Storage(FsspecStorage):
    """An s3:// workspace through s3fs (`pip install 'kartwheel[s3]'`)."""

    def __init__(self, protocol: str, options: dict | None = None) -> None:
        options = dict(options or {})
        options.setdefault("use_listings_cache", False)  # other processes write here too
        # Unfinished uploads by folder, then key, as listed in the last scheduling pass of this process or
        # of the process it was forked from: (upload id, when it started).
        self._uploads: dict[str, dict[str, list[tuple[str, datetime.datetime]]]] = {}
        super().__init__(protocol, options)

    def _filesystem(self, parent: Any) -> Any:
        """s3fs's filesystem; in a forked process, its botocore session reuses the parent's loaded service
        descriptions (about 0.1 s a process otherwise). Only that cache is shared: clients, connections,
        credentials and the event loop are the child's own."""
        session = getattr(parent, "session", None)
        if session is None or "session" in self._options:
            return super()._filesystem(parent)
        import aiobotocore.session  # s3fs depends on it

        fresh = aiobotocore.session.AioSession(**getattr(parent, "kwargs", {}))
        fresh.register_component("data_loader", session.get_component("data_loader"))
        return self._fsspec.filesystem(self._protocol, **self._options, session=fresh)

    def _exists_now(self, path: str) -> bool:
        """One HEAD request (s3fs's `exists` follows a missing key with a listing, looking for a folder)."""
        bucket, key = self._bucket_key(path)
        if not key:
            return bool(self.fs.exists(path))
        try:
            self.fs.call_s3("head_object", Bucket=bucket, Key=key)
        except FileNotFoundError:
            return False
        return True

    def _pass_started(self) -> None:
        self._uploads = {}

    def _list_for_pass(self, folder: str) -> dict[str, float]:
        """The folder's files, and its unfinished uploads for `sweep_leftovers` (one request each)."""
        files = super()._list_for_pass(folder)
        bucket, key = self._bucket_key(folder)
        with contextlib.suppress(Exception):
            reply = self.fs.call_s3("list_multipart_uploads", Bucket=bucket, Prefix=f"{key}/" if key else "")
            if not reply.get("IsTruncated"):
                uploads: dict[str, list[tuple[str, datetime.datetime]]] = {}
                for upload in reply.get("Uploads", []):
                    uploads.setdefault(upload["Key"], []).append((upload["UploadId"], upload["Initiated"]))
                self._uploads[folder] = uploads
        return files

    @contextlib.contextmanager
    def atomic_write(self, path: str, binary: bool) -> Iterator[IO]:
        self._forget(path)
        file = self.fs.open(path, "wb")
        chunks = _Chunks(file)
        text = None if binary else io.TextIOWrapper(io.BufferedWriter(chunks), encoding="utf-8", newline="")
        writer = cast(IO[Any], chunks if text is None else text)
        try:
            yield writer
            writer.flush()
        except BaseException:
            with contextlib.suppress(Exception):
                file.discard()
            raise
        finally:
            if text is not None:
                with contextlib.suppress(Exception):
                    text.detach().detach()
        file.close()

    def _bucket_key(self, path: str) -> tuple[str, str]:
        bucket, key, _ = self.fs.split_path(path)
        return bucket, key

    def sweep_leftovers(self, path: str, locked: bool = False) -> list[str]:
        """Abort unfinished uploads of `path`: all of them when the caller holds its writer lock (their
        writers died holding it before, or lost it), else those older than LEFTOVER_AGE_SECONDS.

        When this process (or its parent) listed the folder's uploads in its last scheduling pass, that
        listing is used (no request); an upload begun since by a writer that then died is left to a later
        process.
        """
        bucket, key = self._bucket_key(path)
        folder = path.rstrip("/").rpartition("/")[0]
        listed = self._uploads.get(folder)
        if listed is not None:
            uploads = listed.pop(key, []) if locked else listed.get(key, [])
        else:
            reply = self.fs.call_s3("list_multipart_uploads", Bucket=bucket, Prefix=key)
            uploads = [
                (upload["UploadId"], upload["Initiated"]) for upload in reply.get("Uploads", []) if upload["Key"] == key
            ]
        now = datetime.datetime.now(datetime.timezone.utc)
        swept = []
        for upload_id, initiated in uploads:
            if locked or (now - initiated).total_seconds() > leftovers.LEFTOVER_AGE_SECONDS:
                with contextlib.suppress(Exception):
                    self.fs.call_s3("abort_multipart_upload", Bucket=bucket, Key=key, UploadId=upload_id)
                    swept.append(f"{path} (unfinished upload {upload_id})")
        leftovers.report(swept)
        return swept

    # -- the writer lock: a lease on a lock object ---------------------------------------------------

    @contextlib.contextmanager
    def writer_lock(self, path: str) -> Iterator[bool]:
        bucket, key = self._bucket_key(path)
        waited = False
        delay = 0.05
        while True:
            try:
                etag = self._put_lease(bucket, key, IfNoneMatch="*")
                break
            except OSError as exc:
                if _error_code(exc) not in _CONFLICT:
                    raise
            waited = True
            self._break_if_stale(path, bucket, key)
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
        held = {"etag": etag}  # the lease's current version, moved on by each renewal

        def renew() -> bool:
            try:
                held["etag"] = self._put_lease(bucket, key, IfMatch=held["etag"])
            except Exception as exc:
                logger.warning("lost the lock s3://%s/%s (%s); another writer may start", bucket, key, exc)
                return False
            return True

        try:
            with renewing(renew, LEASE_SECONDS / 3, f"lease {key}"):
                yield waited
        finally:
            with contextlib.suppress(Exception):
                self.fs.call_s3("delete_object", Bucket=bucket, Key=key, IfMatch=held["etag"])

    def _put_lease(self, bucket: str, key: str, **condition: str) -> str:
        body = json.dumps({"host": leftovers.HOST, "pid": os.getpid(), "expires": time.time() + LEASE_SECONDS})
        return self.fs.call_s3("put_object", Bucket=bucket, Key=key, Body=body.encode(), **condition)["ETag"]

    def _break_if_stale(self, path: str, bucket: str, key: str) -> None:
        """Delete the lease when it expired or its holder is provably dead (only that very version of it)."""
        try:
            data, etag = fsspec.asyn.sync(self.fs.loop, _get_object, self.fs, bucket, key)
            holder = json.loads(data)
        except (OSError, ValueError):
            return  # gone already, or not readable yet: try to take it again
        expired = holder.get("expires", 0) < time.time()
        dead = not leftovers.writer_alive(str(holder.get("host")), int(holder.get("pid", 0)))
        if expired or dead:
            with contextlib.suppress(Exception):
                self.fs.call_s3("delete_object", Bucket=bucket, Key=key, IfMatch=etag)
                logger.warning("broke the lock %s of %s holder %s", path, "a dead" if dead else "an expired", holder)


async def _get_object(fs: Any, bucket: str, key: str) -> tuple[bytes, str]:
    """An object's bytes and the ETag of that very version."""
    reply = await fs._call_s3("get_object", Bucket=bucket, Key=key)  # noqa: SLF001  (fsspec names async methods _x)
    async with reply["Body"] as body:
        return await body.read(), reply["ETag"]
