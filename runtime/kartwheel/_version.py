"""The runtime's version, read by the build and recorded in generated projects."""

__version__ = "0.3.0"
