"""The task id a scheduler sees: luigi's, with the resolved workspace in its hash; output names untouched."""

from __future__ import annotations

import os

import kartwheel
import luigi
import pytest
from kartwheel.testing import isolated_config, isolated_workspace, run_task
from luigi.cmdline_parser import CmdlineParser
from luigi.task import task_id_str
from luigi.task_register import Register


class Piece(kartwheel.TaskOnKart):
    index = luigi.IntParameter()

    def run(self) -> None:
        self.dump(self.index)


class Sum(kartwheel.TaskOnKart):
    count = luigi.IntParameter(default=3)

    def requires(self):
        return [Piece(index=i) for i in range(self.count)]

    def run(self) -> None:
        self.dump(sum(self.load()))


def _fresh(make):
    """A task made now, not one luigi kept from an earlier construction with the same values."""
    Register.clear_instance_cache()
    return make()


def test_the_same_task_in_two_workspaces_has_two_ids_and_the_same_outputs(tmp_path):
    one, other = (
        Piece(index=3, workspace_directory=str(tmp_path / "a")),
        Piece(index=3, workspace_directory=str(tmp_path / "b")),
    )
    assert one.task_id != other.task_id
    assert one.make_unique_id() == other.make_unique_id()
    assert os.path.basename(one.output().path) == os.path.basename(other.output().path)


def test_the_id_keeps_luigis_readable_form():
    task = Piece(index=3, workspace_directory="/data/ws")
    luigis = task_id_str("Piece", task.to_str_params(only_significant=True, only_public=True))
    assert task.task_id.startswith("Piece_3_") and len(task.task_id) == len(luigis)
    assert task.task_id != luigis


def test_spellings_of_one_place_give_one_id(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ids = {Piece(index=1, workspace_directory=spelling).task_id for spelling in ("./ws", "ws/", str(tmp_path / "ws"))}
    assert len(ids) == 1
    urls = {Piece(index=1, workspace_directory=url).task_id for url in ("s3://bucket/ws", "s3://bucket/ws/")}
    assert len(urls) == 1
    assert Piece(index=1, workspace_directory="s3://bucket/other").task_id not in urls


def test_a_relative_workspace_in_two_directories_is_two_places(tmp_path, monkeypatch):
    ids = set()
    for project in ("alice", "bob"):
        (tmp_path / project).mkdir()
        monkeypatch.chdir(tmp_path / project)
        ids.add(_fresh(lambda: Piece(index=1)).task_id)  # the default, ./resources
    assert len(ids) == 2


@pytest.mark.usefixtures("fresh_luigi_config")
def test_every_way_of_setting_the_workspace_gives_the_same_id(tmp_path):
    workspace = str(tmp_path / "ws")
    given = _fresh(lambda: Piece(index=2, workspace_directory=workspace)).task_id  # resolved without luigi's config
    for section in ("TaskOnKart", "Piece"):  # resolved by luigi, from the config
        with isolated_config({section: {"workspace_directory": workspace}}):
            assert _fresh(lambda: Piece(index=2)).task_id == given, section
    argv = ["Piece", "--index", "2", "--workspace-directory", workspace]
    with CmdlineParser.global_instance(argv) as parser:
        assert _fresh(parser.get_task_obj).task_id == given


def test_kartwheels_scheduler_and_luigis_see_the_same_ids(tmp_path, monkeypatch):
    seen: dict[bool, set[str]] = {}
    add_task = luigi.scheduler.Scheduler.add_task

    def recording(self, *args, **kwargs):
        seen[fast].add(kwargs["task_id"])
        return add_task(self, *args, **kwargs)

    monkeypatch.setattr(luigi.scheduler.Scheduler, "add_task", recording)
    for fast in (True, False):
        seen[fast] = set()
        sections = {"kartwheel": {"fast_scheduler": fast}, "TaskOnKart": {"workspace_directory": tmp_path / "ws"}}
        with isolated_workspace(tmp_path / ("fast" if fast else "luigi"), **sections):
            root = _fresh(Sum)
            assert run_task(root).output == 3
            assert {root.task_id, *(task.task_id for task in root.requires())} == seen[fast]
        Register.clear_instance_cache()
        for path in sorted((tmp_path / "ws").rglob("*"), reverse=True):  # the same workspace, empty again
            path.unlink() if path.is_file() else path.rmdir()
    assert seen[True] == seen[False]
