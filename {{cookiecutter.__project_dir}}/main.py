"""Run the project's tasks from the command line, from any folder.

Example: python main.py {{ cookiecutter.package_name }}.Sample --local-scheduler
"""

# Importing the package registers its tasks, so that luigi finds them by name.
import {{ cookiecutter.package_name }}  # noqa: F401
from {{ cookiecutter.package_name }} import kartwheel
from {{ cookiecutter.package_name }}.settings import load_config

if __name__ == "__main__":
    load_config()
    kartwheel.run()
