"""Finish a generated project: bundle the kartwheel runtime in its package, write the LICENSE, print the next steps.

cookiecutter renders this file with the answers and runs it inside the new project folder. Any error prints
one line to stderr and exits 1; cookiecutter then removes the half-made project.
"""

from __future__ import annotations

import ast
import contextlib
import datetime
import json
import os
import shlex
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

LICENSE_FILES = {
    "MIT": "MIT.txt",
    "Apache-2.0": "Apache-2.0.txt",
    "BSD-3-Clause": "BSD-3-Clause.txt",
    "GPL-3.0-only": "GPL-3.0-only.txt",
}
# Licenses whose text opens with a copyright line to fill in; the others are kept verbatim (the GPL and
# Apache texts show placeholders in their how-to-apply appendices that must stay as they are).
LICENSES_WITH_COPYRIGHT_LINE = ("MIT", "BSD-3-Clause")
# What the runtime copy leaves out: the template shipped inside an installed package, the commands that
# make and update projects (they belong to the kartwheel tool, not to a project), and caches.
RUNTIME_EXCLUDES = ("_template", "_project", "__pycache__", "*.pyc", "*.pyo")


class HookError(RuntimeError):
    """Raised when the project cannot be finished; the message is one line."""


def rendered_answers() -> dict[str, object]:
    """Return the answers cookiecutter rendered into this file (only meaningful in the rendered copy)."""
    return json.loads(r"""{{ cookiecutter | tojson }}""")


def is_template_repo(path: Path) -> bool:
    """Tell whether path holds this template (its prompts and its hooks)."""
    return (path / "cookiecutter.json").is_file() and (path / "hooks" / "post_gen_project.py").is_file()


def template_repo_candidates(answers: Mapping[str, object]) -> list[Path]:
    """List where the template repository may be, most reliable first.

    cookiecutter passes the repository as it was given, possibly relative to a directory this hook cannot
    see, while it runs the hook from inside that repository; so its working directory is the best guess.
    """
    repo = Path(str(answers.get("_repo_dir", "")))
    if repo.is_absolute():
        return [repo]
    candidates = [Path(f"/proc/{os.getppid()}/cwd")]
    if os.environ.get("PWD"):
        candidates.append(Path(os.environ["PWD"]) / repo)
    candidates.append(Path(str(answers.get("_output_dir", "."))) / repo)
    return candidates


def locate_template_repo(answers: Mapping[str, object]) -> Path:
    """Return the absolute path of the template repository this project was generated from."""
    for candidate in template_repo_candidates(answers):
        try:
            resolved = candidate.resolve()
        except OSError:
            continue
        if is_template_repo(resolved):
            return resolved
    raise HookError(
        f"cannot find the template repository {answers.get('_repo_dir')!r}; "
        "run cookiecutter with the template's absolute path"
    )


def locate_runtime(repo: Path) -> Path:
    """Return the runtime package to bundle: beside the template when it ships inside an installed kartwheel."""
    installed = repo.parent
    if repo.name == "_template" and (installed / "_version.py").is_file():
        return installed
    source = repo / "runtime" / "kartwheel"
    if (source / "_version.py").is_file():
        return source
    raise HookError(f"the kartwheel runtime is missing: expected {source} (with _version.py) in the template")


def read_version(runtime: Path) -> str:
    """Read __version__ from the runtime's _version.py without importing it."""
    tree = ast.parse((runtime / "_version.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__version__" for target in node.targets
        ):
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
    raise HookError(f"{runtime / '_version.py'} does not set __version__ to a string")


def bundle_runtime(runtime: Path, project: Path, package: str) -> str:
    """Copy the runtime into the project's package as <package>/kartwheel/ and return its version.

    Inside the package it installs with the project and cannot overwrite the kartwheel tool or another
    project's copy in the same environment.
    """
    version = read_version(runtime)
    target = project / package / "kartwheel"
    if target.exists():
        raise HookError(f"{target} already exists; generate into an empty folder")
    shutil.copytree(runtime, target, ignore=shutil.ignore_patterns(*RUNTIME_EXCLUDES))
    return version


def record_runtime_version(project: Path, version: str) -> None:
    """Note the bundled runtime's version in the project's pyproject.toml."""
    table = (
        "\n# The version of the kartwheel runtime bundled in the package's kartwheel/ folder.\n"
        f"[tool.kartwheel]\nbundled-runtime = {json.dumps(version)}\n"
    )
    with (project / "pyproject.toml").open("a", encoding="utf-8") as file:
        file.write(table)


def license_text(repo: Path, license_id: str, holder: str, year: int) -> str:
    """Return the full text of the chosen license with the year and copyright holder filled in."""
    path = repo / "hooks" / "licenses" / LICENSE_FILES[license_id]
    if not path.is_file():
        raise HookError(f"the text of license {license_id} is missing: expected {path}")
    text = path.read_text(encoding="utf-8")
    if license_id not in LICENSES_WITH_COPYRIGHT_LINE:
        return text
    return text.replace("<year>", str(year), 1).replace("<copyright holders>", holder, 1)


def write_license(repo: Path, project: Path, answers: Mapping[str, object]) -> None:
    """Write LICENSE for an open-source license; a proprietary project gets none."""
    license_id = str(answers["license"])
    if license_id not in LICENSE_FILES:
        return
    text = license_text(repo, license_id, str(answers["author"]), datetime.date.today().year)
    (project / "LICENSE").write_text(text, encoding="utf-8")


def shown_path(project: Path, answers: Mapping[str, object]) -> str:
    """Return how to reach the project from the user's shell: its name when created in the current folder."""
    destination = Path(str(answers.get("_kartwheel_destination") or answers.get("_output_dir", ".")))
    final = destination / project.name
    if os.environ.get("PWD") and Path(os.environ["PWD"]) == destination:
        return project.name
    return str(final)


def next_steps(project: Path, answers: Mapping[str, object]) -> str:
    """Return the commands that take the user from a fresh project to a first run and a test run."""
    package = str(answers["package_name"])
    return "\n".join(
        [
            f"Created {shown_path(project, answers)}. Next steps:",
            f"  cd {shlex.quote(shown_path(project, answers))}",
            '  python -m pip install -e ".[dev]"',
            f"  python main.py {package}.Sample --local-scheduler",
            "  python -m pytest",
        ]
    )


# What `kartwheel check` and `kartwheel update` read: the answers with the template version, and the project
# exactly as generated (the base of the three-way merge between the user's edits and a newer template).
ANSWERS_FILE = ".kartwheel-answers.json"
BASE_FILE = ".kartwheel-base.json"


def record_generation(project: Path, answers: Mapping[str, object], version: str) -> None:
    """Write the answers, the template version and the generated files, for later updates."""
    questions = {key: value for key, value in answers.items() if not str(key).startswith("_")}
    record = {"template_version": version, "answers": questions}
    (project / ANSWERS_FILE).write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    files = {
        path.relative_to(project).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(project.rglob("*"))
        if path.is_file() and path.name not in (ANSWERS_FILE, BASE_FILE) and "__pycache__" not in path.parts
    }
    (project / BASE_FILE).write_text(json.dumps(files, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def remove_rendered_copy() -> None:
    """Delete this file when it is cookiecutter's temporary rendered copy, so the answers do not linger."""
    path = Path(__file__).resolve()
    if path.parent.name != "hooks" and path.name.startswith("tmp"):
        path.unlink(missing_ok=True)


def finish(project: Path, answers: Mapping[str, object]) -> None:
    """Do the post-generation work in order; raise HookError (or OSError) if a step fails."""
    repo = locate_template_repo(answers)
    version = bundle_runtime(locate_runtime(repo), project, str(answers["package_name"]))
    record_runtime_version(project, version)
    write_license(repo, project, answers)
    record_generation(project, answers, version)


def main() -> None:
    """Finish the project in the current directory; on failure print one line to stderr and exit 1."""
    remove_rendered_copy()
    answers = rendered_answers()
    project = Path.cwd()
    try:
        finish(project, answers)
    except (HookError, OSError) as error:
        print(f"error: could not finish the project: {error}", file=sys.stderr)
        sys.exit(1)
    say(next_steps(project, answers))


def say(text: str) -> None:
    """Print text; a closed output (e.g. `| head -2`) must not turn a finished project into a failed one."""
    try:
        print(text, flush=True)
    except OSError:  # BrokenPipeError and friends: nobody is reading, and the project is complete
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":
    main()
