"""The example pipeline: read a raw CSV, fit a line to it, score the fit.

    ProjectFile(data/raw/measurements.csv) -> Measurements -> Fit -> Score

Each task is given the tasks it reads as TaskInstanceParameters and declares only its own parameters:
`ridge` lives on Fit alone, yet reaches it from the command line or conf/param.ini through Score:

    python main.py {{ cookiecutter.package_name }}.Score --local-scheduler
    python main.py {{ cookiecutter.package_name }}.Score --local-scheduler --{{ cookiecutter.package_name }}.Fit-ridge 1.0

The second command reuses Measurements and reruns Fit and Score. Edit data/raw/measurements.csv and the
next run reruns all three: the file's content is part of the hash of every task that reads it.
"""

import csv

import luigi

from {{ cookiecutter.package_name }} import kartwheel
from {{ cookiecutter.package_name }}.utils.template import ProjectFile, ProjectTask

Points = list[tuple[float, float]]


def read_points(path: str) -> Points:
    """Read the x,y columns of a CSV file."""
    with open(path, newline="", encoding="utf-8") as file:
        return [(float(row["x"]), float(row["y"])) for row in csv.DictReader(file)]


def fit_line(points: Points, ridge: float) -> tuple[float, float]:
    """Least-squares slope and intercept; ridge > 0 shrinks the slope towards 0."""
    count = len(points)
    mean_x = sum(x for x, _ in points) / count
    mean_y = sum(y for _, y in points) / count
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in points)
    variance = sum((x - mean_x) ** 2 for x, _ in points)
    slope = covariance / (variance + ridge)
    return slope, mean_y - slope * mean_x


def mean_squared_error(points: Points, line: tuple[float, float]) -> float:
    """The mean squared distance between the points and the line."""
    slope, intercept = line
    return sum((y - (slope * x + intercept)) ** 2 for x, y in points) / len(points)


class Measurements(ProjectTask[Points]):
    """The raw CSV parsed into (x, y) points."""

    source = kartwheel.TaskInstanceParameter(default=ProjectFile(path="data/raw/measurements.csv"))

    def run(self) -> None:
        """Parse the file."""
        self.dump(read_points(self.input()["source"].path))


class Fit(ProjectTask[tuple[float, float]]):
    """A line fitted to the points."""

    data = kartwheel.TaskInstanceParameter(default=Measurements())
    ridge = luigi.FloatParameter(default=0.0)

    def run(self) -> None:
        """Fit the line."""
        self.dump(fit_line(self.load(self.data), self.ridge))


class Score(ProjectTask[dict[str, float]]):
    """The fitted line and its error on the points."""

    data = kartwheel.TaskInstanceParameter(default=Measurements())
    model = kartwheel.TaskInstanceParameter(default=Fit())

    def run(self) -> None:
        """Score the line."""
        line = self.load(self.model)
        error = mean_squared_error(self.load(self.data), line)
        self.dump({"slope": line[0], "intercept": line[1], "mse": error})
