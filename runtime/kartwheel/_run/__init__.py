"""Layer 5a, running: `build`, the scheduler factory and its hooks, the writer lock around a run, progress and
the verdict of a run. May import `_core` and below; never `_plan`, its sibling.
"""
