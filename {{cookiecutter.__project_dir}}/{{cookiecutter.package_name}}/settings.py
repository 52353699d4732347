"""Where the project lives and its configuration, found from this file so that any current folder works."""

from pathlib import Path

import luigi

from {{ cookiecutter.package_name }} import kartwheel


def find_project_root(start: Path) -> Path:
    """Return the nearest folder at or above start with a pyproject.toml (else the current folder)."""
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return Path.cwd()


PROJECT_ROOT = find_project_root(Path(__file__).resolve().parent)
CONFIG_FILE = PROJECT_ROOT / "conf" / "param.ini"
# Options of conf/param.ini that hold paths: a relative one is taken from the project root.
PATH_OPTIONS = (("TaskOnKart", "workspace_directory"), ("core", "logging_conf_file"))


def load_config() -> None:
    """Read conf/param.ini, with its relative paths resolved from the project root."""
    kartwheel.add_config(CONFIG_FILE)
    config = luigi.configuration.get_config()
    for section, option in PATH_OPTIONS:
        value = config.get(section, option, fallback=None)
        if value and "://" not in value and not Path(value).is_absolute():
            config.set(section, option, str(PROJECT_ROOT / value))
