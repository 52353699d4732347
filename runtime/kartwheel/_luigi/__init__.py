"""Layer 1, luigi's adapters: every use of luigi's private names, each listed in `names.py` and checked at import.

`construction` (one parameter resolution per task), `per_class` (values computed once per class),
`task_overrides` (luigi's `Task` methods, computed once), `task_id` (luigi's id with the workspace in its
hash), `scheduling` (a local scheduler with a ready queue, a worker with hooks), `cmdline`, `interface`,
`registry`, `config_files`, `config_keys`, `bool_parsing` and `parameter_defaults` (small adapters of
luigi's command line, run, registry, config and parameters). Imports luigi and `kartwheel.errors` only.
"""
