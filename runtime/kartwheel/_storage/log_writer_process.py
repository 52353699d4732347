"""The process that writes task logs for `log_writer`: run as a script, with nothing but the stdlib.

It reads frames from stdin. A frame of files is `b"F"`, its length and then, per file, the lengths
and bytes of an absolute path and of its content; each file is written with one create and one write.
A flush frame (`b"S"`) is answered on stdout with the errors met since the last one, as UTF-8 lines
after their length (0: none). End of input ends the process.
"""

from __future__ import annotations

import os
import struct
import sys

# typing costs the helper's start-up a few milliseconds; type checkers take this name as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO

FRAME = struct.Struct("<cI")  # kind, body length
FILE = struct.Struct("<II")  # path length, content length
REPLY = struct.Struct("<I")  # length of the error text
FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def write_file(path: str, data: bytes) -> None:
    """Create (or replace) `path` holding `data`, making its directory when it is missing."""
    try:
        fd = os.open(path, FLAGS, 0o666)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, FLAGS, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def write_frame(body: bytes, errors: list[str]) -> None:
    """Write every file of one frame, noting a failure and going on with the next file."""
    offset = 0
    while offset < len(body):
        path_size, data_size = FILE.unpack_from(body, offset)
        offset += FILE.size
        path = body[offset : offset + path_size].decode("utf-8", "surrogateescape")
        offset += path_size
        data = body[offset : offset + data_size]
        offset += data_size
        try:
            write_file(path, data)
        except OSError as exc:
            errors.append(f"{path}: {type(exc).__name__}: {exc}")


def serve(source: BinaryIO, reply: BinaryIO) -> None:
    """Answer frames from `source` until it ends."""
    errors: list[str] = []
    while True:
        header = source.read(FRAME.size)
        if len(header) < FRAME.size:
            return
        kind, size = FRAME.unpack(header)
        body = source.read(size)
        if kind == b"F":
            write_frame(body, errors)
        elif kind == b"S":
            text = "\n".join(errors).encode("utf-8", "surrogateescape")
            errors.clear()
            reply.write(REPLY.pack(len(text)) + text)
            reply.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
