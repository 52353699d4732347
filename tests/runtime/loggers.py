"""The loggers a runtime's source asks for: every `logging.getLogger(...)` call, read with ast."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LoggerCall:
    """One `getLogger` call: the module's dotted name, its file, and the logger name (None when not a literal)."""

    module: str
    path: Path
    line: int
    name: str | None


def _module_name(path: Path, runtime: Path, package: str) -> str:
    parts = list(path.relative_to(runtime).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([package, *parts])


def logger_calls(runtime: Path, package: str) -> list[LoggerCall]:
    """Every getLogger call under `runtime`, a package importable as `package`; `__name__` resolved."""
    calls = []
    for path in sorted(runtime.rglob("*.py")):
        module = _module_name(path, runtime, package)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            function = node.func
            called = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
            if called != "getLogger":
                continue
            [argument] = node.args or [ast.Constant(value="")]  # getLogger() is the root logger
            if isinstance(argument, ast.Name) and argument.id == "__name__":
                name: str | None = module
            elif isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                name = argument.value
            else:
                name = None
            calls.append(LoggerCall(module, path, node.lineno, name))
    return calls
