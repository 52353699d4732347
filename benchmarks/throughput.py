"""Suite (b): dump and load of a large array and of a large graph of objects, against numpy and pickle."""

from __future__ import annotations

from typing import Any

import measure
from report import Row
from settings import Settings

SPEED_RATIO = 0.8
EXTRA_COPIES = 1.0
BASELINES = {"array": ("np.save", "np.load"), "objects": ("pickle.dump", "pickle.load")}


def _sizes(s: Settings, kind: str) -> int:
    """The payload size in MiB for a kind."""
    return s.array_mb if kind == "array" else s.objects_mb


def once(s: Settings, runner: str, kind: str) -> dict[str, float] | measure.Outcome:
    """One repeat in its own fresh workspace: dump then load (two processes) with a library or a baseline.

    ``raw`` is np.save/pickle.dump then np.load/pickle.load; ``raw-fsync`` is the same dump plus fsync (no
    load). Each runner gets a workspace of its own, deleted before the next runner starts: on some virtual
    machines writing into memory pages never touched before is ten times slower than reusing freed ones,
    and a file left behind would keep the next runner off the freed pages.
    """
    library = "kartwheel" if runner.startswith("raw") else runner
    python, env, budget = s.python(library), s.env(library), s.budget(library)
    args: dict[str, Any] = {
        "library": s.module(library),
        "kind": kind,
        "size_mb": _sizes(s, kind),
        "via": "raw" if runner.startswith("raw") else "lib",
        "fsync": runner == "raw-fsync",
    }
    with measure.Workspace(s.tmp_root) as ws:
        dump = measure.run_child(python, "payload-dump", args, ws, env, budget)
        if not dump.ok:
            return dump
        if runner == "raw-fsync":
            return {"dump_fsync_mbs": dump.report["size_mb"] / dump.report["seconds"]}
        load = measure.run_child(python, "payload-load", args, ws, env, budget)
        if not load.ok:
            return load
    size = dump.report["size_mb"]
    found = {
        "size_mb": size,
        "dump_mbs": size / dump.report["seconds"],
        "load_mbs": size / load.report["seconds"],
        "dump_extra_mb": dump.report["extra_mb"],
        "load_extra_mb": load.report["extra_mb"],
        "dump_rss_mb": dump.maxrss_mb,
        "load_rss_mb": load.maxrss_mb,
    }
    in_memory = load.report["in_memory_mb"]
    if in_memory:
        found["dump_copies"] = dump.report["extra_mb"] / in_memory
        found["load_copies"] = (load.report["extra_mb"] - in_memory) / in_memory
    return found


def warm_up(s: Settings, kind: str) -> None:
    """Untimed: write and delete two payloads, so that the first timed runner finds reusable memory."""
    args = {"library": "kartwheel", "kind": kind, "size_mb": _sizes(s, kind), "via": "raw"}
    s.log(f"  throughput warm-up {kind}")
    with measure.Workspace(s.tmp_root) as ws:
        for fsync in (True, False):
            measure.run_child(
                s.python("kartwheel"), "payload-dump", {**args, "fsync": fsync}, ws, s.env("kartwheel"), s.timeout
            )


def samples_for(s: Settings, runners: list[str], kind: str) -> dict[str, dict[str, list[float]] | str]:
    """Every repeat for each runner (a library or 'raw'), interleaved so that they share conditions."""
    found: dict[str, dict[str, list[float]] | str] = {runner: {} for runner in runners}
    for i in range(s.repeat):
        for runner in runners:
            samples = found[runner]
            if isinstance(samples, str):
                continue
            s.log(f"  throughput {runner} {kind} {_sizes(s, kind)} MiB repeat {i + 1}/{s.repeat}")
            once_found = once(s, runner, kind)
            if isinstance(once_found, measure.Outcome):
                s.log(f"    failed: {once_found.failure()}\n{once_found.stderr_tail[-1500:]}")
                found[runner] = once_found.failure()
                continue
            for key, value in once_found.items():
                samples.setdefault(key, []).append(value)
    return found


def _value(found: dict[str, list[float]] | str, key: str) -> float | str | None:
    """The median of a metric, the failure label, or None when the metric does not apply."""
    if isinstance(found, str):
        return found
    return measure.median(found[key]) if key in found else None


def _speed_row(kind: str, op: str, per: dict[str, Any], raw: dict[str, Any] | str, target: bool) -> Row:
    """Dump or load speed per library, against the baseline, with the ratio to the baseline beside it."""
    key = f"{op}_mbs"
    label = BASELINES[kind][0 if op == "dump" else 1]
    row = Row(
        "throughput",
        f"{kind} {_fmt_size(raw, per)}",
        f"{op} speed",
        "MB/s",
        reference=_value(raw, key),
        reference_label=label,
    )
    if isinstance(raw, dict):
        row.reference_label += f" (best {max(raw[key]):.0f})"
    if op == "dump" and isinstance(raw, dict) and raw["dump_fsync_mbs"]:
        row.reference_label += f" (fsync'd: {measure.median(raw['dump_fsync_mbs']):.0f} MB/s)"
    for library, found in per.items():
        row.values[library] = _value(found, key)
        row.samples[library] = found
        ratio = _ratio(row.values[library], row.reference)
        if ratio is not None:
            best = max(found[key])
            row.details[library] = (
                f"{ratio:.2f}x {label}, best {best:.0f} MB/s, peak RSS {_value(found, f'{op}_rss_mb'):.0f} MB"
            )
    row.samples["reference"] = raw
    if target:
        row.target = f">= {SPEED_RATIO}x {label}"
        ratio = _ratio(row.values.get("kartwheel"), row.reference)
        row.passed = None if "kartwheel" not in per else (ratio is not None and ratio >= SPEED_RATIO)
    return row


def _fmt_size(raw: dict[str, Any] | str, per: dict[str, Any]) -> str:
    """The payload size label, taken from whichever runner reported it."""
    for found in [raw, *per.values()]:
        if isinstance(found, dict):
            return f"{measure.median(found['size_mb']):.0f} MiB"
    return ""


def _ratio(value: Any, reference: Any) -> float | None:
    """value / reference when both are numbers."""
    if isinstance(value, float | int) and isinstance(reference, float | int) and reference:
        return value / reference
    return None


def _memory_row(kind: str, op: str, per: dict[str, Any], raw: dict[str, Any] | str, target: bool) -> Row:
    """Extra memory a dump or load needs: in copies of the array, or in MB for objects."""
    key = f"{op}_copies" if kind == "array" else f"{op}_extra_mb"
    unit = "copies" if kind == "array" else "MB"
    what = "extra memory" + (" beyond the loaded array" if op == "load" and kind == "array" else "")
    row = Row(
        "throughput",
        f"{kind} {_fmt_size(raw, per)}",
        f"{op} {what}",
        unit,
        reference=_value(raw, key),
        reference_label=BASELINES[kind][0 if op == "dump" else 1],
    )
    for library, found in per.items():
        row.values[library] = _value(found, key)
    if target:
        row.target = f"<= {EXTRA_COPIES:g} extra copy"
        value = row.values.get("kartwheel")
        row.passed = (
            None if "kartwheel" not in per else (isinstance(value, float | int) and value <= EXTRA_COPIES + 0.05)
        )
    return row


def run(s: Settings) -> list[Row]:
    """Run the throughput suite and return its rows."""
    rows: list[Row] = []
    for kind in ("array", "objects"):
        warm_up(s, kind)
        per = samples_for(s, ["raw-fsync", "raw", *s.libraries], kind)
        synced, raw = per.pop("raw-fsync"), per.pop("raw")
        if isinstance(raw, dict):
            raw["dump_fsync_mbs"] = synced["dump_fsync_mbs"] if isinstance(synced, dict) else []
        is_array = kind == "array"
        rows += [
            _speed_row(kind, "dump", per, raw, is_array),
            _speed_row(kind, "load", per, raw, is_array),
            _memory_row(kind, "dump", per, raw, is_array),
            _memory_row(kind, "load", per, raw, is_array),
        ]
    return rows
