"""Command-line actions that replace a run: `--tree-info-mode` and `--delete-unnecessary-output-files`."""

from __future__ import annotations

from luigi.cmdline_parser import CmdlineParser

from .._plan.tree_info import make_tree_info, tree_info
from .._plan.workspace_management import delete_local_unnecessary_outputs
from ..errors import CommandLineError

__all__ = ["run_instead"]

TREE_INFO_MODES = ("simple", "all")


def run_instead(argv: list[str]) -> bool:
    """Do what the command line asks instead of running, if anything; True when it did.

    `--tree-info-mode=simple|all` writes the root task's tree to `--tree-info-output-path` (in the
    workspace); `--delete-unnecessary-output-files` deletes the outputs no task of the graph needs.
    """
    with CmdlineParser.global_instance(argv) as parser:
        settings = tree_info()
        mode = str(settings.mode)
        if mode:
            if mode not in TREE_INFO_MODES:
                raise CommandLineError(f"--tree-info-mode={mode}: expected one of {', '.join(TREE_INFO_MODES)}")
            target = settings.output()
            target.dump(make_tree_info(parser.get_task_obj(), details=mode == "all"))
            print(f"task tree written to {target}")
            return True
        task = parser.get_task_obj()
        if getattr(task, "delete_unnecessary_output_files", False):
            removed = delete_local_unnecessary_outputs(task)
            print(f"deleted {len(removed)} output file(s) that no task of {task} needs")
            return True
    return False
