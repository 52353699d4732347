"""The task tree as plain data (`TaskInfo`), and the pure functions that render it as text or rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

__all__ = ["RequiredTask", "TaskInfo", "make_tree_info", "make_tree_info_table_list"]


class RequiredTask(NamedTuple):
    """One task a task requires, by class name and hash."""

    name: str
    unique_id: str


@dataclass
class TaskInfo:
    """One task of a graph: its state, hash, parameters, outputs, logs and the tasks it requires."""

    name: str
    unique_id: str
    output_paths: list[str]
    params: dict[str, Any]
    processing_time: str
    is_complete: str
    task_log: dict[str, Any]
    requires: Any
    children_task_infos: list[TaskInfo] = field(default_factory=list)

    def get_task_id(self) -> str:
        return f"{self.name}_{self.unique_id}"

    def get_task_title(self) -> str:
        return f"({self.is_complete}) {self.name}[{self.unique_id}]"

    def get_task_detail(self) -> str:
        return (
            f"(parameter={self.params}, output={self.output_paths}, time={self.processing_time}, "
            f"task_log={self.task_log})"
        )

    def task_info_dict(self) -> dict[str, Any]:
        """The row of this task in the table (everything but its children)."""
        return {
            "name": self.name,
            "unique_id": self.unique_id,
            "output_paths": self.output_paths,
            "params": self.params,
            "processing_time": self.processing_time,
            "is_complete": self.is_complete,
            "task_log": self.task_log,
            "requires": self.requires,
        }


def make_tree_info(
    task_info: TaskInfo, indent: str, last: bool, details: bool, abbr: bool, visited_tasks: set[str]
) -> str:
    """The tree under `task_info` as text, one task a line; with `abbr`, a subtree already shown is `...`."""
    lines: list[str] = []
    stack = [(task_info, indent, last)]
    while stack:
        info, prefix, is_last = stack.pop()
        line = prefix + ("└─-" if is_last else "|--") + info.get_task_title()
        prefix += "   " if is_last else "|  "
        if abbr and info.get_task_id() in visited_tasks:
            lines.append(line)
            lines.append(f"{prefix}└─- ...")
            continue
        visited_tasks.add(info.get_task_id())
        lines.append(line + (info.get_task_detail() if details else ""))
        children = info.children_task_infos
        for index in reversed(range(len(children))):
            stack.append((children[index], prefix, index == len(children) - 1))
    return "".join(f"\n{line}" for line in lines)


def make_tree_info_table_list(task_info: TaskInfo, visited_tasks: set[str]) -> list[dict[str, Any]]:
    """One row per distinct task under `task_info`, parents before their requirements."""
    rows = []
    stack = [task_info]
    while stack:
        info = stack.pop()
        if info.get_task_id() in visited_tasks:
            continue
        visited_tasks.add(info.get_task_id())
        rows.append(info.task_info_dict())
        stack.extend(reversed(info.children_task_infos))
    return rows
