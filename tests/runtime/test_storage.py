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


def test_join_treats_an_empty_part_as_the_current_folder():
    from kartwheel._storage.storage import Storage

    assert Storage.join("", "log/a.pkl") == "log/a.pkl"
    assert Storage.join("ws/", "a.pkl") == "ws/a.pkl"
    assert Storage.join("/", "a.pkl") == "/a.pkl"
    assert Storage.join("s3://bucket/ws", "a.pkl") == "s3://bucket/ws/a.pkl"


@pytest.mark.parametrize("workspace_directory", ["", "relative/ws"])
def test_an_empty_or_relative_workspace_is_read_against_the_current_folder(tmp_path, workspace_directory):
    from pathlib import Path

    import kartwheel
    from kartwheel.testing import isolated_workspace

    from tests.runtime.tasks_for_tests import pipeline

    with isolated_workspace(tmp_path / "cwd"):
        task = pipeline(workspace_directory)
        assert kartwheel.build(task) == "result=10"
        output = Path(task.output().path)
        assert not output.is_absolute()
        assert output.resolve().is_relative_to(tmp_path / "cwd")
        created = [path for path in (tmp_path / "cwd").rglob("*") if path.is_file()]
        assert any(path.name.startswith("Last_") for path in created)
        assert any("task_log" in path.parts for path in created)
        for path in created:  # the same files under the filesystem root: what an empty workspace once gave
            assert not (Path("/") / path.relative_to(tmp_path / "cwd")).exists()
    assert [path.name for path in tmp_path.iterdir()] == ["cwd"]
