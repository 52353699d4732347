"""The prompts: the questions asked, their defaults, and their readable labels."""

from __future__ import annotations

import json
import sys

import pytest

from .helpers import REPO, load_hook, rendered_answers

QUESTIONS = ["project_name", "package_name", "python_version", "author", "package_description", "license"]


def read_context() -> dict[str, object]:
    return json.loads((REPO / "cookiecutter.json").read_text(encoding="utf-8"))


def test_the_template_asks_the_six_questions_in_order() -> None:
    assert [key for key in read_context() if not key.startswith("_")] == QUESTIONS


def test_every_question_has_a_readable_prompt() -> None:
    prompts = read_context()["__prompts__"]
    assert isinstance(prompts, dict)
    assert set(prompts) == set(QUESTIONS)
    assert prompts["license"]["__prompt__"] == "License"


def test_the_license_choices_are_the_supported_ones_with_mit_first() -> None:
    assert read_context()["license"] == ["MIT", "Apache-2.0", "BSD-3-Clause", "GPL-3.0-only", "Proprietary"]


def test_the_defaults_pass_the_checks_of_the_pre_gen_hook() -> None:
    answers = rendered_answers({})
    load_hook("pre_gen_project").validate_answers(answers)
    assert answers["python_version"] == f"{sys.version_info.major}.{sys.version_info.minor}"


def test_the_package_name_defaults_to_the_project_name_in_snake_case() -> None:
    assert rendered_answers({"project_name": "My ML-Project"})["package_name"] == "my_ml_project"


def test_the_project_folder_is_the_project_name_for_valid_names() -> None:
    for name in ["nlp100", "my-ml-project", "Pepe's pipeline", "データ-pipeline", "v1.2"]:
        assert rendered_answers({"project_name": name})["__project_dir"] == name


def test_the_project_folder_never_leaves_the_output_dir_for_bad_names() -> None:
    for name in ["a/b", "../x", "..", ".", "", "  ", "a\\b", "/abs", "c:x"]:
        folder = str(rendered_answers({"project_name": name})["__project_dir"])
        assert "/" not in folder and "\\" not in folder and folder.strip(" .") and ".." not in folder, name


@pytest.mark.parametrize(
    ("project_name", "package_name"),
    [
        ("Élan 2024", "elan_2024"),
        ("my.project", "my_project"),
        ("2fast", "pkg_2fast"),
        ("データ-pipeline", "deta_pipeline"),
        ("class", "class_project"),
        ("json", "json_project"),
        ("---", "pkg"),
    ],
)
def test_the_derived_package_name_is_always_accepted(project_name: str, package_name: str) -> None:
    answers = rendered_answers({"project_name": project_name})
    assert answers["package_name"] == package_name
    load_hook("pre_gen_project").check_package_name(str(answers["package_name"]))
