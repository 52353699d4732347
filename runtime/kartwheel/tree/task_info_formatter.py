"""The task tree as plain data, under gokart's module name (`gokart.tree.task_info_formatter`)."""

from .._plan.task_info_formatter import RequiredTask, TaskInfo, make_tree_info, make_tree_info_table_list

__all__ = ["RequiredTask", "TaskInfo", "make_tree_info", "make_tree_info_table_list"]
