"""`assert_frame_contents_equal`: two DataFrames hold the same rows and columns, in any order."""

from __future__ import annotations

from typing import Any

from .._targets.file_format import require

__all__ = ["assert_frame_contents_equal"]


def _fail_unless(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def assert_frame_contents_equal(actual: Any, expected: Any, **kwargs: Any) -> None:
    """Like `pandas.testing.assert_frame_equal` (which gets `kwargs`, e.g. `atol=0.1`), but ignoring the order
    of rows and columns; duplicated index values or column names fail, since they make the match ambiguous."""
    pd = require("pandas", "pandas", "assert_frame_contents_equal")
    _fail_unless(isinstance(actual, pd.DataFrame), f"actual is a {type(actual).__name__}, not a DataFrame")
    _fail_unless(isinstance(expected, pd.DataFrame), f"expected is a {type(expected).__name__}, not a DataFrame")
    for name, frame in (("actual", actual), ("expected", expected)):
        _fail_unless(frame.index.is_unique, f"{name} has duplicated index values")
        _fail_unless(frame.columns.is_unique, f"{name} has duplicated column names")
    _fail_unless(
        set(actual.columns) == set(expected.columns),
        f"columns differ: only in actual {sorted(set(actual.columns) - set(expected.columns), key=str)}, "
        f"only in expected {sorted(set(expected.columns) - set(actual.columns), key=str)}",
    )
    _fail_unless(
        set(actual.index) == set(expected.index),
        f"indexes differ: only in actual {sorted(set(actual.index) - set(expected.index), key=str)}, "
        f"only in expected {sorted(set(expected.index) - set(actual.index), key=str)}",
    )
    pd.testing.assert_frame_equal(actual, expected.reindex(actual.index)[actual.columns], **kwargs)
