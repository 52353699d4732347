"""`--test-run-pandas`: build the workflow, then run every task of it again with `dump` disabled and report
each as OK or NG, exiting 1 when any fails (gokart's `test_run`)."""

from __future__ import annotations

import logging
import sys
from typing import Any

import luigi
from luigi.cmdline_parser import CmdlineParser
from luigi.task import flatten

from .._core.completeness import complete_check_skipped

__all__ = ["test_run", "try_to_run_test_for_empty_data_frame"]

logger = logging.getLogger(__name__)


class test_run(luigi.Config):
    """The `--test-run-*` options of `kartwheel.run`."""

    __test__ = False  # not a pytest test class, despite its name

    pandas = luigi.BoolParameter(description="Run every task again with dump disabled and report OK/NG.")
    namespace = luigi.OptionalStrParameter(
        default=None, description="Only the tasks of this task_namespace ('__not_user_specified' for none)."
    )


def _all_tasks(root: luigi.Task) -> list[luigi.Task]:
    """The root and every task it requires, each once, root first."""
    seen: dict[str, luigi.Task] = {}
    pending = [root]
    while pending:
        task = pending.pop(0)
        if task.task_id not in seen:
            seen[task.task_id] = task
            pending.extend(flatten(task.requires()))
    return list(seen.values())


def _status(task: Any) -> tuple[bool, str]:
    """Run `task` with dump disabled; the line gokart prints for it."""
    line = f"namespace={task.task_namespace}; name={type(task).__name__}; id={task.make_unique_id()};"
    try:
        with complete_check_skipped(task):  # the task is complete: it was just built
            task.run()
    except Exception as exc:
        return False, f"status=NG; {line} message={type(exc)}: {', '.join(map(str, exc.args))}"
    return True, f"status=OK; {line}"


def try_to_run_test_for_empty_data_frame(cmdline_args: list[str]) -> None:
    """With `--test-run-pandas`, build, rerun each task without dumping, report, and exit (0 when all pass)."""
    from .._core.task import TaskOnKart
    from .main import run

    with CmdlineParser.global_instance(cmdline_args):
        options = test_run()
    if not options.pandas:
        return
    cmdline_args = [arg for arg in cmdline_args if not arg.startswith("--test-run-")]
    try:
        run(cmdline_args)
    except SystemExit as exc:
        if exc.code != 0:
            raise SystemExit(f"the workflow did not build (exit code {exc.code}), so it cannot be test-run") from None
    with CmdlineParser.global_instance(cmdline_args) as parser:
        tasks = _all_tasks(parser.get_task_obj())
    if options.namespace is not None:
        tasks = [task for task in tasks if task.task_namespace == options.namespace]
    from unittest import mock

    with mock.patch.object(TaskOnKart, "dump", new=_no_dump):
        results = [_status(task) for task in tasks]
    logger.info("test run results:\n%s", "\n".join(line for _, line in results))
    for _, line in results:
        print(line, file=sys.stderr)
    sys.exit(0 if all(ok for ok, _ in results) else 1)


def _no_dump(*args: Any, **kwargs: Any) -> None:
    """`TaskOnKart.dump` during a test run: nothing is written."""
