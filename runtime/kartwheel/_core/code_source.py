"""The code of a task class: its source for `serialized_task_definition_check`, its fingerprint for code changes.

A task class's code fingerprint: its own methods and the user's code they reach, normalised.

Starting from the methods a task class defines (and those of its user-written base classes), every
name a code object uses (`co_names`, its globals, its closure cells, the code objects nested in its
constants) is resolved, and each function, method, class, `functools.partial` or plain constant it
leads to is added in turn, as long as it is the user's code: the standard library, installed packages
and kartwheel itself (a bundled `<package>.kartwheel` too) end the walk. A function is fingerprinted by
`ast.dump` of its parsed source, docstrings removed, so comments, blank lines, docstrings and formatting
change nothing; a function without source (defined by `exec` or in a notebook cell whose source is gone)
by its bytecode and constants. Computed once per class until the configuration is reloaded.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import inspect
import os
import sys
import sysconfig
import textwrap
import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import luigi

from ..errors import KartwheelError
from .hashing import generation

__all__ = ["Fingerprint", "class_fingerprint", "class_sources", "forget_fingerprints"]


def class_sources(task_class: type) -> list[str]:
    """The source of each method of `task_class`'s hierarchy that is not kartwheel's or luigi's own.

    Read through each function's code object, which knows its exact lines (a class's own source is
    found by name, and a class defined twice under one name would give the first one's).
    """
    sources = []
    for klass in task_class.__mro__:
        module = getattr(klass, "__module__", "")
        if module.split(".")[0] in ("kartwheel", "luigi", "builtins", "typing", "abc"):
            continue
        for name, member in sorted(vars(klass).items()):
            function = _function_of(member)
            if function is None:
                continue
            try:
                sources.append(f"{klass.__qualname__}.{name}:{inspect.getsource(function)}")
            except (OSError, TypeError) as exc:
                raise KartwheelError(
                    f"serialized_task_definition_check needs the source of {klass.__qualname__}.{name} "
                    f"(module {module}), which Python cannot find ({exc}); define the class in a .py file, "
                    "or set serialized_task_definition_check=False"
                ) from None
    return sources


def _function_of(member: Any) -> Any:
    """The Python function behind a method, classmethod, staticmethod or property, else None."""
    if isinstance(member, (classmethod, staticmethod)):
        member = member.__func__
    elif isinstance(member, property):
        member = member.fget
    member = inspect.unwrap(member) if callable(member) else member
    return member if inspect.isfunction(member) else None


_RUNTIME_DIRECTORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_PLAIN = (int, float, complex, str, bytes, bool, type(None))
_KEPT = ("_kartwheel", "_namespace_at_class_time", "_visible_in_registry")  # set on classes by kartwheel, luigi
_MAX_ITEMS = 2000  # a walk that reaches this many items of user code stops there


@dataclass(frozen=True)
class Fingerprint:
    """One digest for a task class, and a digest per item of code (`fit_line (model/pipeline.py)`)."""

    digest: str
    items: dict[str, str]


_cache: dict[type, tuple[int, Fingerprint]] = {}


def forget_fingerprints() -> None:
    """Compute every fingerprint again on next use (the code may have been reloaded)."""
    _cache.clear()


def class_fingerprint(task_class: type) -> Fingerprint:
    """The fingerprint of `task_class`'s code and the user's code it reaches, once per class and build
    (a module reloaded between builds, as in a notebook, is seen by the next one)."""
    current = generation()
    found = _cache.get(task_class)
    if found is None or found[0] != current:
        found = _cache[task_class] = (current, _compute(task_class))
    return found[1]


@functools.cache
def _excluded_directories() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    directories = {paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths}
    directories.update(p for p in sys.path if p.rstrip(os.sep).endswith(("site-packages", "dist-packages")))
    directories.add(_RUNTIME_DIRECTORY)
    return tuple(os.path.join(os.path.abspath(d), "") for d in directories if d)


def _is_user_file(filename: str | None) -> bool:
    """Whether code from `filename` is the user's: not the standard library, an installed package or kartwheel."""
    if not filename:
        return True  # no file: exec, a notebook
    if filename.startswith("<"):
        return not filename.startswith("<frozen")
    path = os.path.abspath(filename)
    if os.sep + "site-packages" + os.sep in path or os.sep + "dist-packages" + os.sep in path:
        return False
    return not path.startswith(_excluded_directories())


def _is_user_module(module_name: str | None) -> bool:
    if not module_name:
        return True  # code made by exec() in a namespace of its own: the user's (its file says the rest)
    if module_name == "builtins":
        return False
    parts = module_name.split(".")
    if parts[0] in sys.stdlib_module_names or "kartwheel" in parts or parts[0] == "luigi":
        return False
    module = sys.modules.get(module_name)
    if module is None:
        return True  # a module made by exec or a notebook
    return _is_user_file(getattr(module, "__file__", None))


def _place(module_name: str | None, filename: str | None) -> str:
    """Where an item lives, as in `model/pipeline.py`."""
    if filename and not filename.startswith("<") and module_name and module_name != "__main__":
        base = os.path.basename(filename)
        parts = module_name.split(".")
        return "/".join([*parts[:-1], base]) if base == "__init__.py" or len(parts) > 1 else base
    return filename or module_name or "?"


def _strip_docstrings(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
            body = node.body
            first = body[0] if body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                node.body = body[1:] or [ast.Pass()]
    return tree


def _normalised_source(function: types.FunctionType) -> str | None:
    """`ast.dump` of the function's source without docstrings, or None when its source cannot be read."""
    if function.__name__ == "<lambda>":
        return None  # several lambdas may share a line: their bytecode tells them apart
    try:
        source = textwrap.dedent(inspect.getsource(function))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None
    return ast.dump(_strip_docstrings(tree))


def _code_text(code: types.CodeType) -> str:
    """Bytecode, names and constants of a code object (nested code objects included); no line numbers."""
    consts = []
    for index, const in enumerate(code.co_consts):
        if isinstance(const, types.CodeType):
            consts.append(_code_text(const))
        elif index == 0 and isinstance(const, str) and code.co_flags & inspect.CO_NEWLOCALS:
            consts.append("")  # a docstring, or a first string constant: either way not kept apart
        else:
            consts.append(repr(const))
    return f"{code.co_code.hex()}|{code.co_names}|{code.co_varnames}|{code.co_freevars}|{consts}"


def _codes(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _codes(const)


def _plain_repr(value: Any) -> str | None:
    """A constant's repr when it is plain data (numbers, strings, and containers of them), else None.

    Immutable exact types only: a list, dict or Counter kept at module level may be state, not code.
    """
    if type(value) in _PLAIN:
        return repr(value)
    if type(value) in (tuple, frozenset):
        found = [_plain_repr(item) for item in value]
        parts = [part for part in found if part is not None]
        if len(parts) != len(found):
            return None
        return f"{type(value).__name__}({sorted(parts) if isinstance(value, frozenset) else parts})"
    return None


class _Walk:
    """One fingerprint walk: the items found, by name, and the objects still to visit."""

    def __init__(self, root: type | None = None) -> None:
        self.root = root
        self.items: dict[str, str] = {}
        self.seen: set[int] = set()
        self.pending: list[tuple[Any, dict[str, Any] | None]] = []

    def add(self, value: Any, owner_names: dict[str, Any] | None = None) -> None:
        if id(value) not in self.seen:
            self.pending.append((value, owner_names))

    def run(self) -> None:
        while self.pending and len(self.items) < _MAX_ITEMS:
            value, _ = self.pending.pop()
            if id(value) in self.seen:
                continue
            self.seen.add(id(value))
            self._visit(value)

    def _visit(self, value: Any) -> None:
        if isinstance(value, functools.partial):
            self.add(value.func)
            for argument in (*value.args, *value.keywords.values()):
                self.add(argument)
            return
        if isinstance(value, (classmethod, staticmethod)):
            self.add(value.__func__)
            return
        if isinstance(value, property):
            for accessor in (value.fget, value.fset, value.fdel):
                if accessor is not None:
                    self.add(accessor)
            return
        if isinstance(value, types.MethodType):
            self.add(value.__func__)
            return
        if isinstance(value, types.FunctionType):
            self._function(inspect.unwrap(value))
        elif isinstance(value, type):
            self._class(value)

    def _function(self, function: types.FunctionType) -> None:
        code = function.__code__
        if not _is_user_file(code.co_filename) or not _is_user_module(getattr(function, "__module__", None)):
            return
        name = f"{function.__qualname__} ({_place(function.__module__, code.co_filename)})"
        normalised = _normalised_source(function)
        text = normalised if normalised is not None else _code_text(code)
        defaults = [_plain_repr(default) for default in function.__defaults__ or ()]
        self.items[name] = _digest(f"{text}|{defaults}")
        globals_ = function.__globals__
        names: set[str] = set()
        for nested in _codes(code):
            names.update(nested.co_names)
        modules = []
        for used in sorted(names):
            if used in globals_:
                target = globals_[used]
                if isinstance(target, types.ModuleType):
                    modules.append(target)
                else:
                    self._reference(f"{used} ({_place(function.__module__, code.co_filename)})", target)
        for module in modules:  # `pipeline.fit_line(...)`: the attributes read from a module of the user's
            if _is_user_module(module.__name__):
                for used in sorted(names):
                    if used in vars(module):
                        self._reference(
                            f"{used} ({_place(module.__name__, getattr(module, '__file__', None))})", vars(module)[used]
                        )
        for cell in function.__closure__ or ():
            try:
                contents = cell.cell_contents
            except ValueError:
                continue
            plain = _plain_repr(contents)
            if plain is not None:
                self.items[f"{function.__qualname__} closure"] = _digest(
                    self.items.get(f"{function.__qualname__} closure", "") + plain
                )
            else:
                self.add(contents)

    def _reference(self, name: str, target: Any) -> None:
        """A global a function uses: plain data counts by value, code is walked."""
        plain = _plain_repr(target)
        if plain is None and isinstance(target, functools.partial):
            arguments = [*target.args, *sorted(target.keywords.items())]
            plain = f"partial{[_plain_repr(argument) for argument in arguments]}"
        if plain is not None:
            self.items[name] = _digest(plain)
        if plain is None or isinstance(target, functools.partial):
            self.add(target)

    def _class(self, klass: type) -> None:
        if not _is_user_module(klass.__module__):
            return
        if self.root is not None and _is_task_class(klass) and klass not in self.root.__mro__:
            return  # another task: its code is its own, and reaches this one through its output
        place = _place(klass.__module__, getattr(sys.modules.get(klass.__module__), "__file__", None))
        for base in klass.__mro__[1:]:
            self.add(base)
        for attribute, member in sorted(vars(klass).items()):
            if attribute.startswith("__") and attribute.endswith("__") and attribute not in ("__init__", "__call__"):
                continue
            if isinstance(member, luigi.Parameter) or attribute == "code_changes" or attribute.startswith(_KEPT):
                continue  # parameters are in the hash; the policy is no code; caches kartwheel and luigi keep
            plain = _plain_repr(member)
            if plain is not None:
                self.items[f"{klass.__qualname__}.{attribute} ({place})"] = _digest(plain)
            else:
                self.add(member)


def _is_task_class(klass: type) -> bool:
    return callable(getattr(klass, "__kart_is_wrapper__", None))


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def _compute(task_class: type) -> Fingerprint:
    walk = _Walk(task_class)
    walk.add(task_class)
    walk.run()
    items = dict(sorted(walk.items.items()))
    return Fingerprint(_digest(repr(items)), items)
