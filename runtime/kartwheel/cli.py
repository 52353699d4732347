"""The command line: `kartwheel.run()` (luigi's command line, stricter) and the `kartwheel` script."""

from __future__ import annotations

import argparse
import difflib
import logging
import sys
from typing import NoReturn

import luigi
import luigi.execution_summary
import luigi.interface
import luigi.retcodes
from luigi.cmdline_parser import CmdlineParser
from luigi.task_register import Register, TaskClassNotFoundException

from ._luigi.scheduling import WorkerSchedulerFactory, deep_graphs
from .cli_actions import run_instead
from .errors import CommandLineError, KartwheelError
from .unique_id import invalidate_hashes

__all__ = ["main", "run"]

# Exit codes for luigi's outcomes; luigi's own defaults are all 0, which hides failures from shells and CI.
EXIT_CODES = {
    "already_running": 10,
    "missing_data": 20,
    "not_run": 30,
    "task_failed": 40,
    "scheduling_error": 50,
}


def _set_exit_codes() -> None:
    """Give luigi non-zero exit codes for failures, unless the configuration chose its own."""
    config = luigi.configuration.get_config()
    if not config.has_section("retcode"):
        config.add_section("retcode")
    for name, code in EXIT_CODES.items():
        if not config.has_option("retcode", name):
            config.set("retcode", name, str(code))


def _suggest(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, list(dict.fromkeys(candidates)), n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(close)}?" if close else ""


def _exact_parser(root_task: str | None = None) -> argparse.ArgumentParser:
    """luigi's parser without prefix matching: a root task's `--p` is not an abbreviation of luigi's options."""
    parser = CmdlineParser._build_parser(root_task=root_task)
    parser.allow_abbrev = False
    return parser


def _task_class(argv: list[str]) -> type[luigi.Task] | None:
    known, _ = _exact_parser().parse_known_args(argv)
    CmdlineParser._attempt_load_module(known)
    known, _ = _exact_parser().parse_known_args(argv)
    if known.root_task is None or known.core_help or known.core_help_all:
        return None
    try:
        return Register.get_task_cls(known.root_task)
    except TaskClassNotFoundException:
        names = sorted(Register.task_names())
        raise CommandLineError(
            f"unknown task {known.root_task!r}{_suggest(known.root_task, names)} "
            "(a task is named by its family, e.g. my_package.MyTask; its module must be imported, "
            "e.g. with --module my_package)"
        ) from None


def check_command_line(argv: list[str]) -> type[luigi.Task] | None:
    """Reject an unknown task, an unknown or abbreviated option, or a value of the wrong type.

    Returns the root task's class, or None when the command line names none (e.g. --help).
    """
    task_class = _task_class(argv)
    if task_class is None:
        return None
    family = task_class.get_task_family()
    parser = _exact_parser(root_task=family)
    options = parser._option_string_actions
    own_options = [f"--{name.replace('_', '-')}" for name, _ in task_class.get_params()]
    for token in argv:
        if token == "--":
            break
        option = token.split("=", 1)[0]
        if option.startswith("--") and option not in options:
            raise CommandLineError(
                f"{family} has no parameter {option}{_suggest(option, own_options + sorted(options))} "
                f"(its parameters: {' '.join(own_options)})"
            )
    known, _ = parser.parse_known_args(argv)
    for name, param in task_class.get_params():
        text = getattr(known, name, None)
        if isinstance(text, str):
            try:
                param.parse(text)
            except (ValueError, TypeError) as exc:
                kind = type(param).__name__.removesuffix("Parameter").lower() or "text"
                raise CommandLineError(
                    f"--{name.replace('_', '-')}={text}: not a valid {kind} for {family}.{name} ({exc})"
                ) from None
    return task_class


def _qualified_root_options(argv: list[str], task_class: type[luigi.Task]) -> list[str]:
    """The root task's `--name` options as `--Family-name`: luigi's parser reads them before it knows the
    root task, and would take `--p` for an ambiguous abbreviation of its `--parallel-scheduling...`."""
    family = task_class.get_task_family()
    params = dict(task_class.get_params())
    luigi_options = _exact_parser()._option_string_actions
    qualified: list[str] = []
    for index, token in enumerate(argv):
        if token == "--":
            return qualified + argv[index:]
        option, equals, value = token.partition("=")
        name = option[2:].replace("-", "_")
        if option.startswith("--") and name in params and option not in luigi_options:
            token = "--" + params[name]._parser_global_dest(name, family).replace("_", "-") + equals + value
        qualified.append(token)
    return qualified


def _construct_root_task(argv: list[str]) -> None:
    """Instantiate the root task once, so that errors in its parameters or config read as one line."""
    with CmdlineParser.global_instance(argv) as parser:
        try:
            parser.get_task_obj()
        except (KartwheelError, ValueError, TypeError) as exc:
            raise CommandLineError(f"cannot create {parser.known_args.root_task}: {exc}") from None


def run(argv: list[str] | None = None) -> NoReturn:
    """Run luigi's command line (`Task --param=x --local-scheduler --workers N`) and exit.

    The exit code is 0 only when the root task is complete; failures, missing data and scheduling
    errors exit non-zero (see EXIT_CODES). Mistakes on the command line are answered in one line.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    if any(arg.startswith("--test-run-") for arg in argv):
        from .testing import try_to_run_test_for_empty_data_frame

        try_to_run_test_for_empty_data_frame(argv)
    _set_exit_codes()
    invalidate_hashes()  # the command line may change what tasks require
    try:
        task_class = check_command_line(argv)
        if task_class is not None:
            argv = _qualified_root_options(argv, task_class)
            _construct_root_task(argv)
            if run_instead(argv):
                sys.exit(0)
    except KartwheelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    sys.exit(_run_luigi(argv))


def _run_luigi(argv: list[str]) -> int:
    """luigi's `run_with_retcodes`, on kartwheel's scheduler factory; returns the exit code."""
    with CmdlineParser.global_instance(argv):
        codes = luigi.retcodes.retcode()
    try:
        with deep_graphs():
            worker = luigi.interface._run(argv, worker_scheduler_factory=WorkerSchedulerFactory()).worker
    except luigi.interface.PidLockAlreadyTakenExit:
        print("error: the same command is already running on this host (luigi's process lock)", file=sys.stderr)
        return codes.already_running
    except Exception:
        luigi.interface.InterfaceLogging.setup(luigi.interface.core())
        logging.getLogger("luigi-interface").exception("Uncaught exception in luigi")
        return codes.unhandled_exception
    with CmdlineParser.global_instance(argv), deep_graphs():
        outcome = luigi.execution_summary._summary_dict(worker)
        root_task = luigi.execution_summary._root_task(worker)
    categories = {name for name, tasks in outcome.items() if tasks}
    code = max(
        (codes.missing_data if "still_pending_ext" in categories else 0),
        (codes.task_failed if "failed" in categories else 0),
        (codes.already_running if "run_by_other_worker" in categories else 0),
        (codes.scheduling_error if "scheduling_error" in categories else 0),
        (codes.not_run if "not_run" in categories else 0),
    )
    if code == 0 and root_task not in outcome["completed"] and root_task not in outcome["already_done"]:
        return codes.not_run
    return code


USAGE = """usage: kartwheel new [cookiecutter options] [key=value ...]   generate a project
       kartwheel check [PROJECT]   exit 1 when the project is behind the installed template
       kartwheel update [PROJECT] [--allow-dirty]   merge the template's changes into the project
       kartwheel new-task PACKAGE.MODULE.ClassName   write a task module and its test in a project
       kartwheel TASK --module MODULE [--local-scheduler] [--PARAM=VALUE ...]   run a task"""


def main(argv: list[str] | None = None) -> int:
    """The `kartwheel` console script: `kartwheel new ...` generates a project; anything else runs a task."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if argv else 2
    if argv[0] == "new":
        from .new_project import main as new_project

        return new_project(argv[1:])
    if argv[0] in ("check", "update"):
        from .project_update import main as project_update

        return project_update(argv)
    if argv[0] == "new-task":
        from .project_new_task import main as new_task

        return new_task(argv[1:])
    run(argv)
