"""Helpers shared by the project's tasks."""
