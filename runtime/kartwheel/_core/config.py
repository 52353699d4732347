"""`add_config`: read an ini or toml file into luigi's configuration, with environment variables."""

from __future__ import annotations

import configparser
import json
import os
import re
import sys
from typing import Any

from luigi.configuration.cfg_parser import LuigiConfigParser

from .._luigi.config_files import config_paths, luigi_default_paths, use_interpolation
from .._luigi.config_keys import warn_unknown_keys_of_registered_tasks
from ..errors import ConfigError, MissingDependencyError
from .hashing import invalidate_hashes

__all__ = ["ConfigFiles", "add_config", "config_files", "read_config_files"]

_PERCENT_NAME = re.compile(r"%\((\w+)\)s")
_DOLLAR_NAME = re.compile(r"\$\{(\w+)\}")
_toml_files: list[str] = []


class _EnvironmentFallbackInterpolation(configparser.BasicInterpolation):
    """`%(NAME)s` as configparser knows it, falling back to the environment variable NAME."""

    def before_get(self, parser: Any, section: str, option: str, value: str, defaults: Any) -> str:
        def substitute(match: re.Match) -> str:
            name = match.group(1)
            if name not in defaults and name in os.environ:
                return os.environ[name].replace("%", "%%")
            return match.group(0)

        return super().before_get(parser, section, option, _PERCENT_NAME.sub(substitute, value), defaults)


def _parser() -> LuigiConfigParser:
    parser = LuigiConfigParser.instance()
    use_interpolation(parser, _EnvironmentFallbackInterpolation())
    return parser


def _read_toml(path: str) -> dict[str, dict[str, Any]]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        try:
            import tomli as tomllib
        except ImportError as exc:
            raise MissingDependencyError("reading .toml config on Python 3.10 needs `pip install tomli`") from exc
    with open(path, "rb") as file:
        try:
            data = tomllib.load(file)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    for section, options in data.items():
        if not isinstance(options, dict):
            raise ConfigError(f"config file {path}: top-level key {section!r} must be a [section] table")
    return data


def _read_ini(path: str) -> None:
    """Parse the file on its own first, so that a malformed one is rejected before it changes anything."""
    try:
        configparser.ConfigParser(interpolation=None, strict=False).read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc}") from exc


def _as_text(value: Any) -> str:
    """A TOML value as luigi's parameters parse it: strings as they are, everything else as JSON."""
    text = value if isinstance(value, str) else json.dumps(value)
    return text.replace("%", "%%") if isinstance(value, (list, dict)) else text


def _apply_toml_files(parser: LuigiConfigParser) -> None:
    for path in _toml_files:
        parser.read_dict(
            {
                section: {key: _as_text(value) for key, value in options.items()}
                for section, options in _read_toml(path).items()
            }
        )


def _check_values(parser: LuigiConfigParser, path: str) -> None:
    """Resolve every value now, so that a missing variable is reported here, naming file and key."""
    for section in parser.sections():
        for option in parser.options(section):
            try:
                parser.get(section, option)
            except configparser.Error as exc:
                raw = parser.get(section, option, raw=True)
                names = _PERCENT_NAME.findall(raw) + _DOLLAR_NAME.findall(raw)
                raise ConfigError(
                    f"config {path}: [{section}] {option} = {raw} cannot be resolved; set the environment "
                    f"variable(s) {', '.join(names) or '(none named)'} or define them in [{section}]"
                ) from exc


def add_config(path: str | os.PathLike) -> None:
    """Load an .ini/.cfg/.conf or .toml file; later files override earlier ones.

    Values may use `${NAME}` or `%(NAME)s` for environment variables. Task parameters read the
    `[ClassName]` section (with its namespace, e.g. `[my_package.MyTask]`) and then `[TaskOnKart]`.
    A key of a task's section that is none of its parameters is warned about (ConfigWarning).
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ConfigError(f"config file {path!r} not found (relative to {os.getcwd()}); check the path")
    parser = _parser()
    if path.lower().endswith(".toml"):
        _read_toml(path)
        _toml_files.append(path)
        LuigiConfigParser.reload()
    else:
        _read_ini(path)
        config_paths().append(path)
        LuigiConfigParser.reload()
    _apply_toml_files(parser)
    _check_values(parser, path)
    invalidate_hashes()  # tasks already created may now require others
    warn_unknown_keys_of_registered_tasks()


ConfigFiles = tuple[tuple[str, ...], tuple[str, ...]]


def config_files() -> ConfigFiles:
    """The ini files luigi reads and the toml files add_config read, in order: what `read_config_files` restores."""
    return tuple(config_paths()), tuple(_toml_files)


def read_config_files(files: ConfigFiles | None = None) -> None:
    """Forget every value and read the configuration again from `files` (by default luigi's own files only)."""
    ini_files, toml_files = files if files is not None else (luigi_default_paths(), ())
    config_paths()[:] = ini_files
    _toml_files[:] = toml_files
    parser = _parser()
    parser.clear()
    LuigiConfigParser.reload()
    _apply_toml_files(parser)
    invalidate_hashes()  # tasks already created may now require others
