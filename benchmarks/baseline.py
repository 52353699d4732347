"""`--baseline <ref>`: another commit's runtime measured beside this tree's, and the ratios of the two.

The baseline is one more side of every suite (named ``baseline``, like a library): its children run the
same benchmark code (this tree's `child.py` and `scenarios.py`) with `PYTHONPATH` set to the `runtime/`
directory of the other commit, extracted with `git archive` into a temporary directory.
"""

from __future__ import annotations

import compileall
import contextlib
import dataclasses
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from report import Row, fmt
from settings import BASELINE, REPO

CURRENT = "kartwheel"


def resolve(ref: str) -> str:
    """The full commit id a git ref names; exits saying so when it names none."""
    done = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"--baseline {ref}: not a commit in {REPO} {done.stderr.strip()}".rstrip())
    return done.stdout.strip()


def extract_runtime(commit: str, where: Path) -> Path:
    """Write the commit's `runtime/` directory under ``where`` (git archive | tar -x); its path."""
    archive = subprocess.Popen(
        ["git", "-C", str(REPO), "archive", "--format=tar", commit, "runtime"], stdout=subprocess.PIPE
    )
    assert archive.stdout is not None
    with archive.stdout:
        untar = subprocess.run(["tar", "-x", "-C", str(where)], stdin=archive.stdout, check=False)
    if archive.wait() != 0 or untar.returncode != 0:
        raise SystemExit(f"could not extract runtime/ of {commit} from {REPO}")
    runtime = where / "runtime"
    if not (runtime / "kartwheel" / "__init__.py").is_file():
        raise SystemExit(f"commit {commit} has no runtime/kartwheel/__init__.py")
    return runtime


def precompile(runtime: Path) -> None:
    """Byte-compile a runtime, so that no measured child pays for writing `__pycache__` (untimed)."""
    compileall.compile_dir(runtime, quiet=1)


@contextlib.contextmanager
def materialised(ref: str, tmp_root: Path) -> Iterator[tuple[str, Path]]:
    """The commit a ref names and its `runtime/` in a temporary directory, deleted on the way out."""
    commit = resolve(ref)
    tmp_root.mkdir(parents=True, exist_ok=True)
    where = Path(tempfile.mkdtemp(prefix="baseline-", dir=tmp_root))
    try:
        runtime = extract_runtime(commit, where)
        precompile(runtime)
        yield commit, runtime
    finally:
        shutil.rmtree(where, ignore_errors=True)


def _without(mapping: dict[str, Any], key: str) -> dict[str, Any]:
    """A copy of ``mapping`` without ``key``."""
    return {k: v for k, v in mapping.items() if k != key}


def split_rows(rows: list[Row]) -> tuple[list[Row], list[dict[str, Any]]]:
    """This tree's rows as a run without `--baseline` writes them, and the baseline's rows.

    A baseline row has the same fields as any other, its value under ``values["kartwheel"]`` (it is
    kartwheel, from another commit), plus ``"runtime": "baseline"``. Targets are judged on this tree only,
    so a baseline row keeps the target's text but not a pass/fail.
    """
    current, baseline = [], []
    for row in rows:
        current.append(
            dataclasses.replace(
                row,
                values=_without(row.values, BASELINE),
                details=_without(row.details, BASELINE),
                samples=_without(row.samples, BASELINE),
            )
        )
        if BASELINE not in row.values:
            continue
        theirs = Row(
            row.suite,
            row.scenario,
            row.metric,
            row.unit,
            values={CURRENT: row.values[BASELINE]},
            details={CURRENT: row.details[BASELINE]} if BASELINE in row.details else {},
            reference=row.reference,
            reference_label=row.reference_label,
            target=row.target,
            samples={CURRENT: row.samples[BASELINE]} if BASELINE in row.samples else {},
        )
        if "reference" in row.samples:  # the throughput suite's numpy and pickle, shared by both sides
            theirs.samples["reference"] = row.samples["reference"]
        baseline.append({**dataclasses.asdict(theirs), "runtime": BASELINE})
    return current, baseline


def _positive(value: Any) -> bool:
    """True for a number above zero."""
    return isinstance(value, float | int) and value > 0


def ratios(rows: list[Row]) -> list[dict[str, Any]]:
    """current / baseline for every row the baseline has a value in.

    The ratio is None where either value is not a number (a failure or a skip), or is not above zero:
    *no-op rebuild, new process, above start-up* is a difference of two process times, which the noise
    can make negative at small N.
    """
    found = []
    for row in rows:
        if BASELINE not in row.values:
            continue
        current, base = row.values.get(CURRENT), row.values[BASELINE]
        found.append(
            {
                "suite": row.suite,
                "scenario": row.scenario,
                "metric": row.metric,
                "unit": row.unit,
                "current": current,
                "baseline": base,
                "ratio": current / base if _positive(current) and _positive(base) else None,
            }
        )
    return found


def ratio_lines(found: list[dict[str, Any]], ref: str, commit: str) -> list[str]:
    """The compact table of medians and their ratios, one line per scenario and metric."""
    header = ["scenario", "metric", "current", f"baseline {ref}", "current/baseline"]
    if len({entry["suite"] for entry in found}) > 1:
        header.insert(0, "suite")
    body = []
    for entry in found:
        ratio = entry["ratio"]
        undefined = "n/a" if all(isinstance(entry[k], float | int) for k in ("current", "baseline")) else ""
        cells = [
            entry["scenario"],
            entry["metric"],
            fmt(entry["current"], entry["unit"]),
            fmt(entry["baseline"], entry["unit"]),
            f"{ratio:.2f}x" if ratio is not None else undefined,
        ]
        body.append([entry["suite"], *cells] if header[0] == "suite" else cells)
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    render = [" | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in [header, *body]]
    render.insert(1, "-+-".join("-" * w for w in widths))
    title = [
        f"current tree ({_short_head()}) against baseline {ref} ({commit[:12]}): medians, current / baseline",
        "(below 1: the current tree is faster or smaller; for MB/s, above 1 is faster)",
    ]
    return [*title, *render]


def _short_head() -> str:
    """This tree's commit, marked when the working tree has changes."""
    head = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no", "--", "runtime"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"{head or '?'}{' + changes in runtime/' if dirty else ''}"
