"""Storage: remote reads in bounded pieces."""

from __future__ import annotations

import io
import pickle

import pytest
from kartwheel._storage.storage import PieceReader, storage_for


class CountingFile(io.BytesIO):
    """An in-memory file that records the size of every read asked of it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.asked: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.asked.append(-1 if size is None else size)
        return super().read(size)


def test_a_large_read_is_fetched_in_pieces(monkeypatch):
    monkeypatch.setattr(PieceReader, "PIECE", 1000)
    payload = bytes(range(256)) * 40  # 10 240 bytes
    underlying = CountingFile(pickle.dumps(payload, protocol=5))
    with io.BufferedReader(PieceReader(underlying)) as file:
        assert pickle.load(file) == payload
    assert underlying.asked and max(underlying.asked) <= 1000
    assert underlying.closed


def test_remote_binary_reads_seek_and_round_trip():
    pytest.importorskip("fsspec")
    storage = storage_for("memory://pieces")
    path = "memory://pieces/blob.bin"
    storage.write_whole(path, b"0123456789" * 3)
    with storage.open_read(path, binary=True) as file:
        assert file.read(4) == b"0123"
        file.seek(25)
        assert file.tell() == 25
        assert file.read() == b"56789"
