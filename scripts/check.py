"""The gates every change passes: lint, formatting, types, then the test suite twice.

The whole suite runs in a random order (its seed is printed; rerun with `pytest --random-order-seed=N`),
then the runtime's tests run again with kartwheel's fast paths switched off (luigi's own scheduler, logs
written inline: `tests/fast_paths_off.cfg`). `python scripts/check.py` runs them all, slow tests included
(this is what CI runs), and exits non-zero on the first finding; `--tests-only` skips lint and types.
`--quick`, while working, runs lint, format and types, then the fast tests once in their declared order:
`-m "not slow"`, about a minute; the `slow` marker (pyproject.toml) is on tests that start servers or
many processes, run generated projects or a notebook, or take over about a second. A run that collects
no test counts as a failure, so a broken collection never passes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# pytest's exit code when it collected no test at all.
NO_TESTS_COLLECTED = 5

STATIC_GATES = [
    ("lint", ["ruff", "check", "."]),
    ("format", ["ruff", "format", "--check", "."]),
    ("types", ["mypy"]),
    ("layers", ["lint-imports"]),  # the import contracts of the runtime's layers, in pyproject.toml
]


QUICK_RUN = ("fast tests", ["-m", "not slow"], {})  # the tests not marked slow, in their declared order
TEST_RUNS = [
    ("tests, random order", ["--random-order"], {}),  # modules in a random order, and tests within each
    # The runtime's tests only: the template's tests generate projects, which the switches do not touch.
    ("tests, fast paths off", ["tests/runtime"], {"LUIGI_CONFIG_PATH": str(ROOT / "tests" / "fast_paths_off.cfg")}),
]


def _run(name: str, command: list[str], env: dict[str, str] | None = None) -> int:
    shown = " ".join(f"{key}={value}" for key, value in (env or {}).items())
    print(f"== {name}: {shown + ' ' if shown else ''}{' '.join(command)}", flush=True)
    code = subprocess.call(command, cwd=ROOT, env={**os.environ, **(env or {})})
    if code == NO_TESTS_COLLECTED and command[:3] == [sys.executable, "-m", "pytest"]:
        print(f"== {name}: pytest collected no tests; that is a failure here", flush=True)
    elif code != 0:
        print(f"== {name}: failed (exit code {code})", flush=True)
    return code


def _command(command: list[str]) -> list[str]:
    """A gate's command in this interpreter's environment: `python -m tool`, or the script beside python."""
    if command[0] == "lint-imports":  # import-linter has no `python -m` entry; its script sits beside python
        return [str(Path(sys.executable).parent / "lint-imports"), *command[1:]]
    return [sys.executable, "-m", *command]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests-only", action="store_true", help="run the test suite only, not lint or types")
    parser.add_argument(
        "--quick", action="store_true", help='run the fast tests (-m "not slow") once, in their declared order'
    )
    options = parser.parse_args(argv)
    steps = [] if options.tests_only else [(name, _command(command), {}) for name, command in STATIC_GATES]
    runs = [QUICK_RUN] if options.quick else TEST_RUNS
    steps += [(name, [sys.executable, "-m", "pytest", *args], env) for name, args, env in runs]
    for name, command, env in steps:
        if _run(name, command, env) != 0:
            return 1
    print("== every gate passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
