"""Helpers for testing pipelines (importable as gokart's `testing` module is)."""

from .check_if_run_with_empty_data_frame import test_run, try_to_run_test_for_empty_data_frame
from .pandas_assert import assert_frame_contents_equal

__all__ = ["assert_frame_contents_equal", "test_run", "try_to_run_test_for_empty_data_frame"]
