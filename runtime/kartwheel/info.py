"""`make_tree_info` and the `tree_info` settings under gokart's module name (`gokart.info`)."""

from ._plan.tree_info import make_tree_info, tree_info

__all__ = ["make_tree_info", "tree_info"]
