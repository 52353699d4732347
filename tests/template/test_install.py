"""Generated projects installed for real: two projects and the kartwheel tool in one environment."""

from __future__ import annotations

import subprocess
import sysconfig
from pathlib import Path

import pytest

from tests.processes import run, run_python

from .conftest import Generate
from .helpers import REPO

pytestmark = pytest.mark.slow


def make_venv(folder: Path) -> Path:
    """Create a venv without pip that sees this environment's packages (luigi, hatchling) but not kartwheel."""
    run_python("-m", "venv", "--without-pip", folder, check=True)
    python = folder / "bin" / "python"
    site = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], check=True).stdout.strip()
    (Path(site) / "shared.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return python


def pip(python: Path, *args: str) -> None:
    result = run_python("-m", "pip", "--python", python, "--disable-pip-version-check", *args, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def python_ok(python: Path, code: str) -> subprocess.CompletedProcess[str]:
    return run([python, "-c", code], cwd="/")


def test_two_projects_and_the_tool_install_side_by_side_and_uninstall_cleanly(
    generate: Generate, tmp_path: Path
) -> None:
    alpha, beta = generate(project_name="alpha"), generate(project_name="beta")
    python = make_venv(tmp_path / "venv")
    pip(python, "install", "--no-deps", "--no-build-isolation", "--quiet", str(REPO), str(alpha), str(beta))
    tool = "import kartwheel, kartwheel._project.new; print(kartwheel.__file__)"
    assert python_ok(python, tool).returncode == 0
    for name in ("alpha", "beta"):
        result = python_ok(python, f"from {name} import kartwheel; print(kartwheel.__file__)")
        assert result.returncode == 0, result.stderr
        assert f"/{name}/kartwheel/" in result.stdout

    pip(python, "uninstall", "--yes", "--quiet", "alpha")
    intact = python_ok(python, tool)
    assert intact.returncode == 0, intact.stderr
    built = python_ok(
        python, "from beta import Sample, kartwheel; print(kartwheel.__name__, Sample().make_unique_id())"
    )
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("beta.kartwheel ")
