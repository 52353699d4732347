"""A three-stage example pipeline: make numbers, scale them, summarise them.

Each stage writes its output once, to a file named by a hash of its parameters. Run the last stage and
luigi runs the stages it needs; run it again and nothing reruns. Change a parameter and only the stages
that depend on it run again:

    python main.py {{ cookiecutter.package_name }}.Summary --local-scheduler
    python main.py {{ cookiecutter.package_name }}.Summary --local-scheduler --factor 3

The second command reuses the cached Numbers and reruns Scaled and Summary.
"""

import luigi

from {{ cookiecutter.package_name }}.utils.template import ProjectTask


def make_numbers(size: int) -> list[int]:
    """Return the integers 0 .. size-1: a stand-in for loading a data set."""
    return list(range(size))


def scale(values: list[int], factor: float) -> list[float]:
    """Multiply every value by factor: a stand-in for a feature transformation."""
    return [value * factor for value in values]


def summarize(values: list[float]) -> dict[str, float]:
    """Return the count, total and mean of values: a stand-in for an evaluation."""
    total = sum(values)
    return {"count": len(values), "total": total, "mean": total / len(values) if values else 0.0}


class Numbers(ProjectTask):
    """Stage 1: the raw data."""

    size = luigi.IntParameter(default=10)

    def run(self) -> None:
        """Write the numbers."""
        self.dump(make_numbers(self.size))


class Scaled(ProjectTask):
    """Stage 2: the numbers multiplied by factor."""

    size = luigi.IntParameter(default=10)
    factor = luigi.FloatParameter(default=2.0)

    def requires(self) -> Numbers:
        """Depend on the numbers of the same size."""
        return Numbers(size=self.size)

    def run(self) -> None:
        """Scale what Numbers wrote."""
        self.dump(scale(self.load(), self.factor))


class Summary(ProjectTask):
    """Stage 3: a summary of the scaled numbers."""

    size = luigi.IntParameter(default=10)
    factor = luigi.FloatParameter(default=2.0)

    def requires(self) -> Scaled:
        """Depend on the scaled numbers with the same parameters."""
        return Scaled(size=self.size, factor=self.factor)

    def run(self) -> None:
        """Summarise what Scaled wrote."""
        self.dump(summarize(self.load()))
