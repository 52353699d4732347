"""Suite (a): chains, fan-ins and binary trees of trivial tasks — first build and no-op rebuilds."""

from __future__ import annotations

from typing import Any

import measure
from report import Row
from settings import Settings

TARGET_N = 10_000
FIRST_BUILD_MS = 1.5
FLATNESS = 1.3
NEW_PROCESS_MS = 0.15


def measure_once(s: Settings, library: str, shape: str, n: int) -> dict[str, float] | measure.Outcome:
    """One repeat in a fresh workspace: first build + same-process rebuild, new-process rebuild, start-up."""
    python, env, budget = s.python(library), s.env(library), s.budget(library)
    args = {"library": s.module(library), "shape": shape, "n": n}
    with measure.Workspace(s.tmp_root) as ws:
        first = measure.run_child(python, "dag-first", args, ws, env, budget)
        if not first.ok:
            return first
        again = measure.run_child(python, "dag-rebuild", args, ws, env, budget)
        if not again.ok:
            return again
        start = measure.run_child(python, "startup", {"library": s.module(library)}, ws, env, budget)
        if not start.ok:
            return start
    return {
        "first_ms": first.report["first"]["total_s"] / n * 1e3,
        "first_total_s": first.report["first"]["total_s"],
        "first_construct_s": first.report["first"]["construct_s"],
        "same_ms": first.report["rebuild"]["total_s"] / n * 1e3,
        "same_total_s": first.report["rebuild"]["total_s"],
        "new_total_s": again.wall_s,
        "startup_s": start.wall_s,
        "new_inprocess_ms": again.report["rebuild"]["total_s"] / n * 1e3,
        "first_rss_mb": first.maxrss_mb,
        "new_rss_mb": again.maxrss_mb,
        "startup_rss_mb": start.maxrss_mb,
    }


def measure_scenario(s: Settings, libraries: list[str], shape: str, n: int) -> dict[str, dict[str, list[float]] | str]:
    """All repeats of one scenario for each library: samples per metric, or a label saying why there are none.

    The libraries take turns within each repeat (repeat 1 of each, then repeat 2 of each, ...), so that the
    machine's noise falls on all of them alike; a library that fails drops out of the later repeats.
    """
    found: dict[str, dict[str, list[float]] | str] = {library: {} for library in libraries}
    for i in range(s.repeat):
        for library in libraries:
            samples = found[library]
            if isinstance(samples, str):
                continue
            s.log(f"  dag {library} {shape} N={n} repeat {i + 1}/{s.repeat}")
            once = measure_once(s, library, shape, n)
            if isinstance(once, measure.Outcome):
                s.log(f"    failed: {once.failure()}\n{once.stderr_tail[-1500:]}")
                found[library] = once.failure()
                continue
            for key, value in once.items():
                samples.setdefault(key, []).append(value)
    for samples in found.values():
        if isinstance(samples, dict):
            # Differences of medians: a per-repeat difference would carry the start-up's noise twice.
            above = measure.median(samples["new_total_s"]) - measure.median(samples["startup_s"])
            samples["new_ms"] = [above / n * 1e3]
    return found


def skip_reason(s: Settings, library: str, shape: str, n: int, failed: dict[tuple[str, str], int]) -> str:
    """Why a scenario is not run for a library ('' when it is run)."""
    if (library, shape) in failed:
        return f"skipped (failed at N={failed[library, shape]})"
    if library == "gokart" and shape in ("chain", "rchain") and n > s.gokart_max_chain:
        return f"skipped (chain > {s.gokart_max_chain})"
    return ""


def collect(s: Settings) -> dict[tuple[str, int], dict[str, dict[str, list[float]] | str]]:
    """Run every shape and size for every library."""
    results: dict[tuple[str, int], dict[str, dict[str, list[float]] | str]] = {}
    failed: dict[tuple[str, str], int] = {}
    for shape in s.shapes:
        for n in s.sizes:
            skipped = {library: skip_reason(s, library, shape, n, failed) for library in s.libraries}
            measured = measure_scenario(s, [lib for lib in s.libraries if not skipped[lib]], shape, n)
            per_lib: dict[str, dict[str, list[float]] | str] = {}
            for library in s.libraries:
                per_lib[library] = skipped[library] or measured[library]
                if isinstance(per_lib[library], str) and not skipped[library]:
                    failed[library, shape] = n
            results[shape, n] = per_lib
    return results


def _median(found: dict[str, list[float]] | str, key: str) -> float | str:
    """The median of one metric, or the failure label."""
    if isinstance(found, str):
        return found
    return measure.median(found[key])


def _row(
    s: Settings,
    shape: str,
    n: int,
    per_lib: dict[str, Any],
    metric: str,
    key: str,
    unit: str,
    details: dict[str, tuple[str, str]] | None = None,
) -> Row:
    """A table row of one metric's medians; ``details`` maps a label to (metric key, unit) shown beside it."""
    row = Row("dag", f"{shape} N={n}", metric, unit)
    for library, found in per_lib.items():
        row.values[library] = _median(found, key)
        row.samples[library] = found
        if details and not isinstance(found, str):
            row.details[library] = ", ".join(
                f"{label} {measure.median(found[k]):.3g} {u}" for label, (k, u) in details.items()
            )
    return row


def _target(row: Row, limit: float, text: str) -> Row:
    """Attach an upper-bound target on the kartwheel value."""
    row.target = text
    value = row.values.get("kartwheel")
    row.passed = value <= limit if isinstance(value, float | int) else (False if value else None)
    return row


def rows_for(s: Settings, shape: str, n: int, per_lib: dict[str, Any]) -> list[Row]:
    """The rows of one shape and size."""
    first = _row(s, shape, n, per_lib, "first build", "first_ms", "ms/task", {"total": ("first_total_s", "s")})
    same = _row(
        s, shape, n, per_lib, "no-op rebuild, same process", "same_ms", "ms/task", {"total": ("same_total_s", "s")}
    )
    new = _row(
        s,
        shape,
        n,
        per_lib,
        "no-op rebuild, new process, above start-up",
        "new_ms",
        "ms/task",
        {"total": ("new_total_s", "s"), "start-up": ("startup_s", "s"), "in-process": ("new_inprocess_ms", "ms/task")},
    )
    rss = _row(
        s,
        shape,
        n,
        per_lib,
        "peak RSS, first build",
        "first_rss_mb",
        "MB",
        {"new-process rebuild": ("new_rss_mb", "MB"), "bare start-up": ("startup_rss_mb", "MB")},
    )
    if n == TARGET_N:
        _target(first, FIRST_BUILD_MS, f"<= {FIRST_BUILD_MS} ms/task")
        _target(new, NEW_PROCESS_MS, f"<= {NEW_PROCESS_MS} ms/task + start-up")
    return [first, same, new, rss]


def flatness_row(s: Settings, shape: str, results: dict[tuple[str, int], dict[str, Any]]) -> Row | None:
    """First-build cost per task at the largest N over that at the smallest N."""
    small, large = min(s.sizes), max(s.sizes)
    if small == large:
        return None
    row = Row("dag", f"{shape} N={large} vs N={small}", "first build, per-task growth", "x")
    for library in s.libraries:
        lo, hi = (
            _median(results[shape, small][library], "first_ms"),
            _median(results[shape, large][library], "first_ms"),
        )
        row.values[library] = hi / lo if isinstance(lo, float) and isinstance(hi, float) else None
    if small == 100 and large == TARGET_N:
        _target(row, FLATNESS, f"<= {FLATNESS}x")
    return row


def run(s: Settings) -> list[Row]:
    """Run the DAG suite and return its rows."""
    results = collect(s)
    rows: list[Row] = []
    for shape in s.shapes:
        for n in s.sizes:
            rows += rows_for(s, shape, n, results[shape, n])
        flat = flatness_row(s, shape, results)
        if flat:
            rows.append(flat)
    return rows
