"""Values computed once per class, such as the parameter lists luigi would otherwise rebuild per task."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["per_class"]


def per_class(cls: type, name: str, compute: Callable[[], Any]) -> Any:
    """A value computed once for `cls` itself (kept in its own __dict__, so subclasses compute theirs)."""
    cached = cls.__dict__.get(name)
    if cached is None:
        cached = compute()
        setattr(cls, name, cached)
    return cached
