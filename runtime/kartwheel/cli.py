"""The command line: `kartwheel.run()` (luigi's command line, stricter) and the runner behind `kartwheel TASK`."""

from ._cli.main import main, run

__all__ = ["main", "run"]
