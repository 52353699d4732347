"""Suite (c): cold start — imports, and a generated project's ``python main.py <pkg>.Sample``."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import measure
from report import Row
from settings import BASELINE, REPO, Settings

IMPORT_RATIO = 1.3
PROJECT, PACKAGE = "benchproj", "benchpkg"

GOKART_MAIN = """import gokart

import {package}

if __name__ == '__main__':
    gokart.add_config('./conf/param.ini')
    gokart.run()
"""
GOKART_SAMPLE = """import gokart


class Sample(gokart.TaskOnKart):
    task_namespace = '{package}'

    def run(self):
        self.dump('sample output')
"""


@dataclass
class Command:
    """A command line to time, where to run it, and whether its outputs are wiped before each run."""

    argv: list[str]
    cwd: Path
    env: dict[str, str]
    budget: float
    wipe: Path | None = None


def time_commands(s: Settings, commands: dict[str, Command]) -> dict[str, dict[str, list[float]] | str]:
    """Run the commands round-robin, ``repeat`` times each; wall seconds and peak RSS per command."""
    samples: dict[str, dict[str, list[float]]] = {name: {"s": [], "rss_mb": []} for name in commands}
    failures: dict[str, str] = {}
    for i in range(s.repeat):
        for name, cmd in commands.items():
            if name in failures:
                continue
            s.log(f"  coldstart {name} repeat {i + 1}/{s.repeat}")
            if cmd.wipe is not None:
                shutil.rmtree(cmd.wipe, ignore_errors=True)
            out = measure.run_command(cmd.argv, cmd.cwd, cmd.env, cmd.budget)
            if not out.ok:
                s.log(f"    failed: {out.failure()}\n{out.stderr_tail[-1500:]}")
                failures[name] = out.failure()
                continue
            samples[name]["s"].append(out.wall_s)
            samples[name]["rss_mb"].append(out.maxrss_mb)
    return {name: failures.get(name, found) for name, found in samples.items()}


def generate_project(s: Settings, where: Path) -> Path | str:
    """Generate a project from the repository's template; its path, or why that was not possible."""
    if not (REPO / "cookiecutter.json").exists():
        return "skipped (no cookiecutter.json in the repository yet)"
    argv = [
        sys.executable,
        "-m",
        "cookiecutter",
        str(REPO),
        "--no-input",
        "-o",
        str(where),
        f"project_name={PROJECT}",
        f"package_name={PACKAGE}",
    ]
    done = subprocess.run(argv, capture_output=True, text=True, check=False, cwd=where)
    if done.returncode != 0 or not (where / PROJECT / "main.py").exists():
        s.log(f"  cookiecutter failed:\n{done.stderr[-1500:]}")
        return "skipped (template generation failed)"
    return where / PROJECT


def gokart_project(where: Path) -> Path:
    """A minimal gokart project equivalent to the generated sample: main.py, one package, one task."""
    root = where / "gokartproj"
    (root / PACKAGE).mkdir(parents=True)
    (root / "conf").mkdir()
    (root / "main.py").write_text(GOKART_MAIN.format(package=PACKAGE))
    (root / PACKAGE / "__init__.py").write_text("from .sample import Sample  # noqa: F401\n")
    (root / PACKAGE / "sample.py").write_text(GOKART_SAMPLE.format(package=PACKAGE))
    (root / "conf" / "param.ini").write_text("[TaskOnKart]\nworkspace_directory = ./resources\n")
    return root


def commands(s: Settings, where: Path, project: Path | str) -> dict[str, Command]:
    """Every command this suite times, keyed by '<what>:<library>'."""
    plain = measure.child_env("gokart", REPO)  # no PYTHONPATH: what a user's shell has
    found = {
        "python -c pass:reference": Command([sys.executable, "-c", "pass"], where, plain, s.timeout),
        "import:reference": Command([sys.executable, "-c", "import luigi"], where, plain, s.timeout),
    }
    for library in s.libraries:
        found[f"import:{library}"] = Command(
            [s.python(library), "-c", f"import {s.module(library)}"], where, s.env(library), s.budget(library)
        )
    sample = [f"{PACKAGE}.Sample", "--local-scheduler"]
    roots: dict[str, Path | str] = {"kartwheel": project}
    if BASELINE in s.libraries:
        # A copy of the project generated from this tree's template, run with the baseline's runtime.
        roots[BASELINE] = shutil.copytree(project, where / "baseline") if isinstance(project, Path) else project
    if "gokart" in s.libraries:
        roots["gokart"] = gokart_project(where)
    for library, root in roots.items():
        if library in s.libraries and isinstance(root, Path):
            argv = [s.python(library), "main.py", *sample]
            budget = s.budget(library)
            # A kartwheel side gets its runtime first on PYTHONPATH, like its other children: without it,
            # `import kartwheel` finds whatever checkout is installed, which need not be the tree measured.
            env = plain if library == "gokart" else s.env(library)
            found[f"first:{library}"] = Command(argv, root, env, budget, wipe=root / "resources")
            found[f"rerun:{library}"] = Command(argv, root, env, budget)
    return found


def _row(
    metric: str, key: str, s: Settings, timed: dict[str, dict[str, list[float]] | str], missing: dict[str, str]
) -> Row:
    """A row for one kind of command, with `import luigi` as the reference."""
    row = Row("coldstart", key_label(key), metric, "s", reference_label="import luigi")
    ref = timed.get("import:reference")
    row.reference = measure.median(ref["s"]) if isinstance(ref, dict) else None
    for library in s.libraries:
        found = timed.get(f"{key}:{library}", missing.get(library, "skipped"))
        row.values[library] = found if isinstance(found, str) else measure.median(found["s"])
        if isinstance(found, dict):
            row.details[library] = f"peak RSS {measure.median(found['rss_mb']):.0f} MB"
        row.samples[library] = found
    return row


def key_label(key: str) -> str:
    """The scenario label for a command kind."""
    return {
        "import": 'python -c "import <library>"',
        "first": f"main.py {PACKAGE}.Sample (empty workspace)",
        "rerun": f"main.py {PACKAGE}.Sample (output exists)",
    }[key]


def run(s: Settings) -> list[Row]:
    """Run the cold-start suite and return its rows."""
    where = Path(tempfile.mkdtemp(prefix="coldstart-", dir=s.tmp_root))
    try:
        project = generate_project(s, where)
        if isinstance(project, str):
            s.log(f"  coldstart: generated project {project}")
        timed = time_commands(s, commands(s, where, project))
    finally:
        shutil.rmtree(where, ignore_errors=True)
    missing = {"kartwheel": project, BASELINE: project} if isinstance(project, str) else {}
    bare = timed["python -c pass:reference"]
    rows = [
        Row(
            "coldstart",
            "python -c pass",
            "interpreter start-up",
            "s",
            reference=measure.median(bare["s"]) if isinstance(bare, dict) else None,
            reference_label="python -c pass",
        )
    ]
    imports = _row("import", "import", s, timed, {})
    imports.target = f"<= {IMPORT_RATIO}x import luigi"
    value, ref = imports.values.get("kartwheel"), imports.reference
    if "kartwheel" in s.libraries:
        imports.passed = isinstance(value, float) and isinstance(ref, float) and value <= IMPORT_RATIO * ref
    rows.append(imports)
    rows.append(_row("wall time", "first", s, timed, missing))
    rows.append(_row("wall time", "rerun", s, timed, missing))
    return rows
