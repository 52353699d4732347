"""Layer 4, the task core: `TaskOnKart` (task.py) and what it is made of.

Parameters, the hash (hashing.py), targets of a task (targets.py), its run's lifecycle and logs, settings
and config (`add_config`), seeds, external input files, restores. May import the layers below.
"""
