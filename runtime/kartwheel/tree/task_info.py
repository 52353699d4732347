"""Task information of a graph under gokart's module name (`gokart.tree.task_info`)."""

from .._plan.task_info import (
    dump_task_info_table,
    dump_task_info_tree,
    make_task_info_as_table,
    make_task_info_as_tree_str,
    make_task_info_tree,
)

__all__ = [
    "dump_task_info_table",
    "dump_task_info_tree",
    "make_task_info_as_table",
    "make_task_info_as_tree_str",
    "make_task_info_tree",
]
