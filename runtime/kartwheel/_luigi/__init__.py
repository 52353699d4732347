"""Everything that depends on luigi's private names: the one place to audit when luigi is upgraded.

`construction` (one parameter resolution per task), `per_class` (values computed once per class),
`task_overrides` (luigi's `Task` methods, computed once), `task_id` (luigi's task id with the workspace
in its hash), `scheduling` (a local scheduler with a ready queue, a worker without a result pipe) and
`names` (every private luigi name used, checked by a test).
"""
