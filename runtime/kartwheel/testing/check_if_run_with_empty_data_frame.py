"""`--test-run-pandas` (gokart's `test_run`) under gokart's module name; the command line runs it."""

from .._cli.empty_data_frame import test_run, try_to_run_test_for_empty_data_frame

__all__ = ["test_run", "try_to_run_test_for_empty_data_frame"]
