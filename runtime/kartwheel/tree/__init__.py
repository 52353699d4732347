"""What a task graph looks like: its tasks' states, hashes, parameters and logs, as a tree or a table."""
