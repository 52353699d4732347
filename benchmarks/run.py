"""Run kartwheel's speed and memory benchmarks, optionally against gokart; print a table and write JSON.

python benchmarks/run.py [--against gokart] [--suite dag,throughput,coldstart,workers]
                         [--sizes 100,1000,10000] [--repeat 5] [--json out.json] [--quick]
                         [--baseline <git ref>]
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import measure

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baseline
import coldstart
import dag
import throughput
import workers
from report import Row, table_lines, write_json
from settings import BASELINE, REPO, SUITES, Settings, quick

RUNNERS: dict[str, Callable[[Settings], list[Row]]] = {
    "dag": dag.run,
    "throughput": throughput.run,
    "coldstart": coldstart.run,
    "workers": workers.run,
}
DEFAULT_JSON = REPO / "benchmarks" / "results" / "latest.json"


def _csv(text: str) -> list[str]:
    """A comma-separated option as a list."""
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    p.add_argument("--against", choices=["gokart"], help="also run every scenario on this library")
    p.add_argument(
        "--libraries", default="kartwheel", help="libraries to measure, comma-separated (default: kartwheel)"
    )
    p.add_argument("--suite", default=",".join(SUITES), help=f"suites to run (default: {','.join(SUITES)})")
    p.add_argument("--sizes", default="100,1000,10000", help="DAG sizes (tasks per graph)")
    p.add_argument(
        "--shapes", default="chain,fanin,tree,rchain", help="DAG shapes (rchain: a chain wired by requires())"
    )
    p.add_argument("--repeat", type=int, default=5, help="runs per measurement; the table shows the median")
    p.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write the JSON results")
    p.add_argument("--quick", action="store_true", help="small sizes and fewer repeats (about two minutes)")
    p.add_argument("--timeout", type=float, default=1800.0, help="seconds per kartwheel measurement")
    p.add_argument("--gokart-timeout", type=float, default=600.0, help="seconds per gokart measurement")
    p.add_argument(
        "--gokart-max-chain",
        type=int,
        default=1000,
        help="longest gokart chain to attempt (its hashing is quadratic in depth)",
    )
    p.add_argument("--gokart-python", help="interpreter with gokart installed, if not this one")
    p.add_argument("--array-mb", type=int, default=1024, help="size of the numpy array payload in MiB")
    p.add_argument("--objects-mb", type=int, default=100, help="pickled size of the object-graph payload")
    p.add_argument(
        "--tmp-dir",
        type=Path,
        default=REPO / "benchmarks" / "results" / "tmp",
        help="where temporary workspaces go (keep it on the disk you want to measure)",
    )
    p.add_argument("--table", type=Path, help="also write the table to this text file")
    p.add_argument(
        "--baseline",
        metavar="REF",
        help="also measure the runtime/ of this git commit, interleaved with this tree's, and print the ratios",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    return p.parse_args(argv)


def settings_from(args: argparse.Namespace) -> Settings:
    """Turn the command line into Settings, checking names as it goes."""
    libraries = _csv(args.libraries)
    if args.against and args.against not in libraries:
        libraries.append(args.against)
    if args.baseline and "kartwheel" not in libraries:
        raise SystemExit("--baseline compares two kartwheel trees: --libraries must include kartwheel")
    suites = _csv(args.suite)
    unknown = [name for name in suites if name not in RUNNERS]
    if unknown:
        raise SystemExit(f"unknown suite(s) {unknown}; choose from {list(RUNNERS)}")
    s = Settings(
        libraries=libraries,
        suites=suites,
        sizes=[int(n) for n in _csv(args.sizes)],
        shapes=_csv(args.shapes),
        repeat=args.repeat,
        timeout=args.timeout,
        gokart_timeout=args.gokart_timeout,
        gokart_max_chain=args.gokart_max_chain,
        gokart_python=args.gokart_python,
        array_mb=args.array_mb,
        objects_mb=args.objects_mb,
        tmp_root=args.tmp_dir.resolve(),
        verbose=not args.quiet,
    )
    return quick(s) if args.quick else s


def available(s: Settings, library: str) -> str:
    """'' when the library imports with the API the benchmarks use, else why not.

    For a kartwheel side, also check (and log) that it imports from the `runtime/` chosen for it.
    """
    names = ("TaskOnKart", "build", "TaskInstanceParameter", "ListTaskInstanceParameter")
    probe = f"import {s.module(library)} as m; " + "; ".join(f"m.{name}" for name in names) + "; print(m.__file__)"
    done = subprocess.run(
        [s.python(library), "-c", probe], capture_output=True, text=True, env=s.env(library), check=False
    )
    if done.returncode != 0:
        return (done.stderr.strip().splitlines() or ["failed"])[-1]
    found = Path(done.stdout.strip().splitlines()[-1]).resolve()
    runtime = s.runtime(library)
    if runtime is not None:
        if not found.is_relative_to(runtime.resolve()):
            return f"imports from {found}, not from {runtime}"
        s.log(f"{library} imports kartwheel from {found}")
    return ""


def versions(s: Settings) -> dict[str, str]:
    """Versions of the measured libraries and of luigi, as their interpreters see them."""
    found = {}
    for library in [*s.libraries, "luigi"]:
        code = f"import importlib.metadata as m; print(m.version({library!r}))"
        if s.module(library) == "kartwheel":
            code = 'import kartwheel; print(getattr(kartwheel, "__version__", "?"))'
        python = s.python("gokart" if library == "luigi" and "gokart" in s.libraries else library)
        done = subprocess.run([python, "-c", code], capture_output=True, text=True, env=s.env(library), check=False)
        found[library] = done.stdout.strip() or "unavailable"
    return found


def main(argv: list[str] | None = None) -> int:
    """Run the chosen suites, print the table, write the JSON."""
    args = parse_args(argv)
    s = settings_from(args)
    s.tmp_root.mkdir(parents=True, exist_ok=True)
    # A plain `kill` unwinds like Ctrl-C, so that the baseline's temporary tree is deleted all the same.
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    with contextlib.ExitStack() as cleanup:
        if args.baseline:
            # The baseline's runtime/ lives in a temporary directory for the whole run, then is deleted.
            s.baseline_ref = args.baseline
            s.baseline_commit, s.baseline_runtime = cleanup.enter_context(
                baseline.materialised(args.baseline, s.tmp_root)
            )
            s.libraries.insert(s.libraries.index("kartwheel") + 1, BASELINE)
            s.log(f"baseline {args.baseline} is commit {s.baseline_commit}, runtime in {s.baseline_runtime}")
        code = measure_and_report(args, s)
    return code


def measure_and_report(args: argparse.Namespace, s: Settings) -> int:
    """Check the libraries, run the suites, print the table (and the ratios to the baseline), write the JSON."""
    if "kartwheel" in s.libraries:
        baseline.precompile(REPO / "runtime")  # as the baseline's is: no child pays for writing __pycache__
    for library in list(s.libraries):
        reason = available(s, library)
        if reason:
            if library in ("kartwheel", BASELINE) and s.baseline_ref:
                raise SystemExit(f"{library} is not usable: {reason}")
            s.log(f"{library} is not usable, skipping it: {reason}")
            s.libraries.remove(library)
    if not s.libraries:
        raise SystemExit("no library to measure")
    started = time.perf_counter()
    rows: list[Row] = []
    try:
        for suite in s.suites:
            s.log(f"suite {suite}")
            rows += RUNNERS[suite](s)
    finally:
        measure.remove_workspaces()
    lines = table_lines(rows, s.libraries)
    extra = {}
    if s.baseline_ref and s.baseline_commit:
        ratios = baseline.ratios(rows)
        lines += ["", *baseline.ratio_lines(ratios, s.baseline_ref, s.baseline_commit)]
        rows, baseline_rows = baseline.split_rows(rows)
        extra["baseline"] = {
            "ref": s.baseline_ref,
            "commit": s.baseline_commit,
            "rows": baseline_rows,
            "ratios": ratios,
        }
    print("\n".join(lines))
    print(f"\n{len(rows)} rows in {time.perf_counter() - started:.0f} s; JSON in {args.json}")
    write_json(args.json, rows, s.as_dict(), versions(s), extra)
    if args.table:
        args.table.write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
