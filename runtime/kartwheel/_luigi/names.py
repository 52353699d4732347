"""Every private luigi name kartwheel uses, in one list, so that a luigi upgrade that drops one fails a test.

Class-level names are looked up on the class; names luigi sets in `__init__` are looked up on an
instance. Add a name here whenever kartwheel starts to use one.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["INSTANCE_NAMES", "MODULE_NAMES", "missing_names"]

# "module:attribute.path" of names read from modules and classes.
MODULE_NAMES = (
    # construction, task_overrides
    "luigi.parameter:_no_value",
    "luigi.parameter:Parameter._parser_global_dest",
    "luigi.parameter:Parameter._warn_on_wrong_param_type",
    "luigi.task:Task._warn_on_wrong_param_types",
    "luigi.task:Task._get_param_visibilities",
    "luigi.task:Task._event_callbacks",
    # scheduling
    "luigi.interface:_WorkerSchedulerFactory",
    "luigi.scheduler:Scheduler._schedulable",
    "luigi.scheduler:Scheduler._update_worker",
    "luigi.scheduler:Scheduler._update_task_history",
    "luigi.scheduler:Scheduler._rank",
    "luigi.worker:Worker._create_task_process",
    # cli, build
    "luigi.cmdline_parser:CmdlineParser._build_parser",
    "luigi.cmdline_parser:CmdlineParser._attempt_load_module",
    "luigi.interface:_run",
    "luigi.execution_summary:_summary_dict",
    "luigi.execution_summary:_root_task",
    # config
    "luigi.configuration.cfg_parser:LuigiConfigParser._config_paths",
    "luigi.configuration.cfg_parser:CombinedInterpolation",
)

# Names luigi sets on instances, by the object that holds them.
INSTANCE_NAMES = {
    "parameter": ("_default", "_config_path"),
    "scheduler": ("_state", "_make_task", "_config", "_paused"),
    "task_state": ("_tasks", "_status_tasks", "_active_workers", "_task_batchers", "_metrics_collector"),
    "worker": ("_task_result_queue", "_config", "_scheduler"),
    "config_parser": ("_interpolation",),
}


def _lookup(spec: str) -> bool:
    module_name, path = spec.split(":")
    value: Any = importlib.import_module(module_name)
    for part in path.split("."):
        if not hasattr(value, part):
            return False
        value = getattr(value, part)
    return True


def missing_names() -> list[str]:
    """The names of MODULE_NAMES and INSTANCE_NAMES that the installed luigi does not have."""
    import luigi
    import luigi.scheduler
    import luigi.worker
    from luigi.configuration.cfg_parser import LuigiConfigParser

    missing = [spec for spec in MODULE_NAMES if not _lookup(spec)]
    scheduler = luigi.scheduler.Scheduler()
    with luigi.worker.Worker(scheduler=scheduler) as worker:
        holders = {
            "parameter": luigi.Parameter(),
            "scheduler": scheduler,
            "task_state": getattr(scheduler, "_state", None),
            "worker": worker,
            "config_parser": LuigiConfigParser.instance(),
        }
        for holder, names in INSTANCE_NAMES.items():
            missing += [f"{holder}.{name}" for name in names if not hasattr(holders[holder], name)]
    return missing
