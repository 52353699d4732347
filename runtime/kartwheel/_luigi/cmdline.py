"""luigi's command-line parser, used without its prefix matching, and its module loading."""

from __future__ import annotations

import argparse
from typing import Any

import luigi
from luigi.cmdline_parser import CmdlineParser

from .names import requires_attribute

__all__ = ["exact_parser", "global_dest", "load_modules", "option_strings"]

requires_attribute(CmdlineParser, "_build_parser")
requires_attribute(CmdlineParser, "_attempt_load_module")
requires_attribute(luigi.Parameter, "_parser_global_dest")
requires_attribute(argparse.ArgumentParser(), "_option_string_actions")


def exact_parser(root_task: str | None = None) -> argparse.ArgumentParser:
    """luigi's parser without prefix matching: a root task's `--p` is not an abbreviation of luigi's options."""
    parser = CmdlineParser._build_parser(root_task=root_task)
    parser.allow_abbrev = False
    return parser


def load_modules(known_args: argparse.Namespace) -> None:
    """Import the modules the command line names (`--module`, or the root task's package), as luigi does."""
    CmdlineParser._attempt_load_module(known_args)


def option_strings(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string `parser` accepts (`--workers`, `--Task-param`, ...)."""
    return set(parser._option_string_actions)


def global_dest(param: luigi.Parameter, name: str, family: str) -> str:
    """The `Family_name` destination luigi gives the option `--Family-name`."""
    return str(param._parser_global_dest(name, family))


def given_on_command_line(known_args: Any, family: str, name: str, param: luigi.Parameter) -> bool:
    """Whether `--Family-name` (or `--name`, for the root task) was on the command line."""
    if getattr(known_args, global_dest(param, name, family), None) is not None:
        return True
    return known_args.root_task == family and getattr(known_args, name, None) is not None
