"""Layer 6, the command line: `kartwheel.run()` (luigi's command line, stricter), kartwheel's own options
(`--plan`, `--graph`, progress), the actions that replace a run, and the task list. May import every layer
below; never the project tool.
"""
