"""`kartwheel new-task pkg.model.Features`: a task module in the project's style, and a test that passes."""

from __future__ import annotations

import argparse
import json
import keyword
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import KartwheelError, ProjectUpdateError

ANSWERS_FILE = ".kartwheel-answers.json"

TASK_MODULE = '''"""{name}: one step of the pipeline (replace this line with what it makes)."""

import luigi

from {package}.utils.template import ProjectTask


def make_{snake}(size: int) -> list[int]:
    """The computation, apart from the task so that it is tested without building anything."""
    return list(range(size))


class {name}(ProjectTask[list[int]]):
    """Dumps make_{snake}(size).

    To read another task, declare `source = kartwheel.TaskInstanceParameter()` (with
    `from {package} import kartwheel`) and load its output with `self.load(self.source)`.
    """

    size = luigi.IntParameter(default=3)

    def run(self) -> None:
        """Compute and dump the result."""
        self.dump(make_{snake}(self.size))
'''

TASK_TEST = '''"""Tests of {module}.{name}."""

from pathlib import Path

from {package} import kartwheel
from {module} import {name}, make_{snake}


def test_make_{snake}_computes_what_it_says() -> None:
    assert make_{snake}(3) == [0, 1, 2]


def test_{snake}_builds_its_output(workspace: Path) -> None:
    assert kartwheel.build({name}(size=2)) == [0, 1]
    assert list(workspace.rglob("{name}_*.pkl"))
'''


def snake_case(name: str) -> str:
    """FeatureSet -> feature_set, HTTPLog -> http_log."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)).lower()


def project_package(project: Path) -> str:
    """The package name the project was generated with."""
    path = project / ANSWERS_FILE
    try:
        return str(json.loads(path.read_text(encoding="utf-8"))["answers"]["package_name"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ProjectUpdateError(
            f"cannot read the package name from {path} ({error}); run the command in a project's root folder"
        ) from error


def parse_target(dotted: str, package: str) -> tuple[list[str], str]:
    """Split `pkg.model.Features` into the module's package path and the class name, checking both."""
    parts = dotted.split(".")
    if len(parts) < 2 or parts[0] != package:
        raise ProjectUpdateError(
            f"{dotted!r}: name the task inside the project's package, e.g. {package}.model.Features"
        )
    *packages, name = parts
    for part in packages:
        if not part.isidentifier() or keyword.iskeyword(part) or part != part.lower():
            raise ProjectUpdateError(f"{dotted!r}: {part!r} is not a lower-case module name")
    if not name.isidentifier() or not name[0].isupper():
        raise ProjectUpdateError(f"{dotted!r}: the last part names the task class, e.g. Features (CapWords)")
    return packages, name


def new_task(project: Path, dotted: str) -> list[Path]:
    """Write the task module and its test; return the files written."""
    package = project_package(project)
    packages, name = parse_target(dotted, package)
    snake = snake_case(name)
    module_path = project.joinpath(*packages, f"{snake}.py")
    test_path = project / "tests" / f"test_{snake}.py"
    for path in (module_path, test_path):
        if path.exists():
            raise ProjectUpdateError(f"{path} already exists; choose another task name or move that file")
    written = []
    folder = project
    for part in packages:  # packages the task's module needs, made as the template makes them
        folder = folder / part
        if not (folder / "__init__.py").exists():
            folder.mkdir(exist_ok=True)
            (folder / "__init__.py").write_text(f'"""The {part} tasks of the project."""\n', encoding="utf-8")
            written.append(folder / "__init__.py")
    module = ".".join([*packages, snake])
    fields = {"name": name, "snake": snake, "package": package, "module": module}
    module_path.write_text(TASK_MODULE.format(**fields), encoding="utf-8")
    test_path.write_text(TASK_TEST.format(**fields), encoding="utf-8")
    return [*written, module_path, test_path]


def main(argv: Sequence[str]) -> int:
    """`kartwheel new-task PACKAGE.MODULE.ClassName [--project PATH]`."""
    parser = argparse.ArgumentParser(prog="kartwheel new-task", allow_abbrev=False)
    parser.add_argument("task", help="where the task goes and its class name, e.g. my_package.model.Features")
    parser.add_argument("--project", default=".", help="the project's root folder (default: .)")
    try:
        args = parser.parse_args(list(argv))
        project = Path(args.project).resolve()
        written = new_task(project, args.task)
    except KartwheelError as error:
        print(f"kartwheel new-task: error: {error}", file=sys.stderr)
        return 1
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    for path in written:
        print(f"wrote {path.relative_to(project)}")
    module, name = args.task.rsplit(".", 1)
    package = module.split(".")[0]
    print(f"To run it with main.py, import it in {package}/__init__.py: from {module}.{snake_case(name)} import {name}")
    return 0
