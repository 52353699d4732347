"""The project's tasks, one module per stage of the pipeline."""
