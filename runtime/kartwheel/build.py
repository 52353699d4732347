"""`build` under the module name ported code imports it from (`from gokart.build import build, GokartBuildError`)."""

from ._run.build import GokartBuildError, build

__all__ = ["GokartBuildError", "build"]
