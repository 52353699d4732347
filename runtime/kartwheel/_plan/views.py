"""Text views of a plan, each a pure function of it: the tree, JSON, Graphviz dot and Mermaid."""

from __future__ import annotations

import json

from .plan import BLOCKED, CACHED, FAILED, NOT_NEEDED, WILL_RUN, Plan, PlannedTask

__all__ = ["MARKS", "counts_line", "render_dot", "render_json", "render_mermaid", "render_tree"]

MARKS = {CACHED: "✓", WILL_RUN: "▶", BLOCKED: "⊘", FAILED: "✗", NOT_NEEDED: "·"}
# Deeper levels are drawn at this indentation, so that a 10 000-deep chain still prints in linear size.
MAX_INDENT = 24


def counts_line(plan: Plan) -> str:
    """`3 tasks: 1 cached, 2 will run`."""
    total = len(plan.tasks)
    parts = ", ".join(f"{number} {status}" for status, number in plan.counts().items())
    return f"{total} task{'s' if total != 1 else ''}: {parts}" if total else "0 tasks"


def _label(task: PlannedTask, width: int = 60) -> str:
    params = ", ".join(f"{name}={value}" for name, value in task.params.items())
    if len(params) > width:
        params = params[: width - 1] + "…"
    return f"{task.family}({params})"


def render_tree(plan: Plan) -> str:
    """The plan as an indented tree from each root, every task in full once and abbreviated afterwards."""
    lines: list[str] = []
    shown: set[str] = set()
    for root in plan.roots:
        stack = [(root, 0)]
        while stack:
            task_id, depth = stack.pop()
            task = plan.tasks[task_id]
            indent = "  " * min(depth, MAX_INDENT)
            if task_id in shown:
                lines.append(f"{indent}{MARKS[task.status]} {task.family} (shown above)")
                continue
            shown.add(task_id)
            reason = f": {task.reason}" if task.reason else ""
            lines.append(f"{indent}{MARKS[task.status]} {_label(task)}  {task.status}{reason}")
            stack.extend((dep, depth + 1) for dep in reversed(task.requires))
    lines.append(counts_line(plan))
    return "\n".join(lines) + "\n"


def render_json(plan: Plan) -> str:
    """The plan as JSON: {"roots": [task_id...], "tasks": [{task_id, family, params, status, reason,
    outputs, requires}...]}, requirements before the tasks that need them."""
    return json.dumps(plan.to_json(), indent=1, ensure_ascii=False) + "\n"


def _quoted(text: str) -> str:
    """A dot string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


_DOT_COLOURS = {CACHED: "#c8e6c9", WILL_RUN: "#bbdefb", BLOCKED: "#ffe0b2", FAILED: "#ffcdd2", NOT_NEEDED: "#eeeeee"}


def render_dot(plan: Plan) -> str:
    """Graphviz: left to right, requirements pointing at the tasks that need them, filled by status."""
    lines = ["digraph plan {", "  rankdir=LR;", '  node [shape=box, style="rounded,filled", fontname="sans-serif"];']
    for task in plan.tasks.values():
        label = f"{_label(task, 40)}\n{task.status}"
        tooltip = task.reason or task.status
        lines.append(
            f"  {_quoted(task.task_id)} [label={_quoted(label)}, "
            f'fillcolor="{_DOT_COLOURS[task.status]}", tooltip={_quoted(tooltip)}];'
        )
    for task in plan.tasks.values():
        lines.extend(f"  {_quoted(dep)} -> {_quoted(task.task_id)};" for dep in task.requires)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def render_mermaid(plan: Plan) -> str:
    """Mermaid flowchart, left to right, with one class per status."""
    ids = {task_id: f"t{index}" for index, task_id in enumerate(plan.tasks)}
    lines = ["flowchart LR"]
    for task_id, task in plan.tasks.items():
        lines.append(f'  {ids[task_id]}["{_mermaid_text(_label(task, 40))}<br/>{task.status}"]:::{_css(task.status)}')
    for task_id, task in plan.tasks.items():
        lines.extend(f"  {ids[dep]} --> {ids[task_id]}" for dep in task.requires)
    for status, colour in _DOT_COLOURS.items():
        lines.append(f"  classDef {_css(status)} fill:{colour},stroke:#555")
    return "\n".join(lines) + "\n"


def _css(status: str) -> str:
    return status.replace(" ", "_")
