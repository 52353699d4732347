"""The base classes of the project's tasks: ProjectTask for steps, ProjectFile for raw input files."""

from typing import TypeVar

import luigi

from {{ cookiecutter.package_name }} import kartwheel
from {{ cookiecutter.package_name }}.settings import PROJECT_ROOT

T = TypeVar("T")


class ProjectTask(kartwheel.TaskOnKart[T]):
    """Gathers the project's tasks in one namespace, with their outputs under the project's resources/.

    ProjectTask[X] is a task that dumps an X, so that self.load(task) is typed X.

    The command line then names them after the package: {{ cookiecutter.package_name }}.Sample
    """

    task_namespace = "{{ cookiecutter.package_name }}"
    workspace_directory = luigi.Parameter(
        default=str(PROJECT_ROOT / "resources"),
        significant=False,
        positional=False,
        description="Where outputs and logs go: resources/ at the project root, whatever the current folder.",
    )


class ProjectFile(ProjectTask, kartwheel.ExternalFile):
    """A raw input file, named relative to the project root (e.g. data/raw/measurements.csv).

    Its content is part of the hash of every task that reads it: edit the file and they rerun.
    """

    base_directory = luigi.Parameter(
        default=str(PROJECT_ROOT),
        significant=False,
        positional=False,
        description="The folder a relative path is taken from: the project root.",
    )
