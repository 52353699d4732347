"""Run the project's tasks from the command line.

    python main.py {{ cookiecutter.package_name }}.Sample --local-scheduler
"""

import kartwheel

# Importing the package registers its tasks, so that luigi finds them by name.
import {{ cookiecutter.package_name }}  # noqa: F401

if __name__ == "__main__":
    kartwheel.add_config("conf/param.ini")
    kartwheel.run()
