"""The command line's own options, beside luigi's: `--plan [--format json]`, `--graph FILE`, `--no-progress`,
`--verbose`."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import luigi
from luigi.cmdline_parser import CmdlineParser

from .._plan.graph_html import render_html
from .._plan.plan import BLOCKED, Plan, make_plan
from .._plan.views import render_dot, render_json, render_mermaid, render_tree
from .._storage.storage import temporary_name
from ..errors import CommandLineError

__all__ = ["ViewOptions", "check_no_clash", "progress_settings", "show_plan", "split_options"]

PLAN_FORMATS = ("text", "json")
GRAPH_WRITERS = {".html": render_html, ".htm": render_html, ".dot": render_dot, ".gv": render_dot}
GRAPH_WRITERS.update({".mmd": render_mermaid, ".json": render_json})
OWN_OPTIONS = ("--plan", "--format", "--graph", "--no-progress", "--verbose")


@dataclass
class ViewOptions:
    """What was asked for besides running: a plan printed, a graph file written, no progress line, luigi's
    INFO lines on the console."""

    plan: bool = False
    format: str = "text"
    graph: str | None = None
    no_progress: bool = False
    verbose: bool = False

    @property
    def shows_plan(self) -> bool:
        return self.plan or self.graph is not None


def _value(argv: list[str], position: int, option: str) -> tuple[str, int]:
    token = argv[position]
    if token.startswith(option + "="):
        return token.split("=", 1)[1], position + 1
    if position + 1 >= len(argv) or argv[position + 1].startswith("--"):
        raise CommandLineError(
            f"{option} needs a value, e.g. {option} {'json' if option == '--format' else 'plan.html'}"
        )
    return argv[position + 1], position + 2


def split_options(argv: list[str]) -> tuple[list[str], ViewOptions]:
    """Take kartwheel's own options out of `argv`; the rest goes to luigi."""
    options, rest, position, format_given = ViewOptions(), [], 0, False
    while position < len(argv):
        token = argv[position]
        name = token.split("=", 1)[0]
        if token == "--":
            rest.extend(argv[position:])
            break
        if name == "--plan" and token == name:
            options.plan, position = True, position + 1
        elif name == "--no-progress" and token == name:
            options.no_progress, position = True, position + 1
        elif name == "--verbose" and token == name:
            options.verbose, position = True, position + 1
        elif name == "--format":
            options.format, position = _value(argv, position, name)
            format_given = True
        elif name == "--graph":
            options.graph, position = _value(argv, position, name)
        else:
            rest.append(token)
            position += 1
    if format_given and not options.plan:
        raise CommandLineError("--format chooses how --plan prints; add --plan (e.g. --plan --format json)")
    if options.format not in PLAN_FORMATS:
        raise CommandLineError(f"--format {options.format}: unknown; choose one of {', '.join(PLAN_FORMATS)}")
    if options.graph is not None and Path(options.graph).suffix.lower() not in GRAPH_WRITERS:
        raise CommandLineError(
            f"--graph {options.graph}: unknown kind of file; end its name with one of {', '.join(GRAPH_WRITERS)}"
        )
    return rest, options


def check_no_clash(task_class: type[luigi.Task], argv: list[str]) -> None:
    """A root task's own parameter named like one of our options could not be set: say so."""
    own = {f"--{name.replace('_', '-')}" for name, _ in task_class.get_params()}
    clashes = sorted(own & set(OWN_OPTIONS))
    if clashes:
        raise CommandLineError(
            f"{task_class.get_task_family()} has a parameter {clashes[0]}, which kartwheel's command line uses "
            f"for itself; rename the parameter, or set it in the config file ([{task_class.get_task_family()}])"
        )


def progress_settings(options: ViewOptions) -> tuple[bool, float | None]:
    """Whether to show progress (`--no-progress` or `[kartwheel] progress=false` say no), and how many
    seconds apart plain lines are printed when the output is not a terminal (`[kartwheel] progress_seconds`)."""
    config = luigi.configuration.get_config()
    try:
        enabled = config.getboolean("kartwheel", "progress", True)
    except ValueError as exc:
        raise CommandLineError(f"[kartwheel] progress: {exc}; write progress=true or progress=false") from None
    try:
        seconds = config.getfloat("kartwheel", "progress_seconds", None)
    except ValueError as exc:
        raise CommandLineError(f"[kartwheel] progress_seconds: {exc}; write a number, e.g. 5") from None
    if seconds is not None and seconds <= 0:
        raise CommandLineError(f"[kartwheel] progress_seconds={seconds}: write a positive number of seconds")
    return enabled and not options.no_progress, seconds


def show_plan(argv: list[str], options: ViewOptions) -> int:
    """Print the plan and/or write the graph file; run nothing. Returns 1 when a task is blocked, else 0."""
    with CmdlineParser.global_instance(argv) as parser:
        plan = make_plan(parser.get_task_obj())
    if options.plan:
        text = render_json(plan) if options.format == "json" else render_tree(plan)
        sys.stdout.write(text)
    if options.graph is not None:
        write_graph(plan, options.graph)
        print(f"graph of {len(plan.tasks)} tasks written to {options.graph}", file=sys.stderr)
    return 1 if any(task.status == BLOCKED for task in plan.tasks.values()) else 0


def write_graph(plan: Plan, path: str) -> None:
    """Write the plan in the format its file name's extension names (.html, .dot, .mmd, .json)."""
    writer = GRAPH_WRITERS[Path(path).suffix.lower()]
    text = writer(plan, title=f"{plan.tasks[plan.roots[0]].family} plan") if writer is render_html else writer(plan)
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    temporary = temporary_name(path)
    with open(temporary, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(temporary, path)
