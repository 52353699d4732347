"""The generated project's example notebook: valid, and executed from notebooks/ against the project's workspace."""

from __future__ import annotations

import pytest

from .conftest import Generate

pytestmark = pytest.mark.slow

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")


def test_the_example_notebook_builds_a_task_and_loads_it_from_the_project_workspace(generate: Generate) -> None:
    project = generate(project_name="explore")
    path = project / "notebooks" / "example.ipynb"
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)

    nbclient.NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()

    outputs = [
        "".join(
            output.get("text", "") or output.get("data", {}).get("text/plain", "") for output in cell.get("outputs", [])
        )
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]
    assert "'slope'" in outputs[1] and "'mse'" in outputs[1]
    assert outputs[2].startswith("resources/explore/model/pipeline/Fit_")
    assert not (project / "notebooks" / "resources").exists()
    assert list((project / "resources" / "explore" / "model" / "pipeline").glob("Score_*.pkl"))
