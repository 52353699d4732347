"""The base class of every task in this project."""

import kartwheel


class ProjectTask(kartwheel.TaskOnKart):
    """Gathers the project's tasks in one namespace.

    The command line then names them after the package: {{ cookiecutter.package_name }}.Sample
    """

    task_namespace = "{{ cookiecutter.package_name }}"
