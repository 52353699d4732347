"""Suite (e): a fan-in of CPU-bound tasks built with one worker and with two."""

from __future__ import annotations

import time

import measure
import scenarios
from report import Row
from settings import Settings

SPEEDUP_RATIO = 0.6
CALIBRATION_WORK = 200_000


def calibrate(seconds: float) -> int:
    """The ``burn`` work that takes about ``seconds`` of CPU on this machine (best of three)."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        scenarios.burn(CALIBRATION_WORK)
        best = min(best, time.process_time() - started)
    return max(1, int(CALIBRATION_WORK * seconds / best))


def samples_for(s: Settings, libraries: list[str], work: int) -> dict[str, dict[str, list[float]] | str]:
    """Every repeat of workers=1 and workers=2 for each library, each in a fresh process and workspace.

    The libraries take turns within each repeat, so that the machine's noise falls on all of them alike.
    """
    found: dict[str, dict[str, list[float]] | str] = {library: {} for library in libraries}
    for i in range(s.repeat):
        for library in libraries:
            samples = found[library]
            if isinstance(samples, str):
                continue
            found[library] = one_repeat(s, library, work, samples, f"repeat {i + 1}/{s.repeat}")
    return found


def one_repeat(
    s: Settings, library: str, work: int, samples: dict[str, list[float]], label: str
) -> dict[str, list[float]] | str:
    """workers=1 then workers=2 for one library, added to its samples; the failure label if one failed."""
    for workers in (1, 2):
        s.log(f"  workers {library} {s.cpu_tasks} tasks workers={workers} {label}")
        args = {"library": s.module(library), "tasks": s.cpu_tasks, "work": work, "workers": workers}
        with measure.Workspace(s.tmp_root) as ws:
            out = measure.run_child(s.python(library), "workers", args, ws, s.env(library), s.budget(library))
        if not out.ok:
            s.log(f"    failed: {out.failure()}\n{out.stderr_tail[-1500:]}")
            return out.failure()
        samples.setdefault(f"w{workers}_s", []).append(out.report["seconds"])
        samples.setdefault(f"w{workers}_rss_mb", []).append(out.maxrss_mb)
    samples.setdefault("ratio", []).append(samples["w2_s"][-1] / samples["w1_s"][-1])
    return samples


def run(s: Settings) -> list[Row]:
    """Run the workers suite and return its rows."""
    work = calibrate(s.cpu_seconds)
    scenario = f"fan-in of {s.cpu_tasks} x {s.cpu_seconds:g} s CPU"
    per = samples_for(s, s.libraries, work)
    rows = []
    for workers in (1, 2):
        row = Row("workers", scenario, f"build, workers={workers}", "s")
        for library, found in per.items():
            row.values[library] = found if isinstance(found, str) else measure.median(found[f"w{workers}_s"])
            if not isinstance(found, str):
                row.details[library] = f"peak RSS {measure.median(found[f'w{workers}_rss_mb']):.0f} MB"
            row.samples[library] = found
        rows.append(row)
    ratio = Row("workers", scenario, "workers=2 / workers=1", "x", target=f"<= {SPEEDUP_RATIO}x")
    for library, found in per.items():
        ratio.values[library] = found if isinstance(found, str) else measure.median(found["ratio"])
    value = ratio.values.get("kartwheel")
    ratio.passed = None if "kartwheel" not in per else (isinstance(value, float) and value <= SPEEDUP_RATIO)
    return [*rows, ratio]
