"""What a benchmark run measures and how: sizes, repeats, time budgets, interpreters."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import measure

REPO = Path(__file__).resolve().parent.parent
SUITES = ("dag", "throughput", "coldstart", "workers")
# The side that measures kartwheel from another tree (`--baseline <ref>`): a column of its own, like a library.
BASELINE = "baseline"


@dataclass
class Settings:
    """Everything the suites need to know about this run."""

    libraries: list[str] = field(default_factory=lambda: ["kartwheel"])
    suites: list[str] = field(default_factory=lambda: list(SUITES))
    sizes: list[int] = field(default_factory=lambda: [100, 1000, 10000])
    shapes: list[str] = field(default_factory=lambda: ["chain", "fanin", "tree", "rchain"])
    repeat: int = 5
    timeout: float = 1800.0
    gokart_timeout: float = 600.0
    gokart_max_chain: int = 1000
    gokart_python: str | None = None
    array_mb: int = 1024
    objects_mb: int = 100
    cpu_tasks: int = 8
    cpu_seconds: float = 0.5
    tmp_root: Path = REPO / "benchmarks" / "results" / "tmp"
    verbose: bool = True
    # `--baseline`: the git ref as given, the commit it names, and the `runtime/` directory extracted from it.
    baseline_ref: str | None = None
    baseline_commit: str | None = None
    baseline_runtime: Path | None = None

    def module(self, library: str) -> str:
        """The module a side imports: the baseline is kartwheel too, from another tree."""
        return "kartwheel" if library == BASELINE else library

    def runtime(self, library: str) -> Path | None:
        """The `runtime/` directory a kartwheel side imports from (None for other libraries)."""
        if library == BASELINE:
            return self.baseline_runtime
        return REPO / "runtime" if library == "kartwheel" else None

    def python(self, library: str) -> str:
        """The interpreter that runs a library's side."""
        return measure.interpreter(self.module(library), self.gokart_python)

    def budget(self, library: str) -> float:
        """Seconds one measurement of a library may take before it counts as a timeout."""
        return self.gokart_timeout if library == "gokart" else self.timeout

    def env(self, library: str) -> dict[str, str]:
        """The environment of a library's child processes."""
        return measure.child_env(self.module(library), REPO, self.runtime(library))

    def log(self, message: str) -> None:
        """Progress on stderr, so that stdout carries only the table."""
        if self.verbose:
            print(message, file=sys.stderr, flush=True)

    def as_dict(self) -> dict[str, Any]:
        """The settings as plain data for the JSON report."""
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(self).items()}


def quick(settings: Settings) -> Settings:
    """Shrink a run to a couple of minutes: small graphs, small payloads, fewer repeats."""
    settings.sizes = sorted({min(size, 500) for size in settings.sizes})
    settings.repeat = min(settings.repeat, 3)
    settings.array_mb = min(settings.array_mb, 64)
    settings.objects_mb = min(settings.objects_mb, 8)
    settings.cpu_tasks = min(settings.cpu_tasks, 4)
    settings.cpu_seconds = min(settings.cpu_seconds, 0.25)
    return settings
