"""A deterministic random seed per task, applied to `random` and, when installed, numpy or torch."""

from __future__ import annotations

import functools
import importlib
import importlib.util
from collections.abc import Callable, Iterable

__all__ = ["DEFAULT_SEED_METHODS", "apply_seed", "import_seed_methods", "seed_from_unique_id"]

DEFAULT_SEED_METHODS = ("random.seed", "numpy.random.seed")


def seed_from_unique_id(unique_id: str) -> int:
    """A 32-bit seed derived from the task's hash: the same task always draws the same numbers."""
    return int(unique_id[:8], 16)


@functools.cache
def _resolve(method: str) -> Callable[[int], object] | None:
    """The function a name like 'numpy.random.seed' refers to, or None when its library is absent."""
    module_name, _, attribute = method.rpartition(".")
    if not module_name:
        raise ValueError(f"a seed method is 'module.function', like 'random.seed'; got {method!r}")
    try:
        if importlib.util.find_spec(module_name.split(".")[0]) is None:
            return None
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    function = getattr(module, attribute, None)
    if not callable(function):
        raise ValueError(f"seed method {method!r}: {module_name} has no function {attribute!r}")
    return function


def import_seed_methods(methods: Iterable[str]) -> None:
    """Import the seed methods' libraries now, e.g. before forking, so each task process need not."""
    for method in methods:
        _resolve(method)


def apply_seed(seed: int, methods: Iterable[str]) -> list[str]:
    """Call every available seed method with `seed`; returns the ones applied, for the log."""
    applied = []
    for method in methods:
        function = _resolve(method)
        if function is not None:
            function(seed)
            applied.append(method)
    return applied
