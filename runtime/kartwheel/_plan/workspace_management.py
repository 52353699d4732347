"""`delete_local_unnecessary_outputs`: free a local workspace of outputs the current graph does not need."""

from __future__ import annotations

import logging
import os
import re
from typing import Any

import luigi
from luigi.task import flatten

from ..errors import KartwheelError

__all__ = ["delete_local_unnecessary_outputs"]

logger = logging.getLogger(__name__)

# A task output's file name: `<name>_<32 hex digits of the hash>.<ext>` (temporary files never match).
_OUTPUT_NAME = re.compile(r"_[0-9a-f]{32}(\.[A-Za-z0-9]+)+$")


def _graph_outputs(task: luigi.Task) -> set[str]:
    """The absolute paths of the outputs of every task in the graph under `task`."""
    paths: set[str] = set()
    seen: set[int] = set()
    stack = [task]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        paths.update(os.path.abspath(str(target)) for target in flatten(current.output()))
        stack.extend(flatten(current.requires()))
    return paths


def delete_local_unnecessary_outputs(task: Any) -> list[str]:
    """Delete the task outputs in `task`'s workspace that no task of its graph needs; return their paths.

    Only files named like outputs (`<name>_<hash>.<ext>`) are candidates: logs, temporary files of
    running writers and anything else in the workspace stay.
    """
    workspace = str(task.workspace_directory)
    if "://" in workspace:
        raise KartwheelError(
            f"delete_local_unnecessary_outputs works on a local workspace, not {workspace!r}; "
            "remove remote outputs with the storage's own tools"
        )
    needed = _graph_outputs(task)
    root = os.path.abspath(workspace)
    log_directory = os.path.join(root, "log")
    unnecessary = []
    for directory, subdirectories, files in os.walk(root):
        if directory == log_directory or directory.startswith(log_directory + os.sep):
            subdirectories[:] = []
            continue
        for name in files:
            path = os.path.join(directory, name)
            if _OUTPUT_NAME.search(name) and path not in needed:
                unnecessary.append(path)
    for path in sorted(unnecessary):
        os.remove(path)
        logger.info("removed %s, which no task of %s needs", path, task)
    if not unnecessary:
        logger.info("every output in %s is needed by %s", root, task)
    return sorted(unnecessary)
