"""Layer 5b, planning and seeing: the plan of a build (what would run and why), earlier runs, and the views of
a graph (tree, JSON, dot, Mermaid, HTML, task information). May import `_core` and below; never `_run`,
its sibling.
"""
