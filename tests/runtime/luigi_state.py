"""Putting luigi's process-wide configuration back as a test found it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from luigi.configuration.cfg_parser import LuigiConfigParser


@contextlib.contextmanager
def luigi_config_restored() -> Iterator[None]:
    """Start from luigi's default config files; afterwards, drop whatever was added."""
    from kartwheel import config

    paths = list(LuigiConfigParser._config_paths)

    def reset() -> None:
        LuigiConfigParser._config_paths[:] = paths
        config._toml_files.clear()
        LuigiConfigParser.instance().clear()
        LuigiConfigParser.reload()

    reset()
    try:
        yield
    finally:
        reset()
