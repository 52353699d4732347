"""`python -m kartwheel`: the same as the `kartwheel` console script."""

import sys

from .cli import main

sys.exit(main())
