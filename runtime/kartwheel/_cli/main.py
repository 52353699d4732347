"""The command line: `kartwheel.run()` (luigi's command line, stricter) and the `kartwheel` script."""

from __future__ import annotations

import contextlib
import difflib
import json
import logging
import sys
from typing import NoReturn

import luigi
import luigi.interface
import luigi.retcodes
import luigi.rpc
import luigi.worker
from luigi.cmdline_parser import CmdlineParser
from luigi.task import flatten
from luigi.task_register import Register, TaskClassAmbigiousException, TaskClassNotFoundException

from .._core.hashing import invalidate_hashes
from .._luigi.cmdline import exact_parser, global_dest, load_modules, option_strings
from .._luigi.interface import root_task_of, run_command_line, scheduled_by, scheduler_of, summary_of
from .._luigi.registry import ambiguous_family_message
from .._luigi.scheduling import deep_graphs, unwrapped
from .._run.outcome import EXIT_CODES, decide, scheduler_graph
from .._run.progress import CountingScheduler, ProgressPrinter, format_duration
from .._run.scheduler_probe import unreachable_scheduler
from .._run.scheduling import SchedulerFactory
from ..errors import CommandLineError, KartwheelError
from .actions import run_instead
from .console_log import configure_logging
from .options import OWN_OPTIONS, check_no_clash, progress_settings, show_plan, split_options
from .task_list import program_name, task_listing

__all__ = ["main", "run"]

logger = logging.getLogger(__name__)

# The codes luigi's `[retcode]` section knows (the rest of EXIT_CODES are kartwheel's own).
_LUIGI_CODES = ("already_running", "missing_data", "not_run", "task_failed", "scheduling_error")


def _set_exit_codes() -> None:
    """Give luigi non-zero exit codes for failures, unless the configuration chose its own."""
    config = luigi.configuration.get_config()
    if not config.has_section("retcode"):
        config.add_section("retcode")
    for name, code in EXIT_CODES.items():
        if name in _LUIGI_CODES and not config.has_option("retcode", name):
            config.set("retcode", name, str(code))


def _suggest(name: str, candidates: list[str]) -> str:
    unique = list(dict.fromkeys(candidates))
    same_class = [candidate for candidate in unique if candidate.rsplit(".", 1)[-1] == name.rsplit(".", 1)[-1]]
    close = same_class or difflib.get_close_matches(name, unique, n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(close)}?" if close else ""


def _task_class(argv: list[str]) -> type[luigi.Task] | None:
    known, _ = exact_parser().parse_known_args(argv)
    load_modules(known)
    known, _ = exact_parser().parse_known_args(argv)
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
    except TaskClassAmbigiousException:
        raise CommandLineError(
            ambiguous_family_message(known.root_task) or f"task {known.root_task!r} is ambiguous"
        ) from None


def check_command_line(argv: list[str]) -> type[luigi.Task] | None:
    """Reject an unknown task, an unknown or abbreviated option, or a value of the wrong type.

    Returns the root task's class, or None when the command line names none (e.g. --help).
    """
    task_class = _task_class(argv)
    if task_class is None:
        return None
    family = task_class.get_task_family()
    parser = exact_parser(root_task=family)
    options = option_strings(parser)
    own_options = [f"--{name.replace('_', '-')}" for name, _ in task_class.get_params()]
    for token in argv:
        if token == "--":
            break
        option = token.split("=", 1)[0]
        if option.startswith("--") and option not in options:
            candidates = own_options + list(OWN_OPTIONS) + sorted(options)
            raise CommandLineError(
                f"{family} has no parameter {option}{_suggest(option, candidates)} "
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
    luigi_options = option_strings(exact_parser())
    qualified: list[str] = []
    for index, token in enumerate(argv):
        if token == "--":
            return qualified + argv[index:]
        option, equals, value = token.partition("=")
        name = option[2:].replace("-", "_")
        if option.startswith("--") and name in params and option not in luigi_options:
            token = "--" + global_dest(params[name], name, family).replace("_", "-") + equals + value
        qualified.append(token)
    return qualified


def _construct_root_task(argv: list[str]) -> luigi.Task:
    """Instantiate the root task once, so that errors in its parameters or config read as one line."""
    with CmdlineParser.global_instance(argv) as parser:
        try:
            return parser.get_task_obj()
        except (KartwheelError, ValueError, TypeError) as exc:
            raise CommandLineError(f"cannot create {parser.known_args.root_task}: {exc}") from None


_SCHEDULER_OPTIONS = ("--local-scheduler", "--scheduler-host", "--scheduler-port", "--scheduler-url")
_SCHEDULER_SETTINGS = ("local_scheduler", "local-scheduler", "default-scheduler-host", "default-scheduler-url")


def with_default_scheduler(argv: list[str]) -> list[str]:
    """Run on the local scheduler unless the command line or `[core]` config names a scheduler (luigid)."""
    if any(token.split("=", 1)[0] in _SCHEDULER_OPTIONS for token in argv):
        return argv
    config = luigi.configuration.get_config()
    if any(config.has_option("core", name) for name in _SCHEDULER_SETTINGS):
        return argv
    return ["--local-scheduler", *argv]


def _without_task(argv: list[str]) -> int | None:
    """Answer a command line that names no task: --help lists the tasks, nothing at all says how to."""
    known, _ = exact_parser().parse_known_args(argv)
    if known.root_task is not None or known.core_help_all:
        return None
    if known.core_help:
        print(task_listing())
        return 0
    print(f"error: name a task to run; `{program_name()} --help` lists them", file=sys.stderr)
    return 2


def run(argv: list[str] | None = None) -> NoReturn:
    """Run luigi's command line (`Task --param=x --local-scheduler --workers N`) and exit.

    The exit code is 0 when the root task is complete at the end, whoever ran it; otherwise it says why
    (see `outcome.EXIT_CODES`). Mistakes on the command line are answered in one line.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    if any(arg.startswith("--test-run-") for arg in argv):
        from .empty_data_frame import try_to_run_test_for_empty_data_frame

        try_to_run_test_for_empty_data_frame(argv)
    _set_exit_codes()
    invalidate_hashes()  # the command line may change what tasks require
    root: luigi.Task | None = None
    progress: tuple[bool, float | None] = (False, None)
    logging_context: contextlib.AbstractContextManager = contextlib.nullcontext()
    try:
        argv, options = split_options(argv)
        load_modules(exact_parser().parse_known_args(argv)[0])
        answered = _without_task(argv)
        if answered is not None:
            sys.exit(answered)
        task_class = check_command_line(argv)
        if task_class is not None:
            check_no_clash(task_class, argv)
            argv = with_default_scheduler(_qualified_root_options(argv, task_class))
            progress = progress_settings(options)
            root = _construct_root_task(argv)
            if options.shows_plan:
                sys.exit(show_plan(argv, options))
            if run_instead(argv):
                sys.exit(0)
            logging_context = configure_logging(argv, root, options.verbose)
    except KartwheelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    _exit_if_scheduler_unreachable(argv)
    with logging_context:
        sys.exit(_run_luigi(argv, root, progress))


def _exit_if_scheduler_unreachable(argv: list[str]) -> None:
    """Exit at once, in one line, when no luigid answers (luigi would retry for minutes)."""
    with CmdlineParser.global_instance(argv):
        problem = unreachable_scheduler()
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        sys.exit(EXIT_CODES["scheduler_unreachable"])


def _run_luigi(
    argv: list[str], root: luigi.Task | None = None, progress: tuple[bool, float | None] = (False, None)
) -> int:
    """luigi's `run_with_retcodes`, on kartwheel's scheduler factory; returns the exit code.

    With a root task, the end of the run is summarised, and `progress` (shown?, seconds between plain
    lines) says whether counts are printed during it.
    """
    with CmdlineParser.global_instance(argv):
        codes = luigi.retcodes.retcode()
    factory = SchedulerFactory(count=root is not None)
    show_progress, seconds = progress
    printer = ProgressPrinter(factory.counts, plain_interval=seconds) if show_progress else None
    try:
        with printer.running() if printer else contextlib.nullcontext(), deep_graphs():
            worker = run_command_line(argv, factory)
    except luigi.interface.PidLockAlreadyTakenExit:
        print("error: the same command is already running on this host (luigi's process lock)", file=sys.stderr)
        return codes.already_running
    except Exception:
        logger.exception("Uncaught exception in luigi")
        return codes.unhandled_exception
    code, line = _verdict(argv, worker, codes)
    if root is not None and factory.counter is not None:
        print(run_summary(factory.counter, root), file=sys.stderr)
    print(line, file=sys.stderr)
    return code


def _verdict(argv: list[str], worker: luigi.worker.Worker, codes: object) -> tuple[int, str]:
    """The exit code, and one line saying what this process did and whether the root is complete."""
    with CmdlineParser.global_instance(argv), deep_graphs():
        summary = summary_of(worker)
        root_task = root_task_of(worker)
        scheduler = unwrapped(scheduler_of(worker))
        remote = isinstance(scheduler, luigi.rpc.RemoteScheduler)
        complete_here = root_task in summary["completed"] or root_task in summary["already_done"]
        graph = scheduler_graph(scheduler, root_task) if remote or not complete_here else None
        verdict = decide(root_task, summary, graph, codes, scheduled_by(worker))
    return verdict.code, verdict.line


def _error_text(error: object) -> str:
    """A failure's explanation as the scheduler keeps it: luigi's worker sends it JSON-encoded."""
    if isinstance(error, str):
        try:
            decoded = json.loads(error)
        except ValueError:
            return error
        return decoded if isinstance(decoded, str) else error
    return ""


def run_summary(counter: CountingScheduler, root: luigi.Task) -> str:
    """The end of a run: how many tasks ran, were cached, failed (and which), where the root's outputs are."""
    counts = counter.counts()
    outputs = [str(getattr(target, "path", target)) for target in flatten(root.output())]
    where = ", ".join(outputs) if outputs else "(it declares no output)"
    state = "" if root.complete() else " (not complete)"
    tasks = f"{counts.total} task{'' if counts.total == 1 else 's'}"
    lines = [
        f"{tasks}: {counts.ran} ran, {counts.cached} cached, {counts.failed} failed "
        f"in {format_duration(counts.elapsed)}"
    ]
    for task_id in counter.failed_ids():
        error = _error_text((counter.fetch_error(task_id) or {}).get("error"))
        last_line = error.strip().splitlines()[-1] if error.strip() else "see the log above"
        lines.append(f"failed: {task_id}: {last_line}")
    lines.append(f"{root.get_task_family()} output{state}: {where}")
    return "\n".join(lines)


USAGE = """usage: kartwheel TASK --module MODULE [--PARAM=VALUE ...] [--workers N]   run a task
       kartwheel TASK --module MODULE --plan [--format json]   print what would run and why
       kartwheel TASK --module MODULE --graph FILE.html   draw the graph (also .dot, .mmd, .json)
       kartwheel --module MODULE --help   list the tasks of MODULE"""

# The project tool's commands: part of the installed package, not of a runtime bundled into a project.
PROJECT_COMMANDS = ("new", "check", "update", "new-task")


def main(argv: list[str] | None = None, usage: str = USAGE) -> int:
    """Run a task from the command line (`kartwheel TASK ...`); `usage` is what a bare call prints."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv in (["-h"], ["--help"]):
        print(usage)
        return 0 if argv else 2
    if argv[0] in PROJECT_COMMANDS:
        print(
            f"error: `kartwheel {argv[0]}` is the project tool, which the installed kartwheel package has and a "
            "runtime bundled into a project does not; run it with `pip install 'kartwheel[new]'`",
            file=sys.stderr,
        )
        return 2
    run(argv)
