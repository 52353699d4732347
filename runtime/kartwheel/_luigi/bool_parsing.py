"""How luigi's command line takes a bool: one explicit value, or a bare flag."""

from __future__ import annotations

from typing import Any

import luigi

from .names import requires_attribute

__all__ = ["ExplicitValueParsing", "FlagParsing"]

requires_attribute(luigi.Parameter, "_parser_kwargs")
requires_attribute(luigi.BoolParameter, "_parser_kwargs")


class ExplicitValueParsing(luigi.BoolParameter):
    """A bool option that needs its value (`--flag true`): a bare `--flag` is an argparse error."""

    def _parser_kwargs(self, *args: Any, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]  # as luigi's BoolParameter
        return luigi.Parameter._parser_kwargs(*args, **kwargs)


class FlagParsing(luigi.BoolParameter):
    """A bool option that a bare `--flag` sets (`--flag false` too), as luigi's own BoolParameter."""

    def _parser_kwargs(self, *args: Any, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]  # as luigi's BoolParameter
        return luigi.BoolParameter._parser_kwargs(self, *args, **kwargs)
