"""`PandasTypeConfig` under gokart's module name (`gokart.pandas_type_config`)."""

from ._core.pandas_types import PandasTypeConfig
from .errors import PandasTypeError

__all__ = ["PandasTypeConfig", "PandasTypeError"]
