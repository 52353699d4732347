"""The repository's own promises: one test command everywhere, CI on every Python a project may choose, a wheel
that ships its type information, a timeout on every child process of a test."""

from __future__ import annotations

import ast
import re
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.processes import run_python

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def _readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"Install and run the tests.*?```sh\n(.+?)\n```", readme, re.DOTALL)
    assert found, "README.md has no 'Install and run the tests' block"
    return found.group(1).strip()


def test_ci_runs_the_readme_test_command_verbatim():
    command = _readme_test_command()
    assert "scripts/check.py" in command
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    assert command in ci_lines


def _literal(path: Path, name: str) -> object:
    """The literal value a module assigns to `name`, read without importing the module."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{path} assigns no {name}")


def test_ci_runs_the_checks_on_every_python_a_project_may_choose():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    [job] = workflow["jobs"].values()
    versions = job["strategy"]["matrix"]["python-version"]
    assert versions == list(_literal(ROOT / "hooks" / "pre_gen_project.py", "SUPPORTED_PYTHONS"))
    with open(ROOT / "pyproject.toml", "rb") as file:
        assert tomllib.load(file)["project"]["requires-python"] == f">={versions[0]}"
    commands = [step["run"] for step in job["steps"] if "run" in step]
    assert "python -m pip install -e '.[test]'" in commands
    assert commands[-1] == "python scripts/check.py"


def test_the_wheel_ships_py_typed_and_the_template(tmp_path):
    done = run_python("-m", "hatchling", "build", "-t", "wheel", "-d", tmp_path, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("kartwheel-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "kartwheel/py.typed" in names
    assert "kartwheel/LICENSE" in names
    assert "kartwheel/_template/cookiecutter.json" in names


def test_the_runtime_carries_the_repository_licence():
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License\n\nCopyright (c) 2026 kartwheel developers\n")
    assert (ROOT / "runtime" / "kartwheel" / "LICENSE").read_text(encoding="utf-8") == licence


def test_the_changelog_opens_with_unreleased_and_has_the_current_version():
    from kartwheel import __version__

    headings = re.findall(r"^## (.+)$", (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), re.MULTILINE)
    assert headings[0] == "[Unreleased]"
    assert re.fullmatch(rf"\[{re.escape(__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}", headings[1])
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__), "a SemVer version"


# Every command a test starts has a timeout, so that a hung child fails its test instead of hanging the suite.
RUNS_TO_THE_END = {"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output"}
NEVER_TIME_OUT = {"subprocess.getoutput", "subprocess.getstatusoutput", "os.system", "os.popen"}
PROCESSES = {"subprocess.Popen", "pexpect.spawn", "pexpect.spawnu", "pexpect.popen_spawn.PopenSpawn"}
SPAWNS = (PROCESSES - {"subprocess.Popen"}) | {"pexpect.run", "pexpect.runu"}
# How many positional arguments reach `timeout`: Popen.wait(timeout), Popen.communicate(input, timeout).
WAITS = {"wait": 1, "communicate": 2}


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _aliases(tree: ast.Module) -> dict[str, str]:
    """The dotted name each local name stands for: `import subprocess as sp`, `from subprocess import run`,
    `pexpect = pytest.importorskip("pexpect")`."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                names[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.update({alias.asname or alias.name: f"{node.module}.{alias.name}" for alias in node.names})
        elif (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and ast.unparse(node.value.func).endswith("importorskip")
            and node.value.args
            and isinstance(node.value.args[0], ast.Constant)
        ):
            names.update(
                {target.id: node.value.args[0].value for target in node.targets if isinstance(target, ast.Name)}
            )
    return names


def _qualified(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """`sp.run` -> `subprocess.run` under `import subprocess as sp`; None for what is not a dotted name."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id, node.id)
    if isinstance(node, ast.Attribute):
        base = _qualified(node.value, aliases)
        return None if base is None else f"{base}.{node.attr}"
    return None


def _holder(node: ast.AST | None) -> str | None:
    """The name an expression reads a value from: `process`, `self.process`, `processes[0]` -> process(es)."""
    while isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _assigned_names(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> set[str]:
    """The names that receive the value of `node`: assigned directly, as an item of a list or comprehension
    assigned to a name, or appended to a list."""
    while isinstance(parents.get(node), (ast.List, ast.Tuple, ast.ListComp, ast.GeneratorExp, ast.Starred)):
        node = parents[node]
    parent = parents.get(node)
    if isinstance(parent, ast.Assign):
        return {name for target in parent.targets if (name := _holder(target))}
    if isinstance(parent, (ast.AnnAssign, ast.NamedExpr)):
        return {name} if (name := _holder(parent.target)) else set()
    if isinstance(parent, ast.withitem) and parent.optional_vars is not None:
        return {name} if (name := _holder(parent.optional_vars)) else set()
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute) and parent.func.attr == "append":
        return {name} if (name := _holder(parent.func.value)) else set()
    return set()


def _process_names(trees: dict[str, ast.Module]) -> set[str]:
    """Names that hold a process (a Popen or a pexpect spawn) somewhere in `trees`: assigned one, annotated as
    one, given one by a function annotated to return them, or looping over such names."""
    names: set[str] = set()
    makers: set[str] = set()  # functions whose return annotation is a process or a list of them
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if node.returns is not None and re.search(r"\b(Popen|spawn)\b", ast.unparse(node.returns)):
                    makers.add(node.name)
                for argument in node.args.args + node.args.kwonlyargs:
                    if argument.annotation is not None and re.search(
                        r"\b(Popen|spawn)\b", ast.unparse(argument.annotation)
                    ):
                        names.add(argument.arg)
            elif isinstance(node, ast.AnnAssign) and re.search(r"\b(Popen|spawn)\b", ast.unparse(node.annotation)):
                names.update(filter(None, [_holder(node.target)]))
    for tree in trees.values():
        aliases, parents = _aliases(tree), _parents(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and (
                _qualified(node.func, aliases) in PROCESSES or _holder(node.func) in makers
            ):
                names |= _assigned_names(node, parents)
    loops = [
        node for tree in trees.values() for node in ast.walk(tree) if isinstance(node, (ast.For, ast.comprehension))
    ]
    while True:  # `for process in processes`, until nothing new is found
        found = {name for loop in loops if _holder(loop.iter) in names and (name := _holder(loop.target))}
        if found <= names:
            return names
        names |= found


def _has_timeout(call: ast.Call, parents: dict[ast.AST, ast.AST]) -> bool:
    """`timeout=` given (and not None), or in a `**options` that the calling function fills with a timeout."""
    for keyword in call.keywords:
        if keyword.arg == "timeout":
            return not (isinstance(keyword.value, ast.Constant) and keyword.value.value is None)
    return any(keyword.arg is None and _sets_timeout(keyword.value, call, parents) for keyword in call.keywords)


def _sets_timeout(mapping: ast.AST, call: ast.Call, parents: dict[ast.AST, ast.AST]) -> bool:
    if isinstance(mapping, ast.Dict):  # **{..., "timeout": t}
        return any(isinstance(key, ast.Constant) and key.value == "timeout" for key in mapping.keys)
    if not isinstance(mapping, ast.Name):
        return False
    function: ast.AST | None = call
    while function is not None and not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        function = parents.get(function)
    if function is None:
        return False
    for node in ast.walk(function):
        if (  # options.setdefault("timeout", t)
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "setdefault"
            and _holder(node.func.value) == mapping.id
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value == "timeout"
        ):
            return True
        if (  # options["timeout"] = t
            isinstance(node, ast.Assign)
            and any(
                isinstance(target, ast.Subscript)
                and _holder(target.value) == mapping.id
                and isinstance(target.slice, ast.Constant)
                and target.slice.value == "timeout"
                for target in node.targets
            )
        ):
            return True
    return False


def timeout_findings(sources: dict[str, str]) -> list[str]:
    """`file:line: what` for each way a test could wait forever on a child process: subprocess.run/call/
    check_call/check_output without `timeout=`, `.wait()`/`.communicate()` without a timeout on a process,
    `with Popen(...)` (its exit waits unbounded), a pexpect spawn without `timeout=`, an explicit `timeout=None`,
    and os.system/os.popen/subprocess.getoutput, which cannot time out."""
    trees = {path: ast.parse(source, path) for path, source in sources.items()}
    processes = _process_names(trees)
    findings: list[tuple[str, int, str]] = []
    for path, tree in trees.items():
        aliases, parents = _aliases(tree), _parents(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.withitem)
                and isinstance(node.context_expr, ast.Call)
                and _qualified(node.context_expr.func, aliases) == "subprocess.Popen"
            ):
                findings.append((path, node.context_expr.lineno, "`with Popen(...)` waits without a timeout"))
            if not isinstance(node, ast.Call):
                continue
            name = _qualified(node.func, aliases)
            if name in RUNS_TO_THE_END | SPAWNS and not _has_timeout(node, parents):
                findings.append((path, node.lineno, f"{name}(...) without timeout="))
            elif name in NEVER_TIME_OUT:
                findings.append((path, node.lineno, f"{name}(...) cannot time out; use subprocess.run(..., timeout=)"))
            elif any(
                keyword.arg == "timeout" and isinstance(keyword.value, ast.Constant) and keyword.value.value is None
                for keyword in node.keywords
            ):
                findings.append((path, node.lineno, "timeout=None waits forever"))
            elif (
                isinstance(node.func, ast.Attribute)
                and node.func.attr in WAITS
                and len(node.args) < WAITS[node.func.attr]
                and not _has_timeout(node, parents)
                and (
                    _holder(node.func.value) in processes
                    or (
                        isinstance(node.func.value, ast.Call) and _qualified(node.func.value.func, aliases) in PROCESSES
                    )
                )
            ):
                findings.append((path, node.lineno, f"{ast.unparse(node.func)}() without a timeout"))
    return [f"{path}:{line}: {what}" for path, line, what in sorted(findings)]


def test_every_child_process_of_a_test_has_a_timeout():
    sources = {
        path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted((ROOT / "tests").rglob("*.py"))
    }
    findings = timeout_findings(sources)
    assert not findings, "\n".join(
        ["a test could wait forever (tests/processes.py gives commands a timeout):", *findings]
    )


@pytest.mark.parametrize(
    ("source", "finding"),
    [
        ("import subprocess\nsubprocess.run(['x'])", "planted.py:2: subprocess.run(...) without timeout="),
        ("from subprocess import check_output as co\nco(['x'])", "planted.py:2: subprocess.check_output(...) without"),
        ("import subprocess as sp\nsp.call(['x'], timeout=None)", "planted.py:2: subprocess.call(...) without"),
        ("import subprocess\np = subprocess.Popen(['x'])\np.wait()", "planted.py:3: p.wait() without a timeout"),
        ("import subprocess\nsubprocess.Popen(['x']).communicate()", "planted.py:2: subprocess.Popen(['x'])"),
        (
            "import subprocess\nps = [subprocess.Popen(['x']) for _ in range(2)]\nfor p in ps:\n    p.communicate(b'')",
            "planted.py:4: p.communicate() without a timeout",
        ),
        ("def f(process: 'subprocess.Popen'):\n    process.wait()", "planted.py:2: process.wait() without"),
        ("import subprocess\nwith subprocess.Popen(['x']) as p:\n    pass", "planted.py:2: `with Popen(...)`"),
        (
            "import pytest\npexpect = pytest.importorskip('pexpect')\nchild = pexpect.spawn('x')",
            "planted.py:3: pexpect.spawn(...) without timeout=",
        ),
        ("child.expect('done', timeout=None)", "planted.py:1: timeout=None waits forever"),
        ("import os\nos.system('x')", "planted.py:2: os.system(...) cannot time out"),
        (
            "import subprocess\ndef run(command, **options):\n    return subprocess.run(command, **options)",
            "planted.py:3: subprocess.run(...) without timeout=",
        ),
    ],
)
def test_the_timeout_check_finds_a_planted_offender(source, finding):
    [found] = timeout_findings({"planted.py": source})
    assert found.startswith(finding)


@pytest.mark.parametrize(
    "source",
    [
        "import subprocess\nsubprocess.run(['x'], timeout=5)",
        "import subprocess\np = subprocess.Popen(['x'])\np.wait(5)\np.communicate(None, 5)\np.wait(timeout=1)",
        "import threading\nevent = threading.Event()\nevent.wait()",  # not a process
        "from tests.processes import run\nrun(['x'])",  # the helper gives it a timeout
        "import subprocess\ndef run(c, **options):\n    options.setdefault('timeout', 9)\n"
        "    subprocess.run(c, **options)",
        "import subprocess\ndef run(c, **options):\n    options['timeout'] = 9\n    subprocess.run(c, **options)",
        "import subprocess\nsubprocess.run(['x'], **{'check': True, 'timeout': 5})",
        "import pexpect\nchild = pexpect.spawn('x', timeout=30)\nchild.expect('y')",
    ],
)
def test_the_timeout_check_accepts_bounded_waits(source):
    assert timeout_findings({"planted.py": source}) == []


def test_the_timeout_check_follows_a_process_from_one_file_to_another():
    sources = {
        "helper.py": "import subprocess\nclass Server:\n    def start(self):\n"
        "        self.process = subprocess.Popen(['x'])",
        "test_it.py": "def test(server):\n    server.process.wait()",
    }
    assert timeout_findings(sources) == ["test_it.py:2: server.process.wait() without a timeout"]
