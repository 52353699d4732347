"""Tests of the sample task and the example pipeline, each building into a fresh temporary workspace."""

import pickle
from collections.abc import Iterator
from pathlib import Path

import kartwheel
import pytest
from kartwheel.testing import isolated_workspace, run_task

from {{ cookiecutter.package_name }}.model.pipeline import (
    Numbers,
    Summary,
    make_numbers,
    scale,
    summarize,
)
from {{ cookiecutter.package_name }}.model.sample import Sample


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Path]:
    """Run the test in a fresh folder with a fresh configuration; outputs go to its ./resources."""
    with isolated_workspace(tmp_path) as resources:
        yield resources


def test_the_pipeline_functions_compute_what_they_say() -> None:
    assert make_numbers(3) == [0, 1, 2]
    assert scale([1, 2], 1.5) == [1.5, 3.0]
    assert summarize([1.0, 3.0]) == {"count": 2, "total": 4.0, "mean": 2.0}
    assert summarize([]) == {"count": 0, "total": 0, "mean": 0.0}


def test_sample_builds_its_output(workspace: Path) -> None:
    assert run_task(Sample()).output == "sample output"
    [output] = (workspace / "{{ cookiecutter.package_name }}" / "model" / "sample").glob("Sample_*.pkl")
    with output.open("rb") as file:
        assert pickle.load(file) == "sample output"


def test_summary_builds_the_whole_pipeline(workspace: Path) -> None:
    assert kartwheel.build(Summary(size=4, factor=0.5)) == {"count": 4, "total": 3.0, "mean": 0.75}


def test_a_changed_parameter_reruns_only_the_stages_that_depend_on_it(workspace: Path) -> None:
    assert sorted(run_task(Summary(size=4, factor=2.0)).ran_names()) == ["Numbers", "Scaled", "Summary"]
    assert sorted(run_task(Summary(size=4, factor=3.0)).ran_names()) == ["Scaled", "Summary"]
    outputs = workspace / "{{ cookiecutter.package_name }}" / "model" / "pipeline"
    assert len(list(outputs.glob("Numbers_*.pkl"))) == 1
    assert len(list(outputs.glob("Scaled_*.pkl"))) == 2
    assert len(list(outputs.glob("Summary_*.pkl"))) == 2
    assert Numbers(size=4).complete()
