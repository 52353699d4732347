"""`inherits_config_params`: fill a task's parameters from a `luigi.Config` class's values."""

from __future__ import annotations

import luigi
import luigi.task
from luigi.cmdline_parser import CmdlineParser

from .._luigi.cmdline import given_on_command_line
from .._luigi.registry import task_wraps

__all__ = ["inherits_config_params"]


class inherits_config_params:  # lower case: the name ported code imports
    """Decorate a task class so that the parameters it shares with `config_class` take that class's values.

    `parameter_alias` maps a config parameter's name to the task's (`{'param2': 'param3'}`). A value
    given to the task itself (as an argument, on the command line or in its own config section) wins.
    """

    def __init__(self, config_class: type[luigi.Config], parameter_alias: dict[str, str] | None = None) -> None:
        if not (isinstance(config_class, type) and issubclass(config_class, luigi.Task)):
            raise TypeError(f"inherits_config_params takes a luigi.Config class, got {config_class!r}")
        self._config_class = config_class
        self._parameter_alias = dict(parameter_alias or {})

    def __call__(self, task_class: type) -> type:
        decorator = self

        @task_wraps(task_class)
        class Wrapped(task_class):
            @classmethod
            def get_param_values(cls, params: list, args: tuple, kwargs: dict) -> list:
                return super().get_param_values(params, args, decorator._filled(cls, params, args, kwargs))

        return Wrapped

    def _filled(self, task_class: type[luigi.Task], params: list, args: tuple, kwargs: dict) -> dict:
        """`kwargs` plus the config class's values for the shared parameters the task was not given."""
        by_name = dict(params)
        given_positionally = [name for name, param in params if param.positional][: len(args)]
        family = task_class.get_task_family()
        config = luigi.configuration.get_config()
        cmdline = CmdlineParser.get_instance()
        filled = dict(kwargs)
        for name, value in self._config_class().param_kwargs.items():
            target = self._parameter_alias.get(name, name)
            if target not in by_name or target in filled or target in given_positionally:
                continue
            if config.has_option(family, target):
                continue
            if cmdline is not None and given_on_command_line(cmdline.known_args, family, str(target), by_name[target]):
                continue
            filled[target] = value
        return filled
