"""The project tool: `kartwheel new`, `check`, `update` and `new-task`.

The top layer: it may import any other. Never bundled into a generated project, which runs pipelines
only; the installed package's `kartwheel` console script is `console.main`.
"""
