"""The runtime's layout as CONTRIBUTING.md maps it: every layer named, each with a docstring, no import cycle."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNTIME = ROOT / "runtime" / "kartwheel"
MAX_MODULES_PER_FOLDER = 16


def _layer_folders() -> set[str]:
    return {
        path.name
        for path in RUNTIME.iterdir()
        if path.is_dir() and path.name.startswith("_") and path.name[1:2] != "_" and (path / "__init__.py").exists()
    }


def _mapped_layers() -> set[str]:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## The map: layers, bottom first", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(_[a-z_]+)/` \|", section, flags=re.M))


def test_contributing_maps_every_layer_folder():
    assert _mapped_layers() == _layer_folders()


def test_every_layer_says_its_job_and_folders_stay_small():
    for folder in sorted({RUNTIME, *(path.parent for path in RUNTIME.rglob("__init__.py"))}):
        modules = [path for path in folder.glob("*.py") if path.name != "__init__.py"]
        assert len(modules) <= MAX_MODULES_PER_FOLDER, f"{folder.relative_to(ROOT)} holds {len(modules)} modules"
        assert ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8"))), folder


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(RUNTIME.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path) -> set[str]:
    """The kartwheel modules `path` imports when it is imported (not in functions, not under TYPE_CHECKING)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            if base.split(".")[0] != "kartwheel":
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if _exists(candidate) else base)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "kartwheel"}
    return found


def _exists(module: str) -> bool:
    relative = Path(*module.split(".")[1:])
    return (RUNTIME / relative).with_suffix(".py").exists() or (RUNTIME / relative / "__init__.py").exists()


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_module_level_import_cycle():
    graph = {_module_name(path): _top_level_imports(path) for path in RUNTIME.rglob("*.py")}
    # A package imports its own __init__ on the way to any submodule: that edge is not a cycle of ours.
    graph = {
        module: {target for target in targets if not module.startswith(target + ".")}
        for module, targets in graph.items()
    }
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_cycle_check_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
