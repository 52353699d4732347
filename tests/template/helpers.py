"""Plain helpers shared by the template tests: paths, hook modules, the expected shape of a project."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config

REPO = Path(__file__).resolve().parents[2]
RUNTIME = REPO / "runtime" / "kartwheel"
LICENSE_TEXTS = REPO / "hooks" / "licenses"

TEMPLATE_FILES = (
    ".dockerignore",
    ".kartwheel-answers.json",
    ".kartwheel-base.json",
    ".github/workflows/ci.yml",
    ".gitignore",
    "Dockerfile",
    "README.md",
    "conf/logging.ini",
    "conf/param.ini",
    "data/raw/measurements.csv",
    "main.py",
    "notebooks/example.ipynb",
    "pyproject.toml",
    "tests/__init__.py",
    "tests/conftest.py",
    "tests/test_sample.py",
    "{package}/__init__.py",
    "{package}/model/__init__.py",
    "{package}/model/pipeline.py",
    "{package}/model/sample.py",
    "{package}/settings.py",
    "{package}/utils/__init__.py",
    "{package}/utils/template.py",
)


def load_hook(name: str) -> ModuleType:
    """Import hooks/<name>.py from the repository as a fresh module (unrendered, as `kartwheel new` does)."""
    path = REPO / "hooks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"template_hook_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rendered_answers(given: Mapping[str, str]) -> dict[str, object]:
    """Return every answer as cookiecutter renders it with --no-input and the given answers."""
    saved = list(sys.path)
    sys.path.append(str(REPO))  # cookiecutter imports the template's Jinja extensions from its folder
    try:
        context = generate_context(str(REPO / "cookiecutter.json"), extra_context=dict(given))
        return dict(prompt_for_config(context, no_input=True))
    finally:
        sys.path[:] = saved


# Modules of the kartwheel tool that make and update projects; a project's bundled runtime leaves them out.
TOOL_PACKAGE = "_project"  # the project tool, which projects do not bundle


def runtime_files(package: str) -> set[str]:
    """Return the files of the runtime that a project bundles under <package>/kartwheel/."""
    return {
        f"{package}/kartwheel/{path.relative_to(RUNTIME).as_posix()}"
        for path in RUNTIME.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.suffix not in (".pyc", ".pyo")
        and TOOL_PACKAGE not in path.relative_to(RUNTIME).parts
    }


def expected_files(answers: Mapping[str, object]) -> set[str]:
    """Return the exact set of files a project generated with these answers holds."""
    files = {name.format(package=answers["package_name"]) for name in TEMPLATE_FILES}
    if answers["license"] != "Proprietary":
        files.add("LICENSE")
    return files | runtime_files(str(answers["package_name"]))


def project_files(project: Path) -> set[str]:
    """Return the files of a generated project, relative and with forward slashes."""
    return {path.relative_to(project).as_posix() for path in project.rglob("*") if path.is_file()}


def unescape_markdown(text: str) -> str:
    """Undo backslash escapes, to compare README text with the answer it shows."""
    out, chars = [], iter(text)
    for char in chars:
        out.append(next(chars, "\\") if char == "\\" else char)
    return "".join(out)


def copy_template(destination: Path, with_runtime: bool) -> Path:
    """Copy the template (prompts, hooks, tree) and optionally the runtime, as a repository of its own."""
    destination.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__")
    for name in ["cookiecutter.json", "template_extensions.py"]:
        shutil.copy2(REPO / name, destination / name)
    for name in ["hooks", "{{cookiecutter.__project_dir}}"]:
        shutil.copytree(REPO / name, destination / name, ignore=ignore)
    if with_runtime:
        shutil.copytree(RUNTIME, destination / "runtime" / "kartwheel", ignore=ignore)
    return destination
