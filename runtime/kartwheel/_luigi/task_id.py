"""luigi's task id with the task's workspace mixed into its hash, so that one luigid can serve many workspaces.

luigi names a task by its family and significant parameters; the workspace is not significant (it does
not change what a task computes, so it stays out of the output hashes), which left the same task in two
workspaces with one id: one luigid took them for one task. The id keeps luigi's readable form,
`Family_<first values>_<hash>`, with a hash of luigi's id and the resolved workspace in place of luigi's.
"""

from __future__ import annotations

import hashlib
import os

from luigi.task import TASK_ID_TRUNCATE_HASH

__all__ = ["resolved_workspace", "workspace_task_id"]


def resolved_workspace(workspace: str) -> str:
    """A URL as given (without trailing '/'), a path made absolute: './resources' in two projects are two places."""
    if "://" in workspace:
        return workspace.rstrip("/")
    return os.path.abspath(workspace)


def workspace_task_id(luigi_task_id: str, workspace: str) -> str:
    """`luigi_task_id` with its hash replaced by one that also covers `workspace` (resolved)."""
    text = f"{resolved_workspace(workspace)}\0{luigi_task_id}"
    digest = hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()
    return luigi_task_id[:-TASK_ID_TRUNCATE_HASH] + digest[:TASK_ID_TRUNCATE_HASH]
