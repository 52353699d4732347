"""What `--help` shows without a task: the tasks this program can run, each with its docstring's first line."""

from __future__ import annotations

import os
import sys

import luigi
from luigi.task_register import Register

from .._luigi.registry import registered_task_classes

__all__ = ["program_name", "runnable_tasks", "task_listing"]

# The runtime's own package: `kartwheel`, or `<package>.kartwheel` in a project that bundles it.
_RUNTIME = __name__.rsplit("._cli.", 1)[0]


def program_name() -> str:
    """How the user started us: `python main.py`, `kartwheel`, ..."""
    script = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "kartwheel"
    if script == "__main__.py":
        return "python -m kartwheel"
    return f"python {script}" if script.endswith(".py") else script


def runnable_tasks() -> dict[str, str]:
    """Family -> first docstring line of every registered task that can run, luigi's and ours left out."""
    found = {}
    for family, cls in sorted(registered_task_classes().items()):
        if cls is Register.AMBIGUOUS_CLASS or _is_library_task(cls):
            continue
        if getattr(cls, "run", None) in (None, luigi.Task.run):
            continue
        lines = (cls.__doc__ or "").strip().splitlines()
        found[family] = lines[0].strip() if lines else ""
    return found


def _is_library_task(cls: type) -> bool:
    """Whether `cls` is luigi's or this runtime's own (also when the runtime is bundled as `<package>.kartwheel`)."""
    module = cls.__module__
    return module.split(".")[0] == "luigi" or module == _RUNTIME or module.startswith(_RUNTIME + ".")


def task_listing() -> str:
    """The text of `--help` without a task."""
    program = program_name()
    tasks = runnable_tasks()
    width = max((len(family) for family in tasks), default=0)
    rows = [f"  {family.ljust(width)}  {doc}".rstrip() for family, doc in tasks.items()]
    return "\n".join(
        [
            f"usage: {program} TASK [--PARAM=VALUE ...] [--workers N] [--plan [--format json]] [--graph FILE]",
            "",
            "tasks:" if rows else "no tasks found (import the modules that define them, or pass --module NAME)",
            *rows,
            "",
            "options of kartwheel:",
            "  --plan               print what would run and why, run nothing (--format json for JSON)",
            "  --graph FILE         write the graph: FILE.html (opens offline), .dot, .mmd or .json",
            "  --no-progress        no progress line ([kartwheel] progress=false in the config does the same)",
            "  --scheduler-host H   use luigid on H instead of the local scheduler",
            "",
            f"`{program} TASK --help` lists a task's parameters; `{program} --help-all` lists luigi's options.",
        ]
    )
