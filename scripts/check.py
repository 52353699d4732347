"""The gates every change passes: lint, formatting, types, then the test suite.

`python scripts/check.py` runs them all and exits non-zero on the first finding; `--tests-only` runs just
the test suite (used for the run against the oldest supported luigi). A test run that collects no test
counts as a failure, so a broken collection can never pass for a green run.
"""

from __future__ import annotations

import argparse
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
]


def test_runs() -> list[tuple[str, list[str]]]:
    """Each run of the suite, by name: pytest's arguments."""
    return [("tests", [])]


def _run(name: str, command: list[str]) -> int:
    print(f"== {name}: {' '.join(command)}", flush=True)
    code = subprocess.call(command, cwd=ROOT)
    if code == NO_TESTS_COLLECTED and command[:3] == [sys.executable, "-m", "pytest"]:
        print(f"== {name}: pytest collected no tests; that is a failure here", flush=True)
    elif code != 0:
        print(f"== {name}: failed (exit code {code})", flush=True)
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tests-only", action="store_true", help="run the test suite only, not lint or types")
    options = parser.parse_args(argv)
    steps = [] if options.tests_only else [(name, [sys.executable, "-m", *command]) for name, command in STATIC_GATES]
    steps += [(name, [sys.executable, "-m", "pytest", *args]) for name, args in test_runs()]
    for name, command in steps:
        if _run(name, command) != 0:
            return 1
    print("== every gate passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
