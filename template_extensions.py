"""Jinja helpers for cookiecutter.json: defaults derived from the running Python and from the project name.

cookiecutter imports this module from the template folder (see `_extensions` in cookiecutter.json). The
package-name rules live in hooks/pre_gen_project.py, loaded from beside this file, so a derived default and
the check that judges it are one piece of code.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from pathlib import Path
from types import ModuleType

from jinja2 import Environment
from jinja2.ext import Extension

HOOK = Path(__file__).resolve().parent / "hooks" / "pre_gen_project.py"


def _checks() -> ModuleType:
    """Import the pre-generation hook (unrendered) for its rules."""
    spec = importlib.util.spec_from_file_location("kartwheel_template_answer_checks", HOOK)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the template's answer checks from {HOOK}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def running_python() -> str:
    """The running interpreter's X.Y, moved into the supported range when it is outside."""
    return _checks().default_python_version(sys.version_info[:2])


def package_name(project_name: str) -> str:
    """A valid package name derived from any project name."""
    return _checks().suggest_package_name(str(project_name))


class _HookFailureWithoutTraceback(logging.Filter):
    """cookiecutter logs a failed hook with its own traceback; the hook has already printed the reason."""

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("Stopping generation because"):
            record.exc_info = None
            record.exc_text = None
        return True


def _quiet_hook_failures() -> None:
    logger = logging.getLogger("cookiecutter.hooks")
    if not any(isinstance(item, _HookFailureWithoutTraceback) for item in logger.filters):
        logger.addFilter(_HookFailureWithoutTraceback())


class ProjectDefaults(Extension):
    """Adds `running_python()` and the `package_name` filter, and keeps hook failures to their one line."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals["running_python"] = running_python
        environment.filters["package_name"] = package_name
        _quiet_hook_failures()
