"""The base class of every task in this project."""

import luigi

from {{ cookiecutter.package_name }} import kartwheel
from {{ cookiecutter.package_name }}.settings import PROJECT_ROOT


class ProjectTask(kartwheel.TaskOnKart):
    """Gathers the project's tasks in one namespace, with their outputs under the project's resources/.

    The command line then names them after the package: {{ cookiecutter.package_name }}.Sample
    """

    task_namespace = "{{ cookiecutter.package_name }}"
    workspace_directory = luigi.Parameter(
        default=str(PROJECT_ROOT / "resources"),
        significant=False,
        positional=False,
        description="Where outputs and logs go: resources/ at the project root, whatever the current folder.",
    )
