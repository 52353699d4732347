"""The process that runs one measurement: ``python child.py <mode> '<json args>'``; writes a JSON report.

Every measurement runs in its own fresh process so that caches, registries and peak RSS start clean.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import scenarios

STARTED = time.perf_counter()
MB = 1024 * 1024


def rss_mb() -> dict[str, float]:
    """Current and peak resident set size of this process, in MiB (from /proc/self/status)."""
    status = Path("/proc/self/status").read_text()
    found = {key: int(re.search(rf"{key}:\s+(\d+) kB", status).group(1)) / 1024 for key in ("VmRSS", "VmHWM")}
    return {"rss": found["VmRSS"], "peak": found["VmHWM"]}


def reset_peak() -> None:
    """Reset this process's peak-RSS mark so that the next phase's peak can be read on its own."""
    Path("/proc/self/clear_refs").write_text("5")


class Phase:
    """Measures one phase: seconds, and the peak RSS above the RSS at its start."""

    def __enter__(self) -> Phase:
        self.base_mb = rss_mb()["rss"]
        reset_peak()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.started
        self.extra_mb = rss_mb()["peak"] - self.base_mb


def tasks_for(args: dict[str, Any]) -> Any:
    """Import the library under test and define the benchmark tasks on it."""
    return scenarios.define_tasks(scenarios.load_library(args["library"]))


def timed_build(ns: Any, shape: str, n: int) -> dict[str, float]:
    """Construct a graph and build it; seconds for each step."""
    started = time.perf_counter()
    root = scenarios.make_graph(ns, shape, n)
    constructed = time.perf_counter()
    value = scenarios.build(ns, root)
    finished = time.perf_counter()
    if value != scenarios.expected_value(n):
        raise RuntimeError(f"{shape} of {n} returned {value!r}, expected {scenarios.expected_value(n)}")
    return {"construct_s": constructed - started, "build_s": finished - constructed, "total_s": finished - started}


def mode_startup(args: dict[str, Any]) -> dict[str, Any]:
    """Import the library and define the tasks, nothing else: the fixed cost of a new process."""
    tasks_for(args)
    return {"import_s": time.perf_counter() - STARTED}


def mode_dag_first(args: dict[str, Any]) -> dict[str, Any]:
    """First build of a graph into an empty workspace, then a no-op rebuild in the same process."""
    ns = tasks_for(args)
    first = timed_build(ns, args["shape"], args["n"])
    again = timed_build(ns, args["shape"], args["n"])
    return {"first": first, "rebuild": again}


def mode_dag_rebuild(args: dict[str, Any]) -> dict[str, Any]:
    """No-op rebuild of a graph whose outputs all exist, in a new process."""
    ns = tasks_for(args)
    ready = time.perf_counter() - STARTED
    return {"rebuild": timed_build(ns, args["shape"], args["n"]), "ready_s": ready}


def make_array(size_mb: int) -> Any:
    """A float64 array of ``size_mb`` MiB with every page touched."""
    import numpy as np

    return np.arange(size_mb * MB // 8, dtype=np.float64)


def make_objects(size_mb: int) -> list[dict[str, Any]]:
    """A list of small dicts whose pickle is about ``size_mb`` MiB."""

    def item(i: int) -> dict[str, Any]:
        return {"id": i, "name": f"item-{i}", "score": i * 0.5, "tags": ["a", "b", str(i % 7)], "ok": i % 2 == 0}

    sample = [item(i) for i in range(10_000)]
    per_item = len(pickle.dumps(sample, protocol=pickle.HIGHEST_PROTOCOL)) / len(sample)
    return [item(i) for i in range(int(size_mb * MB / per_item))]


def raw_writer(kind: str) -> tuple[Callable[[Path, Any], None], Callable[[Path], Any]]:
    """The plain-library save and load for a payload kind: np.save/np.load or pickle.dump/pickle.load."""
    if kind == "array":
        import numpy as np

        return (lambda path, obj: np.save(path, obj)), (lambda path: np.load(path))

    def save(path: Path, obj: Any) -> None:
        with open(path, "wb") as f:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)

    def load(path: Path) -> Any:
        with open(path, "rb") as f:
            return pickle.load(f)

    return save, load


def raw_path(kind: str, fsync: bool) -> Path:
    """Where the plain-library baseline writes its file, inside the workspace (the working directory)."""
    return Path("raw") / f"{kind}{'-fsync' if fsync else ''}.{'npy' if kind == 'array' else 'pkl'}"


def payload_size_mb(obj: Any) -> float:
    """The payload's size: bytes of an array, else the size of its pickle."""
    if hasattr(obj, "nbytes"):
        return obj.nbytes / MB
    return len(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)) / MB


def make_payload(kind: str, size_mb: int) -> Any:
    """Build the payload of the given kind and size."""
    return make_array(size_mb) if kind == "array" else make_objects(size_mb)


def mode_payload_dump(args: dict[str, Any]) -> dict[str, Any]:
    """Dump a payload through a task (via=lib) or with the plain library (via=raw, optionally fsync'd)."""
    kind, via = args["kind"], args["via"]
    obj = make_payload(kind, args["size_mb"])
    size = payload_size_mb(obj)
    if via == "lib":
        ns = tasks_for(args)
        scenarios.PAYLOAD["obj"] = obj
        del obj
        with Phase() as phase:
            scenarios.build(ns, ns.Produce(kind=kind))
        seconds = scenarios.PROBES["dump_s"]
    else:
        save, _ = raw_writer(kind)
        path = raw_path(kind, args.get("fsync", False))
        path.parent.mkdir(exist_ok=True)
        with Phase() as phase:
            save(path, obj)
            if args.get("fsync"):
                with open(path, "rb+") as f:
                    os.fsync(f.fileno())
        seconds = phase.seconds
    return {"size_mb": size, "seconds": seconds, "extra_mb": phase.extra_mb}


def mode_payload_load(args: dict[str, Any]) -> dict[str, Any]:
    """Load a payload dumped by ``payload-dump`` through a task's load (via=lib) or the plain library."""
    kind, via = args["kind"], args["via"]
    if via == "lib":
        ns = tasks_for(args)
        marks: dict[str, float] = {}

        def mark() -> None:
            marks["base"] = rss_mb()["rss"]
            reset_peak()

        scenarios.on_before_load(mark)
        scenarios.build(ns, ns.Consume(src=ns.Produce(kind=kind)))
        seconds, extra = scenarios.PROBES["load_s"], rss_mb()["peak"] - marks["base"]
        obj = scenarios.PAYLOAD["loaded"]
    else:
        _, load = raw_writer(kind)
        with Phase() as phase:
            obj = load(raw_path(kind, False))
        seconds, extra = phase.seconds, phase.extra_mb
    in_memory = obj.nbytes / MB if kind == "array" else None
    return {"seconds": seconds, "extra_mb": extra, "in_memory_mb": in_memory}


def mode_workers(args: dict[str, Any]) -> dict[str, Any]:
    """Build a fan-in of CPU-bound tasks with the given number of workers."""
    ns = tasks_for(args)
    root = scenarios.cpu_fanin(ns, args["tasks"], args["work"])
    started = time.perf_counter()
    scenarios.build(ns, root, workers=args["workers"])
    return {"seconds": time.perf_counter() - started}


MODES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "startup": mode_startup,
    "dag-first": mode_dag_first,
    "dag-rebuild": mode_dag_rebuild,
    "payload-dump": mode_payload_dump,
    "payload-load": mode_payload_load,
    "workers": mode_workers,
}


def main() -> None:
    """Run the mode named on the command line and write its report where the arguments say."""
    mode, args = sys.argv[1], json.loads(sys.argv[2])
    report = MODES[mode](args)
    lib = sys.modules.get(args.get("library", ""))
    if lib is not None:
        report["library_file"] = lib.__file__  # which tree was measured (checked in scenarios.load_library)
    Path(args["report"]).write_text(json.dumps(report))


if __name__ == "__main__":
    main()
