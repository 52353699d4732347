"""Rows of results: the printed table and the JSON file."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

Value = float | str | None


@dataclass
class Row:
    """One line of the table: a metric of a scenario, per library, with an optional reference and target."""

    suite: str
    scenario: str
    metric: str
    unit: str
    values: dict[str, Value] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)
    reference: Value = None
    reference_label: str = ""
    target: str = ""
    passed: bool | None = None
    samples: dict[str, Any] = field(default_factory=dict)

    def ratio(self, numerator: str = "kartwheel", denominator: str = "gokart") -> float | None:
        """numerator / denominator when both are numbers."""
        top, bottom = self.values.get(numerator), self.values.get(denominator)
        if isinstance(top, float | int) and isinstance(bottom, float | int) and bottom:
            return top / bottom
        return None


def fmt(value: Value, unit: str = "") -> str:
    """A value as the table prints it: numbers with three significant figures, labels as they are."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if value == 0:
        text = "0"
    elif abs(value) >= 100:
        text = f"{value:.0f}"
    else:
        text = f"{value:.3g}"
    return f"{text} {unit}".strip()


def _cell(row: Row, library: str) -> str:
    """A library's cell: the value, then its details in brackets."""
    text = fmt(row.values.get(library), row.unit)
    detail = row.details.get(library)
    return f"{text} ({detail})" if detail else text


def _pass_text(passed: bool | None) -> str:
    """PASS, FAIL or blank."""
    return {True: "PASS", False: "FAIL", None: ""}[passed]


def table_lines(rows: list[Row], libraries: list[str]) -> list[str]:
    """The table as aligned text lines."""
    header = ["suite", "scenario", "metric", *libraries, "reference"]
    if "gokart" in libraries and "kartwheel" in libraries:
        header.append("kartwheel/gokart")
    header += ["target", "pass"]
    body = []
    for row in rows:
        ref = fmt(row.reference, row.unit)
        cells = [
            row.suite,
            row.scenario,
            row.metric,
            *(_cell(row, lib) for lib in libraries),
            f"{ref} {row.reference_label}".strip() if row.reference is not None else "",
        ]
        if "kartwheel/gokart" in header:
            ratio = row.ratio()
            cells.append(f"{ratio:.2f}x" if ratio is not None else "")
        cells += [row.target, _pass_text(row.passed)]
        body.append(cells)
    widths = [max(len(str(line[i])) for line in [header, *body]) for i in range(len(header))]
    render = [
        " | ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in [header, *body]
    ]
    render.insert(1, "-+-".join("-" * w for w in widths))
    return render


def machine() -> dict[str, Any]:
    """A description of the machine and software the figures came from."""
    info: dict[str, Any] = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "load_average": os.getloadavg(),
    }
    info["git_commit"] = _git_commit()
    return info


def _cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, if readable."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _git_commit() -> str:
    """The repository's current commit, if git is available."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parent,
            check=False,
        )
    except OSError:
        return ""
    return out.stdout.strip()


def write_json(
    path: Path,
    rows: list[Row],
    settings: dict[str, Any],
    versions: dict[str, str],
    extra: dict[str, Any] | None = None,
) -> None:
    """Write every row, with raw samples, the settings and the machine, as JSON; ``extra``: more top-level keys."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"machine": machine(), "versions": versions, "settings": settings, "rows": [asdict(row) for row in rows]}
    doc.update(extra or {})
    path.write_text(json.dumps(doc, indent=2, default=str))
