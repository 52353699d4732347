"""The luigi quarantine, read from the source: private luigi names appear only in `_luigi/`, all listed in names.py.

A private luigi name is one luigi's own source defines or uses with a single leading underscore
(`_run_task`, `_config_paths`, ...). Outside `_luigi/` no module may import one, read or write one on
an object, or override one in a subclass of a luigi class. Inside `_luigi/`, every one used must be listed in
`names.py` (where a test checks it against the installed luigi, and `requires_attribute` at import).
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import luigi
import pytest
from kartwheel._luigi import names

RUNTIME = Path(__file__).resolve().parents[3] / "runtime" / "kartwheel"
QUARANTINE = RUNTIME / "_luigi"


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


@functools.cache
def luigi_private_names() -> frozenset[str]:
    """Every single-underscore name luigi's source defines, assigns or reads as an attribute."""
    found: set[str] = set()
    for path in Path(luigi.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute):
                found.add(node.attr)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                found.add(node.id)
    return frozenset(name for name in found if _private(name))


def _luigi_aliases(tree: ast.Module) -> set[str]:
    """Local names bound to luigi modules or to objects imported from luigi."""
    aliases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases |= {(alias.asname or alias.name).split(".")[0] for alias in node.names if alias.name == "luigi"}
            aliases |= {
                alias.asname or alias.name.split(".")[0] for alias in node.names if alias.name.startswith("luigi")
            }
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "luigi":
            aliases |= {alias.asname or alias.name for alias in node.names}
    for node in ast.walk(tree):  # `_Base = luigi.Task` (a mixin typed as luigi's class): an alias too
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in aliases:
                aliases |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    return aliases


def _derives_from_luigi(node: ast.ClassDef, aliases: set[str]) -> bool:
    for base in node.bases:
        root = base
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and root.id in aliases:
            return True
    return False


def uses_of_private_luigi_names(source: str) -> list[tuple[int, str, str]]:
    """(line, name, how) for each private luigi name `source` imports, reaches on an object, or overrides."""
    tree = ast.parse(source)
    private = luigi_private_names()
    aliases = _luigi_aliases(tree)
    uses = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "luigi":
            uses += [(node.lineno, alias.name, "imported") for alias in node.names if _private(alias.name)]
        elif isinstance(node, ast.Attribute) and node.attr in private:
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
                continue  # an object's own attribute: a luigi one only inside a luigi subclass, below
            uses.append((node.lineno, node.attr, "reached"))
        elif isinstance(node, ast.ClassDef) and _derives_from_luigi(node, aliases):
            for item in ast.walk(node):
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in private:
                    uses.append((item.lineno, item.name, "overridden"))
                elif (
                    isinstance(item, ast.Attribute)
                    and item.attr in private
                    and isinstance(item.value, ast.Name)
                    and item.value.id in ("self", "cls")
                ):
                    uses.append((item.lineno, item.attr, "reached on self"))
    return sorted(set(uses))


def listed_names() -> set[str]:
    listed = {spec.split(":")[1].split(".")[-1] for spec in names.MODULE_NAMES}
    listed |= {name for group in names.INSTANCE_NAMES.values() for name in group}
    return listed | set(names.LAZY_NAMES)


def _modules(outside: bool) -> list[Path]:
    paths = sorted(RUNTIME.rglob("*.py"))
    return [path for path in paths if (QUARANTINE not in path.parents) == outside]


def test_no_private_luigi_name_outside_the_quarantine():
    found = [
        f"{path.relative_to(RUNTIME)}:{line}: {name} ({how})"
        for path in _modules(outside=True)
        for line, name, how in uses_of_private_luigi_names(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "private luigi names belong in kartwheel/_luigi/ (listed in names.py):\n" + "\n".join(found)


def test_every_private_luigi_name_in_the_quarantine_is_listed():
    listed = listed_names()
    unlisted = [
        f"{path.relative_to(RUNTIME)}:{line}: {name} ({how})"
        for path in _modules(outside=False)
        for line, name, how in uses_of_private_luigi_names(path.read_text(encoding="utf-8"))
        if name not in listed
    ]
    assert unlisted == [], "add these to kartwheel/_luigi/names.py:\n" + "\n".join(unlisted)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from luigi.parameter import _no_value\n", [(1, "_no_value", "imported")]),
        ("import luigi\nx = luigi.task._task_wraps\n", [(2, "_task_wraps", "reached")]),
        (
            "import luigi.worker\nclass W(luigi.worker.Worker):\n"
            "    def _run_task(self, i):\n        return self._config\n",
            [(3, "_run_task", "overridden"), (4, "_config", "reached on self")],
        ),
        ("class Mine:\n    def _run_task(self):\n        return self._config\n", []),
    ],
    ids=["import", "attribute", "override in a luigi subclass", "own class"],
)
def test_the_scan_finds_each_kind_of_use(source, expected):
    assert uses_of_private_luigi_names(source) == expected
