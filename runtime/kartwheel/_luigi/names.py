"""Every private luigi name kartwheel uses, in one list, and the check each use makes at import.

A module of `_luigi/` that reads, writes, imports or overrides a private luigi name calls
`requires_attribute` for it when it is imported, so that a luigi release that renames it fails at import
with a message naming it, never silently at run time. The lists below are what a test of the source
compares with every private luigi name used (tests/runtime/_luigi/test_names.py), and what
`missing_names()` checks against the installed luigi.
"""

from __future__ import annotations

import importlib
from typing import Any

from ..errors import LuigiVersionError

__all__ = ["INSTANCE_NAMES", "LAZY_NAMES", "MODULE_NAMES", "missing_names", "requires_attribute"]

# "module:attribute.path" of names read from modules and classes, or overridden in subclasses.
MODULE_NAMES = (
    # construction, task_overrides, fresh defaults
    "luigi.parameter:_no_value",
    "luigi.parameter:Parameter._parser_global_dest",
    "luigi.parameter:Parameter._parser_kwargs",
    "luigi.parameter:BoolParameter._parser_kwargs",
    "luigi.parameter:Parameter._warn_on_wrong_param_type",
    "luigi.task:Task._warn_on_wrong_param_types",
    "luigi.task:Task._get_param_visibilities",
    "luigi.task:Task._event_callbacks",
    "luigi.task:_task_wraps",
    "luigi.task_register:Register._reg",
    "luigi.task_register:Register._get_reg",
    # scheduling
    "luigi.interface:_WorkerSchedulerFactory",
    "luigi.scheduler:Scheduler._schedulable",
    "luigi.scheduler:Scheduler._update_worker",
    "luigi.scheduler:Scheduler._update_task_history",
    "luigi.scheduler:Scheduler._rank",
    "luigi.scheduler:Scheduler._prune_tasks",
    "luigi.worker:Worker._create_task_process",
    "luigi.worker:Worker._run_task",
    "luigi.worker:Worker._keep_alive",
    "luigi.worker:TaskProcess._run_get_new_deps",
    # the command line and the end of a run
    "luigi.cmdline_parser:CmdlineParser._build_parser",
    "luigi.cmdline_parser:CmdlineParser._attempt_load_module",
    "luigi.interface:_run",
    "luigi.execution_summary:_summary_dict",
    "luigi.execution_summary:_root_task",
    # config
    "luigi.configuration.cfg_parser:LuigiConfigParser._config_paths",
    "luigi.configuration.cfg_parser:CombinedInterpolation",
)

# Names luigi (or the standard library under it) sets on instances, by the object that holds them.
INSTANCE_NAMES = {
    "parameter": ("_default", "_config_path"),
    "scheduler": ("_state", "_make_task", "_config", "_paused"),
    "task_state": ("_tasks", "_status_tasks", "_active_workers", "_task_batchers", "_metrics_collector"),
    "worker": ("_task_result_queue", "_config", "_scheduler", "_assistant", "_add_task_history"),
    "remote_scheduler": ("_url", "_rpc_retry_attempts", "_rpc_retry_wait", "_rpc_log_retries"),
    "config_parser": ("_interpolation",),
    "combined_interpolation": ("_interpolations",),
    "argument_parser": ("_option_string_actions",),
}

# Names luigi sets only when it first needs them (on a task class, on the first unknown config key): nothing
# to check before use; config_keys.py creates the set as luigi would when it is absent.
LAZY_NAMES = ("_unconsumed_params",)


def requires_attribute(owner: Any, name: str) -> None:
    """Fail now, naming it, when `owner` (a module, class or instance of luigi's) has no attribute `name`."""
    if not hasattr(owner, name):
        where = getattr(owner, "__name__", type(owner).__name__)
        raise LuigiVersionError(
            f"kartwheel adapts {where}.{name}, which the installed luigi does not have; install a luigi "
            "in the range kartwheel declares (pyproject.toml), or upgrade kartwheel"
        )


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
    import argparse

    import luigi
    import luigi.rpc
    import luigi.scheduler
    import luigi.worker
    from luigi.configuration.cfg_parser import CombinedInterpolation, LuigiConfigParser

    missing = [spec for spec in MODULE_NAMES if not _lookup(spec)]
    scheduler = luigi.scheduler.Scheduler()
    with luigi.worker.Worker(scheduler=scheduler) as worker:
        holders = {
            "parameter": luigi.Parameter(),
            "scheduler": scheduler,
            "task_state": getattr(scheduler, "_state", None),
            "worker": worker,
            "remote_scheduler": luigi.rpc.RemoteScheduler("http://127.0.0.1:1"),
            "config_parser": LuigiConfigParser.instance(),
            "combined_interpolation": CombinedInterpolation([]),
            "argument_parser": argparse.ArgumentParser(),
        }
        for holder, names in INSTANCE_NAMES.items():
            missing += [f"{holder}.{name}" for name in names if not hasattr(holders[holder], name)]
    return missing
