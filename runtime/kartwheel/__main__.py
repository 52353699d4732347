"""`python -m kartwheel`: the `kartwheel` console script (without the project tool in a bundled runtime)."""

import importlib.util
import sys

# A runtime bundled into a project leaves the project tool (`new`, `check`, ...) out; its runner is the same.
if importlib.util.find_spec(f"{__package__}._project") is not None:
    from ._project.console import main
else:
    from ._cli.main import main

sys.exit(main())
