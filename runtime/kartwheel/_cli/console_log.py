"""Where a run's log lines go: kartwheel's lines and every warning to the console, luigi's to a file.

By default luigi's INFO lines (scheduling, workers, its execution summary) go to `<workspace>/log/luigi.log`
(a local workspace only) and to the console with `--verbose`; a logging config file (`--logging-conf-file`,
`[core] logging_conf_file`) is applied on top, and the loggers it names behave as it says.
`[core] no_configure_logging=true` leaves logging alone, as luigi does.
"""

from __future__ import annotations

import contextlib
import logging
import logging.config
import os
import sys
from collections.abc import Iterator

import luigi
import luigi.interface
from luigi.cmdline_parser import CmdlineParser

from .._core.settings import current, refresh
from ..errors import CommandLineError

__all__ = ["LOG_FILE", "LUIGI_LOGGERS", "RUNTIME_LOGGER", "configure_logging", "luigi_log_path"]

RUNTIME_LOGGER = __name__.rpartition("._cli.")[0]  # kartwheel, or <package>.kartwheel when bundled in a project
LUIGI_LOGGERS = ("luigi", "luigi-interface")  # the loggers luigi logs to
LOG_FILE = "luigi.log"
OWN_HANDLER = "kartwheel-run"  # the name of the handlers set up here, so that a second run replaces only them
CONSOLE_FORMAT = "%(levelname)s: %(message)s"
FILE_FORMAT = "[%(asctime)s][%(name)s][%(levelname)s] %(message)s"


class _QuietBelowWarning(logging.Filter):
    """Lets a record through when it is a warning or worse (luigi's INFO lines stay off the console)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


class _NoSetupNote(logging.Filter):
    """Drops luigi's note that its logging setup is off: kartwheel turned it off, having set logging up."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == "luigi" and record.msg == "logging disabled in settings")


def luigi_log_path(root: luigi.Task | None) -> str | None:
    """`<workspace>/log/luigi.log` of the root task, or None: no root, a remote workspace, or no logs wanted."""
    if root is None:
        return None
    workspace = getattr(root, "workspace_directory", None)
    if workspace is None:
        workspace = luigi.configuration.get_config().get("TaskOnKart", "workspace_directory", "./resources")
    workspace = str(workspace)
    if "://" in workspace or not current().supplementary_logs:
        return None
    return os.path.join(workspace, "log", LOG_FILE)


def _console() -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(OWN_HANDLER)
    handler.setFormatter(logging.Formatter(CONSOLE_FORMAT))
    return handler


def _file(path: str) -> logging.Handler:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    handler.set_name(OWN_HANDLER)
    handler.setFormatter(logging.Formatter(FILE_FORMAT))
    handler.setLevel(logging.INFO)
    return handler


def _own(name: str, handlers: list[logging.Handler]) -> None:
    logger = logging.getLogger(name)
    for handler in list(logger.handlers):
        if handler.get_name() == OWN_HANDLER:
            logger.removeHandler(handler)
            handler.close()
    for handler in handlers:
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


@contextlib.contextmanager
def _luigi_leaves_logging_alone() -> Iterator[None]:
    """luigi's own setup (`[core] no_configure_logging`) skipped while `luigi.interface` runs, then restored."""
    config = luigi.configuration.get_config()
    if not config.has_section("core"):
        config.add_section("core")
    previous = config.get("core", "no_configure_logging", None)
    config.set("core", "no_configure_logging", "true")
    try:
        yield
    finally:
        if previous is None:
            config.remove_option("core", "no_configure_logging")
        else:
            config.set("core", "no_configure_logging", previous)


def configure_logging(argv: list[str], root: luigi.Task | None, verbose: bool) -> contextlib.AbstractContextManager:
    """Set the run's logging up; returns the context to run luigi in (it keeps luigi from redoing it)."""
    config = luigi.configuration.get_config()
    if config.getboolean("core", "no_configure_logging", False):
        return contextlib.nullcontext()
    with CmdlineParser.global_instance(argv):
        conf_file = luigi.interface.core().logging_conf_file
        refresh()  # the [kartwheel] settings as this command line gives them (--kartwheel-supplementary-logs)
    if conf_file and not os.path.exists(conf_file):
        raise CommandLineError(f"the logging config file {conf_file} does not exist (--logging-conf-file)")
    path = luigi_log_path(root)
    log_file = [_file(path)] if path else []
    luigi_console = _console()
    if not verbose:
        luigi_console.addFilter(_QuietBelowWarning())
    for handler in [luigi_console, *log_file]:
        handler.addFilter(_NoSetupNote())
    for name in LUIGI_LOGGERS:
        _own(name, [luigi_console, *log_file])
    _own(RUNTIME_LOGGER, [_console(), *log_file])
    top = logging.getLogger()
    if not top.handlers:
        warnings = _console()
        warnings.setLevel(logging.WARNING)
        top.addHandler(warnings)
    if conf_file:
        try:
            logging.config.fileConfig(conf_file, disable_existing_loggers=False)
        except (KeyError, ValueError, RuntimeError) as exc:
            raise CommandLineError(f"the logging config file {conf_file} cannot be applied: {exc!r}") from None
    return _luigi_leaves_logging_alone()
