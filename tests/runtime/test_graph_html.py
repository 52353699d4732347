"""The HTML picture of a plan, opened from file:// in a real headless Chromium with the network refused."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import kartwheel
import luigi
import pytest
from kartwheel._plan.graph_html import layout, render_html
from kartwheel._plan.plan import make_plan

LAYERS, WIDTH = 40, 50  # 2 000 tasks


class GraphNode(kartwheel.TaskOnKart[int]):
    index = luigi.IntParameter()
    parts = kartwheel.ListTaskInstanceParameter(default=[])

    def run(self) -> None:
        self.dump(self.index)


def layered_graph(workspace: str) -> GraphNode:
    """LAYERS layers of WIDTH tasks, each needing two tasks of the layer before; one root on top."""
    layer = [GraphNode(index=i, workspace_directory=workspace) for i in range(WIDTH)]
    for depth in range(1, LAYERS):
        layer = [
            GraphNode(
                index=depth * WIDTH + i, parts=[layer[i], layer[(i * 7 + 3) % WIDTH]], workspace_directory=workspace
            )
            for i in range(WIDTH)
        ]
    return GraphNode(index=-1, parts=layer, workspace_directory=workspace)


def _browser_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture
def page() -> Iterator[object]:
    """A page of a headless Chromium: Debian's (what .ci/run installs), else one Playwright installed."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')"
    )
    with sync_api.sync_playwright() as playwright:
        executable = _browser_path()
        try:
            browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        except sync_api.Error as exc:
            pytest.skip(f"no Chromium could be started ({executable or 'none on PATH'}): {str(exc).splitlines()[0]}")
        try:
            yield browser.new_page(viewport={"width": 1200, "height": 800})
        finally:
            browser.close()


def test_layout_puts_requirements_left_of_the_tasks_that_need_them(workspace):
    plan = make_plan(layered_graph(workspace))
    layers, rows = layout(plan)
    position = {task_id: index for index, task_id in enumerate(plan.tasks)}
    for index, task in enumerate(plan.tasks.values()):
        assert all(layers[position[dep]] < layers[index] for dep in task.requires)
    assert max(layers) == LAYERS
    taken = {(layers[i], rows[i]) for i in range(len(rows))}
    assert len(taken) == len(rows), "no two tasks share a place"


@pytest.mark.slow
def test_the_page_opens_offline_shows_every_task_and_details_on_click(workspace, tmp_path, page):
    plan = make_plan(layered_graph(workspace))
    assert len(plan.tasks) == LAYERS * WIDTH + 1
    html_file = tmp_path / "pipeline.html"
    html_file.write_text(render_html(plan, title="Graph <test>"), encoding="utf-8")

    requested, errors = [], []
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("file://")
            else (requested.append(route.request.url), route.abort())
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(html_file.as_uri())

    assert errors == [] and requested == [], "the page loads nothing from the network and raises nothing"
    assert page.title() == "Graph <test>"
    shown = page.eval_on_selector_all("g.task", "groups => groups.map(g => g.dataset.taskId)")
    assert sorted(shown) == sorted(plan.tasks)
    assert page.locator(".edge").count() == sum(len(task.requires) for task in plan.tasks.values())

    root = plan.tasks[plan.roots[0]]
    page.locator(f'g.task[data-task-id="{root.task_id}"]').click(force=True)
    assert page.locator("#selected").inner_text() == "GraphNode"
    assert page.locator("#reason").inner_text() == "new"
    details = page.locator("#details").inner_text()
    assert "index = -1" in details and root.outputs[0] in details and root.task_id in details

    before = page.get_attribute("#world", "transform")
    page.mouse.move(600, 400)
    page.mouse.wheel(0, -300)
    assert page.get_attribute("#world", "transform") != before, "the wheel zooms"
    assert "will run: 2001" in page.locator("#legend").inner_text()


def test_the_page_escapes_what_it_embeds(workspace):
    plan = make_plan(GraphNode(index=1, workspace_directory=workspace + "/</script><b>"))
    text = render_html(plan)
    assert "</script><b>" not in text
    assert "\\u003c/script\\u003e\\u003cb\\u003e" in text
