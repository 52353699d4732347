"""One logging policy: every logger the runtime logs to is under its own package name."""

from __future__ import annotations

from pathlib import Path

import kartwheel
from kartwheel._cli import console_log

from tests.runtime.loggers import logger_calls

RUNTIME = Path(kartwheel.__file__).resolve().parent
# Loggers the runtime configures or quiets, never logs to: (module relative to the package, logger name).
CONFIGURED_ONLY = {
    ("_project.new", "cookiecutter"),  # the project tool's; never bundled into a project
    ("_cli.console_log", None),  # sets up luigi's loggers and the runtime's own (names from constants)
    ("_cli.console_log", ""),  # the root logger's console handler for everyone's warnings
}


def _wrong(package: str) -> list[str]:
    return [
        f"{call.path.relative_to(RUNTIME)}:{call.line}: getLogger({call.name!r})"
        for call in logger_calls(RUNTIME, package)
        if (call.module.removeprefix(package + "."), call.name) not in CONFIGURED_ONLY
        and (call.name is None or not call.name.startswith(package + "."))
    ]


def test_the_scan_finds_the_runtime_s_loggers():
    names = {call.name for call in logger_calls(RUNTIME, "kartwheel")}
    assert {"kartwheel._run.run_lock", "kartwheel._storage.s3", "kartwheel._cli.main"} <= names


def test_every_logger_of_the_runtime_is_under_its_package_name():
    assert _wrong("kartwheel") == []


def test_a_bundled_runtime_s_loggers_are_under_the_project_s_package():
    assert _wrong("project.kartwheel") == []


def test_the_run_s_logging_setup_configures_the_runtime_s_package_and_luigi_s_loggers():
    assert console_log.RUNTIME_LOGGER == "kartwheel"
    assert console_log.LUIGI_LOGGERS == ("luigi", "luigi-interface")
