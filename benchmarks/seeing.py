"""Seeing and steering at N = 10 000: the HTML picture, a no-op --plan against a no-op rebuild, progress.

    python benchmarks/seeing.py                    # N = 10 000, chain and tree, once each (about 4 minutes)
    python benchmarks/seeing.py --n 2000 --shapes tree

Targets: layout + write of the HTML page under 2 s and under 5 MB; a no-op plan at most 1.5x a no-op
rebuild (each in a new process, graph construction included, as `python main.py Task --plan` would);
progress (counting on the scheduler channel plus the printing thread) at most 5 % of a first build.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "runtime"), str(HERE)]

import kartwheel  # noqa: E402
import luigi  # noqa: E402
import scenarios  # noqa: E402
from kartwheel._luigi.scheduling import deep_graphs  # noqa: E402
from kartwheel._plan.graph_html import render_html  # noqa: E402
from kartwheel._plan.plan import make_plan  # noqa: E402
from kartwheel._run.progress import CountingScheduler, ProgressPrinter  # noqa: E402
from kartwheel._run.scheduling import SchedulerFactory  # noqa: E402

# No-op runs take a second or two each; alternating three pairs steadies them on a busy machine.
NO_OP_REPEATS = 3


def graph(shape: str, n: int) -> luigi.Task:
    return scenarios.make_graph(scenarios.define_tasks(kartwheel), shape, n)


def first_build(shape: str, n: int, progress: bool) -> float:
    """Seconds of a first build in the current folder, with or without counting and printing progress."""
    root = graph(shape, n)
    factory = SchedulerFactory(count=progress)
    printer = ProgressPrinter(factory.counts, stream=io.StringIO()) if progress else None
    started = time.perf_counter()
    with deep_graphs(), printer.running() if printer else contextlib.nullcontext():
        ok = luigi.build([root], worker_scheduler_factory=factory, local_scheduler=True, log_level="ERROR")
    elapsed = time.perf_counter() - started
    if not ok:
        raise RuntimeError("the first build failed")
    return elapsed


def child(mode: str, shape: str, n: int) -> dict[str, float]:
    """Run in a new process, in the workspace's folder: one measured operation, graph construction included."""
    started = time.perf_counter()
    if mode == "plan":
        plan = make_plan(graph(shape, n))
        if plan.counts() != {"cached": n}:
            raise RuntimeError(f"expected {n} cached tasks, got {plan.counts()}")
    elif mode == "rebuild":
        kartwheel.build(graph(shape, n), return_value=False)
    elif mode in ("first-plain", "first-progress"):
        return {"seconds": first_build(shape, n, progress=mode == "first-progress")}
    return {"seconds": time.perf_counter() - started}


def run_child(mode: str, shape: str, n: int, folder: Path) -> tuple[float, float]:
    """(seconds of the operation, seconds of the whole process)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--shapes", shape, "--n", str(n)],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{mode} {shape} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.splitlines()[-1])["seconds"], time.perf_counter() - started


class _StubScheduler:
    """Answers instantly, so that only the counting wrapper's own time is measured."""

    def add_task(self, **kwargs: object) -> None:
        return None

    def get_work(self, **kwargs: object) -> dict[str, object]:
        return {"task_id": kwargs["worker"]}


def counting_cost(n: int) -> float:
    """Seconds the counting wrapper adds to the scheduler calls of an n-task first build: per task, luigi's
    worker reports it PENDING, asks for it, then reports it DONE."""
    stub = _StubScheduler()
    counter = CountingScheduler(stub)
    ids = [f"Task_{index}" for index in range(n)]
    started = time.perf_counter()
    for task_id in ids:
        counter.add_task(task_id=task_id, status="PENDING")
    for task_id in ids:
        counter.get_work(worker=task_id)
        counter.add_task(task_id=task_id, status="DONE")
    wrapped = time.perf_counter() - started
    started = time.perf_counter()
    for task_id in ids:
        stub.add_task(task_id=task_id, status="PENDING")
    for task_id in ids:
        stub.get_work(worker=task_id)
        stub.add_task(task_id=task_id, status="DONE")
    return wrapped - (time.perf_counter() - started)


def html_figures(shape: str, n: int, folder: Path) -> dict[str, float]:
    plan = make_plan(graph(shape, n))
    started = time.perf_counter()
    page = folder / f"{shape}.html"
    page.write_text(render_html(plan), encoding="utf-8")
    return {"seconds": time.perf_counter() - started, "mb": page.stat().st_size / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--shapes", default="chain,tree")
    parser.add_argument("--tmp-dir", default=str(HERE / "results" / "tmp"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.shapes, args.n)))
        return
    Path(args.tmp_dir).mkdir(parents=True, exist_ok=True)
    print(f"N = {args.n}")
    print(f"counting on the scheduler channel: {counting_cost(args.n) * 1e3:.1f} ms for {args.n} tasks")
    for shape in args.shapes.split(","):
        folder = Path(tempfile.mkdtemp(dir=args.tmp_dir))
        try:
            html = html_figures(shape, args.n, folder)
            print(f"{shape}: HTML layout + write {html['seconds']:.2f} s, {html['mb']:.2f} MB")
            # Alternated (plain, counted, counted, plain), each into an empty workspace, to cancel drift.
            builds: dict[str, list[float]] = {"first-plain": [], "first-progress": []}
            for mode in ("first-plain", "first-progress", "first-progress", "first-plain"):
                shutil.rmtree(folder / "resources", ignore_errors=True)
                os.sync()
                builds[mode].append(run_child(mode, shape, args.n, folder)[0])
            plain, counted = (statistics.mean(builds[mode]) for mode in ("first-plain", "first-progress"))
            print(
                f"{shape}: first build {plain:.2f} s without progress, {counted:.2f} s with it "
                f"({(counted / plain - 1) * 100:+.1f} %; samples {builds})"
            )
            noop: dict[str, list[tuple[float, float]]] = {"rebuild": [], "plan": []}
            for _ in range(NO_OP_REPEATS):
                for mode in noop:
                    noop[mode].append(run_child(mode, shape, args.n, folder))
            rebuild, plan = (statistics.median(op for op, _ in noop[mode]) for mode in noop)
            rebuild_wall, plan_wall = (statistics.median(wall for _, wall in noop[mode]) for mode in noop)
            print(
                f"{shape}: no-op rebuild {rebuild:.2f} s (process {rebuild_wall:.2f} s), "
                f"no-op plan {plan:.2f} s (process {plan_wall:.2f} s): {plan / rebuild:.2f}x "
                f"({plan_wall / rebuild_wall:.2f}x by process); medians of {NO_OP_REPEATS}"
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            os.sync()


if __name__ == "__main__":
    main()
