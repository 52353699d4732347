"""Helpers for testing pipelines (importable as gokart's `testing` module is)."""

from .pandas_assert import assert_frame_contents_equal

__all__ = ["assert_frame_contents_equal"]
