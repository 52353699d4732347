"""The smallest possible task: run it to check that the project works end to end."""

from {{ cookiecutter.package_name }}.utils.template import ProjectTask


class Sample(ProjectTask):
    """Dumps a fixed value; its output lands under resources/{{ cookiecutter.package_name }}/model/sample/."""

    def run(self) -> None:
        """Write the sample output."""
        self.dump("sample output")
