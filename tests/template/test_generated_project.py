"""Generated projects, over many answer combinations: complete, correctly escaped, lint-clean and working."""

from __future__ import annotations

import ast
import configparser
import pickle
import re
from pathlib import Path

import pytest
import yaml
from cookiecutter.main import cookiecutter

from tests.processes import run_project, run_python

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from tests.runtime.loggers import logger_calls

from .conftest import Generate
from .helpers import (
    LICENSE_TEXTS,
    REPO,
    RUNTIME,
    expected_files,
    load_hook,
    project_files,
    rendered_answers,
    unescape_markdown,
)

TRICKY_AUTHOR = 'José "Pepe" O\'Brien \\ 李'
TRICKY_DESCRIPTION = "Says \"hi\" \\ to <b>*bold*</b> _x_ `code` # | ~ & [link](x) 'quoted' 😀"

CASES = {
    "defaults": {},
    "nlp100": {"project_name": "nlp100", "package_name": "gokart_nlp100"},
    "apache-py3.10": {"license": "Apache-2.0", "python_version": "3.10"},
    "bsd-py3.13.1": {"license": "BSD-3-Clause", "python_version": "3.13.1"},
    "gpl-py3.14": {"license": "GPL-3.0-only", "python_version": "3.14"},
    "proprietary-py3.11": {"license": "Proprietary", "python_version": "3.11"},
    "dashed-name": {"project_name": "my-ml-project"},
    "spaced-name": {"project_name": "My ML Project"},
    "unicode-name": {"project_name": "データ-pipeline", "package_name": "data_pipeline"},
    "apostrophe-name": {"project_name": "Pepe's pipeline", "package_name": "pepes_pipeline"},
    "quoted-unicode-author": {"author": TRICKY_AUTHOR, "package_description": TRICKY_DESCRIPTION},
    "astral-author-empty-description": {"author": "Zoë 😀 𠮷", "package_description": ""},
    "jinja-in-answers": {
        "project_name": "braces",
        "author": "{{ cookiecutter.project_name }} team",
        "package_description": "{{ '{{' }}literal{{ '}}' }} braces {% raw %}{% and %}{% endraw %}",
    },
}
TEXT_ANSWERS = ("project_name", "package_name", "author", "package_description")


def case_ids() -> list[str]:
    return list(CASES)


@pytest.fixture(scope="module", params=case_ids())
def case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """Generate the project of one answer combination once; the tests using it only read it.

    Returns the project with the answers as cookiecutter rendered them.
    """
    given = CASES[request.param]
    home = tmp_path_factory.mktemp("home")
    config = home / "config.yaml"
    config.write_text(f"replay_dir: '{home / 'replay'}'\ncookiecutters_dir: '{home / 'clones'}'\n", encoding="utf-8")
    output_dir = tmp_path_factory.mktemp("out")
    project = cookiecutter(
        str(REPO), no_input=True, extra_context=given, output_dir=str(output_dir), config_file=str(config)
    )
    return Path(project), rendered_answers(given)


def template_made_files(project: Path) -> list[Path]:
    """Return the files rendered from the template (not the bundled runtime, not the license text)."""
    return [
        path
        for path in project.rglob("*")
        if path.is_file()
        and "kartwheel" not in path.relative_to(project).parts[1:2]
        and path.name not in ("LICENSE", ".kartwheel-base.json")  # the base holds the rendered files again
    ]


def test_jinja_in_answers_is_rendered_once_like_cookiecutter_does() -> None:
    answers = rendered_answers(CASES["jinja-in-answers"])
    assert answers["author"] == "braces team"
    assert answers["package_description"] == "{{literal}} braces {% and %}"


def test_the_project_has_exactly_the_expected_files_and_no_template_markup(
    case: tuple[Path, dict[str, object]],
) -> None:
    project, answers = case
    assert project.name == answers["project_name"]
    assert project_files(project) == expected_files(answers)
    for path in template_made_files(project):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".md":
            text = unescape_markdown(text)
        for value in sorted((str(answers[key]) for key in TEXT_ANSWERS), key=len, reverse=True):
            text = text.replace(value, "")
        text = text.replace("${{ matrix.python-version }}", "")  # GitHub Actions' own expression syntax
        assert not re.search(r"\{\{|\}\}|\{%|%\}|\{#", text), path


def test_every_python_file_compiles_and_the_docstring_carries_the_description(
    case: tuple[Path, dict[str, object]],
) -> None:
    project, answers = case
    for path in project.rglob("*.py"):
        compile(path.read_bytes(), str(path), "exec")
    module = ast.parse((project / str(answers["package_name"]) / "__init__.py").read_text(encoding="utf-8"))
    description = str(answers["package_description"]) or str(answers["package_name"])
    assert ast.get_docstring(module, clean=False) == description


def test_pyproject_parses_and_carries_the_answers(case: tuple[Path, dict[str, object]]) -> None:
    project, answers = case
    data = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    meta = data["project"]
    assert meta["name"] == str(answers["package_name"]).replace("_", "-")
    assert meta["description"] == answers["package_description"]
    assert meta["authors"] == [{"name": answers["author"]}]
    assert meta["requires-python"] == ">=3.10"  # what the code runs on; python_version is for CI and Docker
    assert [dep.split(">")[0] for dep in meta["dependencies"]] == ["luigi", "cloudpickle"]
    runtime_dependencies = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "dependencies"
    ]
    for dependency in meta["dependencies"]:  # the bundled runtime's own requirements, to the letter
        assert dependency in runtime_dependencies
    assert {dep.split(">")[0] for dep in meta["optional-dependencies"]["dev"]} == {"pytest", "ruff"}
    assert data["tool"]["ruff"]["target-version"] == "py310"
    assert data["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == [answers["package_name"]]
    runtime_version = load_hook("post_gen_project").read_version(RUNTIME)
    assert data["tool"]["kartwheel"]["bundled-runtime"] == runtime_version
    if answers["license"] == "Proprietary":
        assert meta["license"] == "LicenseRef-Proprietary"
        assert "Private :: Do Not Upload" in meta["classifiers"]
    else:
        assert meta["license"] == answers["license"]
        assert meta["license-files"] == ["LICENSE"]


def test_ci_docker_and_config_files_use_the_answers(case: tuple[Path, dict[str, object]]) -> None:
    project, answers = case
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    job = workflow["jobs"]["test"]
    assert job["strategy"]["matrix"]["python-version"] == sorted({"3.10", str(answers["python_version"])})
    assert job["steps"][1]["with"]["python-version"] == "${{ matrix.python-version }}"
    runs = [step.get("run") for step in job["steps"]]
    assert {"python -m pytest", "python -m ruff check .", "python -m ruff format --check ."} <= set(runs)
    dockerfile = (project / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith(f"FROM python:{answers['python_version']}-slim\n")
    assert f'"{answers["package_name"]}.Sample", "--local-scheduler"' in dockerfile
    assert "workspace_directory=./resources" in (project / "conf" / "param.ini").read_text(encoding="utf-8")
    assert "resources/" in (project / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert "resources/" in (project / ".gitignore").read_text(encoding="utf-8").splitlines()
    template = (project / str(answers["package_name"]) / "utils" / "template.py").read_text(encoding="utf-8")
    assert f'task_namespace = "{answers["package_name"]}"' in template


LUIGI_LOGGERS = {"luigi", "luigi-interface"}  # the loggers luigi itself logs to


def test_the_logging_config_names_the_loggers_the_bundled_runtime_logs_to(
    case: tuple[Path, dict[str, object]],
) -> None:
    project, answers = case
    runtime_package = f"{answers['package_name']}.kartwheel"
    calls = logger_calls(project / str(answers["package_name"]) / "kartwheel", runtime_package)
    # The run's logging setup only configures loggers (luigi's, the root); the other calls are loggers logged to.
    used = {call.name for call in calls if call.module != f"{runtime_package}._cli.console_log"}
    assert used and None not in used
    config = configparser.RawConfigParser()
    config.read(project / "conf" / "logging.ini", encoding="utf-8")
    keys = [key.strip() for key in config.get("loggers", "keys").split(",")]
    qualnames = {config.get(f"logger_{key}", "qualname") for key in keys if key != "root"}
    assert qualnames - LUIGI_LOGGERS == {runtime_package}
    assert all(str(name).startswith(runtime_package + ".") for name in used)


def test_readme_and_license_show_the_answers(case: tuple[Path, dict[str, object]]) -> None:
    project, answers = case
    readme = (project / "README.md").read_text(encoding="utf-8").splitlines()
    assert unescape_markdown(readme[0]) == f"# {answers['project_name']}"
    assert unescape_markdown(readme[2]) == answers["package_description"]
    assert f"python main.py {answers['package_name']}.Sample --local-scheduler" in readme
    license_id = str(answers["license"])
    if license_id in ("Apache-2.0", "GPL-3.0-only"):
        expected = (LICENSE_TEXTS / f"{license_id}.txt").read_text(encoding="utf-8")
        assert (project / "LICENSE").read_text(encoding="utf-8") == expected
    elif license_id != "Proprietary":
        assert str(answers["author"]) in (project / "LICENSE").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "command", [["check", "--no-cache"], ["format", "--check", "--no-cache"]], ids=["lint", "format"]
)
def test_ruff_passes_on_the_project(case: tuple[Path, dict[str, object]], command: list[str]) -> None:
    project, _ = case
    result = run_python("-m", "ruff", *command, ".", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_dockerfile_caches_dependencies_runs_unprivileged_and_keeps_outputs(
    case: tuple[Path, dict[str, object]],
) -> None:
    project, _ = case
    lines = (project / "Dockerfile").read_text(encoding="utf-8").splitlines()
    instructions = [line.split()[0] for line in lines if line and not line[0].isspace() and line[0] != "#"]
    copies = [line for line in lines if line.startswith("COPY ")]
    assert copies[0].startswith("COPY pyproject.toml README.md") and copies[-1] == "COPY . ."
    first_install = next(i for i, line in enumerate(lines) if "pip install ." in line)
    assert lines.index(copies[0]) < first_install < lines.index("COPY . .")
    for name in copies[0].split()[1:-1]:
        assert (project / name).is_file(), name  # every file the dependency layer copies exists
    user = next(line.split()[1] for line in lines if line.startswith("USER "))
    assert user not in ("root", "0")
    assert instructions.index("USER") < instructions.index("CMD")
    assert 'VOLUME ["/app/resources"]' in lines
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert '-v "$PWD/resources:/app/resources"' in readme


def test_the_project_tests_use_the_bundled_runtime_s_testing_helpers(case: tuple[Path, dict[str, object]]) -> None:
    project, answers = case
    helpers = f"from {answers['package_name']}.kartwheel.testing import"
    assert helpers + " isolated_workspace" in (project / "tests" / "conftest.py").read_text(encoding="utf-8")
    assert helpers + " run_task" in (project / "tests" / "test_sample.py").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_sample_runs_and_the_project_tests_pass_before_and_after(generate: Generate) -> None:
    project = generate(project_name="nlp100", package_name="gokart_nlp100")
    before = run_project(project, "-m", "pytest", "-q", "-p", "no:cacheprovider")
    assert before.returncode == 0, before.stdout + before.stderr

    run = run_project(project, "main.py", "gokart_nlp100.Sample", "--local-scheduler")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 task: 1 ran, 0 cached, 0 failed" in run.stderr
    assert "Informed scheduler" not in run.stderr and "Luigi Execution Summary" not in run.stderr
    assert "* 1 ran successfully" in (project / "resources" / "log" / "luigi.log").read_text(encoding="utf-8")
    [output] = (project / "resources" / "gokart_nlp100" / "model" / "sample").iterdir()
    assert re.fullmatch(r"Sample_[0-9a-f]{32}\.pkl", output.name)
    with output.open("rb") as file:
        assert pickle.load(file) == "sample output"
    assert any((project / "resources" / "log").rglob(f"{output.stem}.*"))

    after = run_project(project, "-m", "pytest", "-q", "-p", "no:cacheprovider")
    assert after.returncode == 0, after.stdout + after.stderr


@pytest.mark.slow
def test_the_project_imports_its_bundled_runtime(generate: Generate) -> None:
    project = generate(project_name="bundled")
    result = run_project(project, "-c", "from bundled import kartwheel; print(kartwheel.__file__)")
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).parent == project / "bundled" / "kartwheel"


@pytest.mark.slow
def test_config_and_workspace_come_from_the_project_root_whatever_the_current_folder(
    generate: Generate, tmp_path: Path
) -> None:
    project = generate(project_name="rooted")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "conf" / "param.ini").write_text(
        (project / "conf" / "param.ini").read_text(encoding="utf-8") + "\n[rooted.Fit]\nridge=1000.0\n",
        encoding="utf-8",
    )
    run = run_project(elsewhere, project / "main.py", "rooted.Score", "--local-scheduler")
    assert run.returncode == 0, run.stdout + run.stderr
    assert list(elsewhere.iterdir()) == []
    [score] = (project / "resources" / "rooted" / "model" / "pipeline").glob("Score_*.pkl")
    with score.open("rb") as file:
        assert pickle.load(file)["slope"] < 0.5  # the config's ridge reached Fit, made as Score's default
    notebooks = project / "notebooks"
    notebooks.mkdir(exist_ok=True)
    code = "import sys; sys.path.insert(0, '..'); from rooted import Score, kartwheel; kartwheel.build(Score())"
    built = run_project(notebooks, "-c", code)
    assert built.returncode == 0, built.stderr
    assert not (notebooks / "resources").exists()
    assert len(list(score.parent.glob("Score_*.pkl"))) == 2  # ridge=0.0 was built beside the first


REPORT_TASK = '''"""A user's task that reads the pipeline's score through requires()."""

from stale.model.pipeline import Score
from stale.utils.template import ProjectTask


class Report(ProjectTask[float]):
    """The fitted slope."""

    def requires(self) -> Score:
        """The score of the default pipeline."""
        return Score()

    def run(self) -> None:
        """Keep the slope."""
        self.dump(self.load()["slope"])
'''


@pytest.mark.slow
def test_an_upstream_only_change_in_the_config_reruns_the_last_stage_and_going_back_reuses(generate: Generate) -> None:
    project = generate(project_name="stale")
    outputs = project / "resources" / "stale" / "model"
    config = project / "conf" / "param.ini"
    original = config.read_text(encoding="utf-8")
    (project / "stale" / "model" / "report.py").write_text(REPORT_TASK, encoding="utf-8")
    init = project / "stale" / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8") + "from stale.model.report import Report  # noqa: E402\n")

    def build() -> dict[str, int]:
        """Run a user's task wired to the pipeline by requires(); return each output file's modification time."""
        run = run_project(project, "main.py", "stale.Report", "--local-scheduler")
        assert run.returncode == 0, run.stdout + run.stderr
        return {path.name: path.stat().st_mtime_ns for path in outputs.glob("*/*.pkl")}

    def load(name: str) -> dict[str, float]:
        [path] = outputs.glob(f"*/{name}")
        with path.open("rb") as file:
            return pickle.load(file)

    first = build()
    config.write_text(original + "\n[stale.Fit]\nridge=1000.0\n", encoding="utf-8")  # Score has no ridge
    second = build()
    new = sorted(name.split("_")[0] for name in second.keys() - first.keys())
    assert new == ["Fit", "Report", "Score"]  # Measurements is reused; the rest run again under new names
    [old_report] = [name for name in first if name.startswith("Report_")]
    [new_report] = [name for name in second.keys() - first.keys() if name.startswith("Report_")]
    assert load(new_report) < load(old_report)
    config.write_text(original, encoding="utf-8")
    assert build() == second  # back to the first value: its results are found again, nothing runs
