"""`per_class`, kept importable here for the modules that import it from this path; it lives in `_luigi`."""

from ._luigi.per_class import per_class

__all__ = ["per_class"]
