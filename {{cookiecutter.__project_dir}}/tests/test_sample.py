"""Tests of the sample task and the example pipeline, each building into a fresh workspace."""

import pickle
import shutil
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }} import kartwheel
from {{ cookiecutter.package_name }}.kartwheel.testing import run_task
from {{ cookiecutter.package_name }}.model.pipeline import (
    Fit,
    Measurements,
    Score,
    fit_line,
    mean_squared_error,
    read_points,
)
from {{ cookiecutter.package_name }}.model.sample import Sample
from {{ cookiecutter.package_name }}.settings import PROJECT_ROOT
from {{ cookiecutter.package_name }}.utils.template import ProjectFile


def test_the_pipeline_functions_compute_what_they_say(tmp_path: Path) -> None:
    csv_file = tmp_path / "points.csv"
    csv_file.write_text("x,y\n0,1\n1,3\n2,5\n", encoding="utf-8")
    points = read_points(str(csv_file))
    assert points == [(0.0, 1.0), (1.0, 3.0), (2.0, 5.0)]
    assert fit_line(points, ridge=0.0) == pytest.approx((2.0, 1.0))
    assert fit_line(points, ridge=2.0)[0] == pytest.approx(1.0)
    assert mean_squared_error(points, (2.0, 1.0)) == pytest.approx(0.0)


def test_sample_builds_its_output(workspace: Path) -> None:
    assert kartwheel.build(Sample()) == "sample output"
    [output] = (workspace / "{{ cookiecutter.package_name }}" / "model" / "sample").glob("Sample_*.pkl")
    with output.open("rb") as file:
        assert pickle.load(file) == "sample output"


def test_score_builds_the_whole_pipeline_from_the_raw_csv(workspace: Path) -> None:
    score = kartwheel.build(Score())
    expected = fit_line(read_points(str(PROJECT_ROOT / "data" / "raw" / "measurements.csv")), ridge=0.0)
    assert (score["slope"], score["intercept"]) == pytest.approx(expected)
    assert score["mse"] < 0.1


def test_a_changed_parameter_reruns_only_the_stages_that_depend_on_it(workspace: Path) -> None:
    assert run_task(Score()).ran_names() == ["Measurements", "Fit", "Score"]
    assert run_task(Score(model=Fit(ridge=5.0))).ran_names() == ["Fit", "Score"]
    outputs = workspace / "{{ cookiecutter.package_name }}" / "model" / "pipeline"
    assert len(list(outputs.glob("Measurements_*.pkl"))) == 1
    assert len(list(outputs.glob("Fit_*.pkl"))) == 2
    assert len(list(outputs.glob("Score_*.pkl"))) == 2


def test_an_edited_raw_file_reruns_what_reads_it(workspace: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw.csv"
    shutil.copy(PROJECT_ROOT / "data" / "raw" / "measurements.csv", raw)
    data = Measurements(source=ProjectFile(path="raw.csv", base_directory=str(tmp_path)))
    before = kartwheel.build(Fit(data=data))
    raw.write_text("x,y\n0,0\n1,1\n", encoding="utf-8")
    data = Measurements(source=ProjectFile(path="raw.csv", base_directory=str(tmp_path)))
    assert kartwheel.build(Fit(data=data)) == pytest.approx((1.0, 0.0))
    assert before != pytest.approx((1.0, 0.0))
