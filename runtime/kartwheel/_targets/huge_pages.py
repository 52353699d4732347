"""Large pickle loads at the speed of `np.load`: back big read buffers with huge pages on Linux.

pickle reads a large array's data with `readinto` into a bytearray it has just allocated. On Linux
(transparent huge pages in "madvise" mode, the common default) that memory comes in 4 KiB pages, and
faulting in 262 144 of them per GiB makes the load about 4x slower than `np.load`, whose arrays ask
for huge pages. `HugePageReader` asks for them too, just before such a read. Anywhere else, or if the
kernel refuses, reads are unchanged.
"""

from __future__ import annotations

import functools
import sys
from typing import Any, Protocol

__all__ = ["HugePageReader", "advise_huge_pages"]

# Reads smaller than this are left alone: the advice would cost more than it saves.
THRESHOLD = 32 << 20
_HUGE_PAGE = 2 << 20


@functools.cache
def _madvise() -> Any:
    """libc's madvise and the MADV_HUGEPAGE flag, or None where they are not available."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes
        import mmap

        flag = mmap.MADV_HUGEPAGE
        function = ctypes.CDLL(None, use_errno=True).madvise
    except (ImportError, AttributeError, OSError):
        return None
    function.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    function.restype = ctypes.c_int
    return function, flag


def advise_huge_pages(buffer: Any) -> bool:
    """Ask the kernel to back the whole 2 MiB pages inside writable `buffer` with huge pages."""
    found = _madvise()
    if found is None:
        return False
    madvise, flag = found
    import ctypes

    view = memoryview(buffer).cast("B")
    try:
        address = ctypes.addressof(ctypes.c_char.from_buffer(view))
    except (TypeError, ValueError):  # read-only or empty
        return False
    start = -(-address // _HUGE_PAGE) * _HUGE_PAGE
    end = (address + view.nbytes) // _HUGE_PAGE * _HUGE_PAGE
    return end > start and madvise(start, end - start, flag) == 0


class BinaryReader(Protocol):
    """What pickle reads from: a binary file that can also fill a buffer in place."""

    def read(self, size: int = -1, /) -> bytes: ...
    def readline(self, size: int = -1, /) -> bytes: ...
    def readinto(self, buffer: Any, /) -> int | None: ...


class HugePageReader:
    """A binary file for `pickle.load` whose large `readinto` calls go to huge pages."""

    def __init__(self, file: BinaryReader) -> None:
        self._file = file
        self.read = file.read
        self.readline = file.readline
        if hasattr(file, "peek"):
            self.peek = file.peek

    def readinto(self, buffer: Any) -> int | None:
        if memoryview(buffer).nbytes >= THRESHOLD:
            advise_huge_pages(buffer)
        return self._file.readinto(buffer)
