"""The `kartwheel` console script: the project tool's commands, and anything else runs a task."""

from __future__ import annotations

import sys

from .._cli.main import USAGE as RUN_USAGE
from .._cli.main import main as run_main

__all__ = ["USAGE", "main"]

USAGE = """usage: kartwheel new [cookiecutter options] [key=value ...]   generate a project
       kartwheel check [PROJECT]   exit 1 when the project is behind the installed template
       kartwheel update [PROJECT] [--allow-dirty]   merge the template's changes into the project
       kartwheel new-task PACKAGE.MODULE.ClassName   write a task module and its test in a project
""" + RUN_USAGE.replace("usage: ", "       ", 1)


def main(argv: list[str] | None = None) -> int:
    """`kartwheel new ...` generates a project, `check`/`update` keep it in step, `new-task` adds a task;
    anything else runs a task."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "new":
        from .new import main as new_project

        return new_project(argv[1:])
    if argv and argv[0] in ("check", "update"):
        from .update import main as project_update

        return project_update(argv)
    if argv and argv[0] == "new-task":
        from .new_task import main as new_task

        return new_task(argv[1:])
    return run_main(argv, usage=USAGE)
