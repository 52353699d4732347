"""hooks/post_gen_project.py: bundle the runtime, write the license, print the next steps, or leave nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

from ..conftest import Generate
from ..helpers import LICENSE_TEXTS, REPO, RUNTIME, copy_template, load_hook


@pytest.fixture
def post_gen() -> object:
    """Return a fresh import of the post-generation hook."""
    return load_hook("post_gen_project")


def test_the_runtime_is_bundled_with_its_version_recorded(generate: Generate, post_gen: object) -> None:
    project = generate(project_name="nlp100")
    assert (project / "nlp100" / "kartwheel" / "__init__.py").read_bytes() == (RUNTIME / "__init__.py").read_bytes()
    assert not (project / "kartwheel").exists()
    assert not (project / "nlp100" / "kartwheel" / "new_project.py").exists()
    assert "bundled-runtime = " + f'"{post_gen.read_version(RUNTIME)}"' in (project / "pyproject.toml").read_text()
    assert not list(project.rglob("__pycache__"))


def test_a_template_inside_an_installed_package_bundles_that_package(tmp_path: Path, post_gen: object) -> None:
    package = tmp_path / "site-packages" / "kartwheel"
    shutil.copytree(RUNTIME, package)
    template = copy_template(package / "_template", with_runtime=False)
    project = tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    post_gen.bundle_runtime(post_gen.locate_runtime(template), project, "pkg")
    assert (project / "pkg" / "kartwheel" / "_version.py").is_file()
    assert not (project / "pkg" / "kartwheel" / "_template").exists()


def test_a_failing_post_hook_leaves_no_folder(
    tmp_path: Path, output_dir: Path, cookiecutter_config: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    template = copy_template(tmp_path / "template-without-runtime", with_runtime=False)
    with pytest.raises(FailedHookException):
        cookiecutter(str(template), no_input=True, output_dir=str(output_dir), config_file=str(cookiecutter_config))
    assert "error: could not finish the project: the kartwheel runtime is missing" in capfd.readouterr().err
    assert list(output_dir.iterdir()) == []


def test_a_relative_template_path_still_finds_the_runtime(
    output_dir: Path, cookiecutter_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO.parent)
    monkeypatch.delenv("PWD", raising=False)
    project = cookiecutter(REPO.name, no_input=True, output_dir=str(output_dir), config_file=str(cookiecutter_config))
    assert (Path(project) / "my_pipeline" / "kartwheel" / "_version.py").is_file()


def test_the_rendered_hooks_delete_themselves_so_no_answers_linger(
    generate: Generate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    generate(project_name="secretive", author="Someone Private")
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("license_id", ["Apache-2.0", "GPL-3.0-only"])
def test_long_licenses_are_written_verbatim(generate: Generate, license_id: str) -> None:
    project = generate(license=license_id)
    expected = (LICENSE_TEXTS / f"{license_id}.txt").read_text(encoding="utf-8")
    assert (project / "LICENSE").read_text(encoding="utf-8") == expected


@pytest.mark.parametrize("license_id", ["MIT", "BSD-3-Clause"])
def test_short_licenses_name_the_author_and_the_year(generate: Generate, license_id: str) -> None:
    project = generate(license=license_id, author="Ada Lovelace")
    text = (project / "LICENSE").read_text(encoding="utf-8")
    assert "<year>" not in text and "<copyright holders>" not in text
    assert "Ada Lovelace" in text.splitlines()[2]


def test_the_license_texts_are_complete() -> None:
    gpl = (LICENSE_TEXTS / "GPL-3.0-only.txt").read_text(encoding="utf-8")
    apache = (LICENSE_TEXTS / "Apache-2.0.txt").read_text(encoding="utf-8")
    assert len(gpl.splitlines()) == 674 and "END OF TERMS AND CONDITIONS" in gpl
    assert "17. Interpretation of Sections 15 and 16." in gpl
    assert len(apache.splitlines()) == 202 and "9. Accepting Warranty or Additional Liability." in apache


def test_a_proprietary_project_has_no_license_file(generate: Generate) -> None:
    project = generate(license="Proprietary")
    assert not (project / "LICENSE").exists()


def test_the_next_steps_are_printed(generate: Generate, capfd: pytest.CaptureFixture[str]) -> None:
    project = generate(project_name="nlp100", package_name="gokart_nlp100")
    out = capfd.readouterr().out
    assert f"cd {project}" in out
    assert "python main.py gokart_nlp100.Sample --local-scheduler" in out
    assert "python -m pytest" in out


def test_the_next_steps_quote_a_folder_name_with_spaces(post_gen: object, tmp_path: Path) -> None:
    steps = post_gen.next_steps(tmp_path / "my project", {"package_name": "p", "_output_dir": str(tmp_path)})
    assert f"cd '{tmp_path / 'my project'}'" in steps


def test_a_closed_output_does_not_undo_a_finished_project(output_dir: Path, cookiecutter_config: Path) -> None:
    # `kartwheel new ... | head -2`: the reader is gone before the hook prints its next steps.
    command = [sys.executable, "-m", "cookiecutter", str(REPO), "--no-input", "-o", str(output_dir)]
    process = subprocess.Popen(
        [*command, "--config-file", str(cookiecutter_config), "project_name=piped"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()
    assert (output_dir / "piped" / "piped" / "kartwheel" / "_version.py").is_file()
