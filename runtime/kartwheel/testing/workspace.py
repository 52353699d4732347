"""A workspace and a configuration of their own for each test, and a way to run a task and get its output."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import luigi

from .._core import config as _config
from .._core import settings as _settings
from .._core.hashing import invalidate_hashes
from .._luigi.registry import event_handlers
from .._run.build import build
from .._storage.log_writer import writer as _log_writer

__all__ = ["TaskRun", "isolated_config", "isolated_workspace", "run_task"]


@contextlib.contextmanager
def isolated_config(
    sections: Mapping[str, Mapping[str, Any]] | None = None, luigi_files: bool = True
) -> Iterator[None]:
    """luigi's configuration as its own files give it (none of add_config's), plus `sections`; restored after.

    `sections` maps a section to its options, e.g. `{"kartwheel": {"supplementary_logs": False}}`;
    values are written as luigi parses them (booleans as true/false). `luigi_files=False` leaves out
    luigi's files too (`luigi.cfg`, `LUIGI_CONFIG_PATH`): only the defaults and `sections` apply. The
    `[kartwheel]` settings are read again on entry and on exit.
    """
    before = _config.config_files()
    _config.read_config_files(None if luigi_files else ((), ()))
    parser = luigi.configuration.get_config()
    try:
        for section, options in (sections or {}).items():
            if not parser.has_section(section):
                parser.add_section(section)
            for name, value in options.items():
                text = str(value).lower() if isinstance(value, bool) else str(value)
                parser.set(section, name, text.replace("%", "%%"))
        invalidate_hashes()  # tasks already created may now require others
        _settings.refresh()
        yield
    finally:
        _config.read_config_files(before)
        _settings.refresh()


@contextlib.contextmanager
def isolated_workspace(directory: str | os.PathLike, **sections: Mapping[str, Any]) -> Iterator[Path]:
    """Work in `directory` with a fresh configuration (plus `sections`); yields its `resources` workspace.

    The current directory moves to `directory` for the duration, so that a task's default
    `./resources` workspace and relative config paths land there.
    """
    previous = os.getcwd()
    os.makedirs(directory, exist_ok=True)
    os.chdir(directory)
    try:
        with isolated_config(sections):
            yield Path(directory).resolve() / "resources"
    finally:
        os.chdir(previous)


@dataclass
class TaskRun:
    """What `run_task` did: the task's output, and the tasks that ran (not those already complete)."""

    output: Any
    ran: list[luigi.Task] = field(default_factory=list)

    def ran_names(self) -> list[str]:
        """The class names of the tasks that ran, in the order they finished."""
        return [type(task).__name__ for task in self.ran]


def run_task(task: luigi.Task, **build_options: Any) -> TaskRun:
    """Build `task` in this process and return its output and the tasks that ran (raises `BuildError`).

    `build_options` go to `kartwheel.build` (`workers` above 1 runs tasks in other processes, whose
    runs are not seen here, so it is refused).
    """
    if build_options.get("workers", 1) != 1:
        raise ValueError("run_task counts the tasks run in this process; build with workers=1")
    ran: list[luigi.Task] = []

    def record(finished: luigi.Task) -> None:
        ran.append(finished)

    with event_handlers({luigi.Event.SUCCESS: record}):
        output = build(task, **build_options)
    _log_writer.flush()
    return TaskRun(output=output, ran=ran)
