"""`delete_local_unnecessary_outputs` under gokart's module name (`gokart.workspace_management`)."""

from ._plan.workspace_management import delete_local_unnecessary_outputs

__all__ = ["delete_local_unnecessary_outputs"]
