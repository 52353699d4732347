"""Large pickle loads ask for huge pages, and load exactly what was dumped."""

from __future__ import annotations

import pickle
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from kartwheel._storage.storage import LocalStorage
from kartwheel._targets.huge_pages import THRESHOLD, advise_huge_pages
from kartwheel._targets.registry import format_for
from kartwheel.target import KartTarget

THP = Path("/sys/kernel/mm/transparent_hugepage/enabled")


def huge_pages_in_use() -> int:
    """Bytes of this process's anonymous memory backed by huge pages."""
    rollup = Path("/proc/self/smaps_rollup").read_text()
    return int(re.search(r"AnonHugePages:\s+(\d+) kB", rollup).group(1)) * 1024


def pkl_target(path: Path) -> KartTarget:
    return KartTarget(str(path), format_for(str(path)), LocalStorage())


def test_a_large_array_round_trips_through_a_pickle_target(tmp_path):
    array = np.arange((THRESHOLD // 8) * 2, dtype=np.float64).reshape(-1, 1024)
    target = pkl_target(tmp_path / "array.pkl")
    target.dump(array)
    loaded = target.load()
    assert loaded.dtype == array.dtype and loaded.shape == array.shape
    assert np.array_equal(loaded, array)
    assert loaded.flags.writeable


def test_large_and_small_bytes_round_trip_and_plain_pickle_reads_the_file(tmp_path):
    payload = {"big": bytearray(range(256)) * (THRESHOLD // 256 + 3), "small": b"x", "n": 3}
    target = pkl_target(tmp_path / "payload.pkl")
    target.dump(payload)
    assert target.load() == payload
    with open(tmp_path / "payload.pkl", "rb") as file:
        assert pickle.load(file) == payload


def test_read_only_or_empty_buffers_are_left_alone():
    assert advise_huge_pages(b"read-only bytes" * 1000) is False
    assert advise_huge_pages(bytearray()) is False


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or not THP.exists() or "[never]" in THP.read_text(),
    reason="needs Linux with transparent huge pages",
)
def test_loading_a_large_pickled_buffer_asks_for_huge_pages(tmp_path):
    size = THRESHOLD * 2
    with open(tmp_path / "data.pkl", "wb") as file:
        pickle.dump(bytearray(b"\x01") * size, file, protocol=5)
    before = huge_pages_in_use()
    loaded = pkl_target(tmp_path / "data.pkl").load()
    assert huge_pages_in_use() - before >= size // 4
    assert len(loaded) == size and loaded[0] == 1 and loaded[-1] == 1
