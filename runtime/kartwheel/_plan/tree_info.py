"""`make_tree_info` and the `tree_info` settings behind `--tree-info-mode` / `--tree-info-output-path`."""

from __future__ import annotations

from typing import Any

import luigi

from .._core.task import TaskOnKart
from .task_info import make_task_info_as_tree_str

__all__ = ["make_tree_info", "tree_info"]


def make_tree_info(
    task: luigi.Task,
    indent: str = "",
    last: bool = True,
    details: bool = False,
    abbr: bool = True,
    visited_tasks: set[str] | None = None,
    ignore_task_names: list[str] | None = None,
) -> str:
    """The task tree as text; the older name of `kartwheel.tree.task_info.make_task_info_as_tree_str`."""
    return make_task_info_as_tree_str(task, details=details, abbr=abbr, ignore_task_names=ignore_task_names)


class tree_info(TaskOnKart[Any]):  # lower case: luigi derives the option names --tree-info-* from it
    """Where the command line writes the task tree instead of running: `--tree-info-mode=simple|all`
    (states and hashes / also parameters, outputs, times and task logs) and `--tree-info-output-path`
    (relative to the workspace)."""

    mode = luigi.Parameter(default="", description='"simple" or "all": write the task tree and exit.')
    output_path = luigi.Parameter(default="tree.txt", description="The tree's file, relative to the workspace.")

    def output(self) -> Any:
        return self.make_target(str(self.output_path), use_unique_id=False)
