"""Temporary files of dead writers: named so that a later process can prove the writer is gone, then swept.

A temporary name says who writes it: `<name>.tmp-<host>-<pid>-<uuid>`. A leftover is swept only when its
writer cannot be alive: it ran on this host and its pid is gone, or the file is older than
LEFTOVER_AGE_SECONDS (for writers on other hosts of a shared filesystem, whose pids cannot be checked).
"""

from __future__ import annotations

import logging
import os
import re
import socket
import time
import uuid

__all__ = ["HOST", "LEFTOVER_AGE_SECONDS", "is_dead_leftover", "temporary_name", "writer_alive"]

logger = logging.getLogger(__name__)

# A leftover of a writer on another host is swept once it is this old (no dump takes a day to write).
LEFTOVER_AGE_SECONDS = 24 * 3600

HOST = re.sub(r"[^A-Za-z0-9.]", "_", socket.gethostname()) or "localhost"
_MARK = ".tmp-"
_OURS = re.compile(r"^(?P<host>[A-Za-z0-9._]+)-(?P<pid>\d+)-(?P<uuid>[0-9a-f]{32})$")


def temporary_name(path: str) -> str:
    """A name beside `path` no other process or thread can draw (host + pid + uuid, never `random`)."""
    return f"{path}{_MARK}{HOST}-{os.getpid()}-{uuid.uuid4().hex}"


def writer_alive(host: str, pid: int) -> bool:
    """False only when the writer provably is gone: it ran on this host and no process has its pid."""
    if host != HOST:
        return True
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_dead_leftover(name: str, modified: float, now: float | None = None) -> bool:
    """Whether `name` is one of our temporary files whose writer cannot be alive (or is too old to be)."""
    _, mark, suffix = name.rpartition(_MARK)
    if not mark:
        return False
    now = time.time() if now is None else now
    if now - modified > LEFTOVER_AGE_SECONDS:
        return True
    match = _OURS.match(suffix)
    return match is not None and not writer_alive(match["host"], int(match["pid"]))


def report(swept: list[str]) -> None:
    """One log line naming what was swept."""
    if swept:
        logger.warning("swept %d leftover(s) of dead writers: %s", len(swept), ", ".join(sorted(swept)))
