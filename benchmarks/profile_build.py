"""Profile (cProfile) a first build and a new-process no-op rebuild of a task graph; print the top entries.

python benchmarks/profile_build.py [--library kartwheel] [--shapes chain,fanin] [--n 10000]
                                   [--top 25] [--out profile.txt]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import measure
import scenarios
from settings import REPO


def profile_phase(library: str, shape: str, n: int, top: int, sort: str) -> str:
    """Construct and build the graph under cProfile in this process; the top entries as text."""
    ns = scenarios.define_tasks(scenarios.load_library(library))
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    root = scenarios.make_graph(ns, shape, n)
    value = scenarios.build(ns, root)
    profiler.disable()
    seconds = time.perf_counter() - started
    if value != scenarios.expected_value(n):
        raise RuntimeError(f"{shape} of {n} returned {value!r}")
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats(sort).print_stats(top)
    return f"(construct + build took {seconds:.2f} s under the profiler)\n{_trim(text.getvalue())}"


def _trim(text: str) -> str:
    """Drop pstats' blank preamble lines."""
    return "\n".join(line for line in text.splitlines() if line.strip()) + "\n"


def run_case(args: argparse.Namespace, shape: str) -> str:
    """A first build and then a no-op rebuild, each in its own process, in one fresh workspace."""
    sections = []
    root = args.tmp_dir.resolve()
    root.mkdir(parents=True, exist_ok=True)
    workspace = Path(tempfile.mkdtemp(prefix="profile-", dir=root))
    try:
        for phase in ("first build", "no-op rebuild (new process)"):
            argv = [
                sys.executable,
                __file__,
                "--child",
                "--library",
                args.library,
                "--shapes",
                shape,
                "--n",
                str(args.n),
                "--top",
                str(args.top),
                "--sort",
                args.sort,
            ]
            try:
                done = subprocess.run(
                    argv,
                    cwd=workspace,
                    capture_output=True,
                    text=True,
                    check=False,
                    env=measure.child_env(args.library, REPO),
                    timeout=args.timeout,
                )
            except subprocess.TimeoutExpired:
                sections.append(
                    f"=== {args.library} {shape} N={args.n}: {phase} ===\ntimeout after {args.timeout:.0f} s\n"
                )
                break
            body = done.stdout if done.returncode == 0 else f"failed:\n{done.stderr[-3000:]}"
            sections.append(f"=== {args.library} {shape} N={args.n}: {phase} ===\n{body}")
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    return "\n".join(sections)


def parse_args() -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    p.add_argument("--library", default="kartwheel", choices=scenarios.LIBRARIES)
    p.add_argument("--shapes", default="chain,fanin")
    p.add_argument("--n", type=int, default=10_000)
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--sort", default="cumulative", help="pstats sort key, e.g. cumulative or tottime")
    p.add_argument("--out", type=Path, help="also write the report to this file")
    p.add_argument("--timeout", type=float, default=3600.0)
    p.add_argument("--tmp-dir", type=Path, default=REPO / "benchmarks" / "results" / "tmp")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return p.parse_args()


def main() -> None:
    """Profile each shape, or (as a child) one phase in the current directory."""
    args = parse_args()
    if args.child:
        print(profile_phase(args.library, args.shapes, args.n, args.top, args.sort))
        return
    report = "\n".join(run_case(args, shape) for shape in args.shapes.split(","))
    print(report)
    if args.out:
        args.out.write_text(report)


if __name__ == "__main__":
    main()
