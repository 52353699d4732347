"""`inherits_config_params` under gokart's module name (`gokart.config_params`)."""

from ._core.config_params import inherits_config_params

__all__ = ["inherits_config_params"]
