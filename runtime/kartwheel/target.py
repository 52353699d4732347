"""Targets under the module name ported code imports them from (`from gokart.target import ...`)."""

from ._targets.model import LargeDataFrameProcessor, ModelFormat, make_model_target
from ._targets.target import (
    KartTarget,
    ModelTarget,
    SingleFileTarget,
    TargetOnKart,
    TargetPath,
    load_targets,
    make_target,
)

__all__ = [
    "KartTarget",
    "LargeDataFrameProcessor",
    "ModelFormat",
    "ModelTarget",
    "SingleFileTarget",
    "TargetOnKart",
    "TargetPath",
    "load_targets",
    "make_model_target",
    "make_target",
]
