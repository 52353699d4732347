"""`kartwheel new`: generate a project from the template this package ships, all or nothing.

Every answer is checked with the template's own pre-generation hook before cookiecutter starts: a typed
answer right after it is given (a wrong one is asked again, saying why), answers given as key=value all at
once. The project is rendered into a hidden folder inside the output directory and moved into place only
once cookiecutter and both hooks have succeeded.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib.util
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import ModuleType

from ..errors import MissingDependencyError, NewProjectError

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the kartwheel package (this module is in _project/)
STAGING_PREFIX = ".kartwheel-new-"
# Set by this command so that the post-generation hook names the final folder, not the staging one.
DESTINATION_KEY = "_kartwheel_destination"


def find_template() -> Path:
    """Return the template: shipped inside the installed package, or the source tree holding this package."""
    shipped = PACKAGE_DIR / "_template"
    if (shipped / "cookiecutter.json").is_file():
        return shipped
    source = PACKAGE_DIR.parents[1]
    if (source / "cookiecutter.json").is_file():
        return source
    raise NewProjectError(
        f"no project template found in {shipped} or {source}; reinstall kartwheel from its wheel or source"
    )


def read_template_version(template: Path) -> str:
    """The version of the runtime a project generated from this template bundles (and records)."""
    for runtime in (template / "runtime" / "kartwheel", template.parent):
        path = runtime / "_version.py"
        if path.is_file():
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                names = [target.id for target in getattr(node, "targets", []) if isinstance(target, ast.Name)]
                if "__version__" in names and isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                    return str(node.value.value)
    raise NewProjectError(f"no runtime version found beside the template {template}")


@contextlib.contextmanager
def stdout_silenced() -> Iterator[None]:
    """Send this process's and its children's standard output to nowhere for a while (the hooks print)."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def load_validator(template: Path) -> ModuleType:
    """Import the template's pre-generation hook as a module, to reuse its checks of the answers."""
    path = template / "hooks" / "pre_gen_project.py"
    spec = importlib.util.spec_from_file_location("kartwheel_template_pre_gen_project", path)
    if spec is None or spec.loader is None:
        raise NewProjectError(f"cannot load the template's answer checks from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def prompt_keys(template: Path) -> list[str]:
    """Return the answers the template asks for, in prompt order."""
    context = json.loads((template / "cookiecutter.json").read_text(encoding="utf-8"))
    return [key for key in context if not key.startswith("_")]


def build_parser() -> argparse.ArgumentParser:
    """Describe the command line of `kartwheel new`."""
    parser = argparse.ArgumentParser(
        prog="kartwheel new",
        description="Generate a kartwheel project. Answers not given as key=value are asked for.",
        allow_abbrev=False,
    )
    parser.add_argument("answers", nargs="*", metavar="key=value", help="an answer, e.g. project_name=nlp100")
    parser.add_argument("--no-input", action="store_true", help="ask nothing; use defaults for missing answers")
    parser.add_argument("-o", "--output-dir", default=".", help="where to create the project (default: .)")
    return parser


def parse_answers(pairs: Sequence[str], keys: Sequence[str]) -> dict[str, str]:
    """Turn key=value arguments into a dict, refusing unknown keys and malformed pairs."""
    answers: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise NewProjectError(f"{pair!r} is not an answer; write key=value, e.g. project_name=nlp100")
        if key not in keys:
            raise NewProjectError(f"{key!r} is not a question of the template; the questions are {', '.join(keys)}")
        answers[key] = value
    return answers


@contextlib.contextmanager
def template_importable(template: Path) -> Iterator[None]:
    """Let Jinja import the template's extensions from its folder, as cookiecutter itself does."""
    saved = list(sys.path)
    sys.path.append(str(template))
    try:
        yield
    finally:
        sys.path[:] = saved


def render_defaults(template: Path, given: Mapping[str, str]) -> dict[str, object]:
    """Compute every answer as cookiecutter would with --no-input, without writing anything."""
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.generate import generate_context
    from cookiecutter.prompt import prompt_for_config
    from jinja2 import TemplateError

    try:
        with template_importable(template):
            context = generate_context(str(template / "cookiecutter.json"), extra_context=dict(given))
            return dict(prompt_for_config(context, no_input=True))
    except (TemplateError, CookiecutterException, ValueError) as error:
        raise NewProjectError(f"{culprit(given)}cannot be rendered: {error}") from error


def ask(template: Path, validator: ModuleType, given: Mapping[str, str]) -> dict[str, str]:
    """Ask each question not answered on the command line; ask again at once, saying why, when an answer is wrong."""
    from cookiecutter.generate import generate_context
    from cookiecutter.prompt import read_user_choice, read_user_variable, render_variable
    from cookiecutter.utils import create_env_with_context

    with template_importable(template):
        context = generate_context(str(template / "cookiecutter.json"), extra_context=dict(given))
        environment = create_env_with_context(context)
        questions = context["cookiecutter"]
        prompts = questions.get("__prompts__", {})
        answers: dict[str, str] = {}
        for key, raw in questions.items():
            if key.startswith("_"):
                continue
            if key in given:
                answers[key] = str(render_variable(environment, raw, answers))
                continue
            while True:
                if isinstance(raw, list):
                    options = [render_variable(environment, option, answers) for option in raw]
                    value = str(read_user_choice(key, options, prompts))
                else:
                    value = str(read_user_variable(key, render_variable(environment, raw, answers), prompts))
                try:
                    validator.check_answer(key, value)
                except validator.AnswerError as error:
                    print(f"  {error}", file=sys.stderr)
                    continue
                answers[key] = value
                break
    return answers


def as_literal(value: str) -> str:
    """Write an answer so that cookiecutter, which renders answers as Jinja, gives back exactly that text."""
    if not any(mark in value for mark in ("{{", "{%", "{#")):
        return value
    return '{{ "' + value.replace("\\", "\\\\").replace('"', '\\"') + '" }}'


def culprit(given: Mapping[str, str]) -> str:
    """Name the first given answer that is not valid Jinja (cookiecutter renders answers as templates)."""
    from jinja2 import Environment, TemplateSyntaxError

    for key, value in given.items():
        try:
            Environment().parse(value)
        except TemplateSyntaxError:
            return f"{key}={json.dumps(value, ensure_ascii=False)} is read as a Jinja template and "
    return "the answers "


def check_answers(validator: ModuleType, answers: Mapping[str, object]) -> None:
    """Run the template's checks; report every rejected answer at once, one line each."""
    errors = validator.answer_errors(answers)
    if errors:
        raise NewProjectError("\n".join(str(error) for error in errors))


@contextlib.contextmanager
def quiet_cookiecutter_logs() -> Iterator[None]:
    """Keep cookiecutter's tracebacks off the terminal; the hooks already print the one line that matters."""
    logger = logging.getLogger("cookiecutter")
    handler = logging.NullHandler()
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def refuse_existing(destination: Path) -> None:
    """Refuse to touch a folder that is already there."""
    if destination.exists():
        raise NewProjectError(f"{destination} already exists; choose another project_name or --output-dir")


def render(template: Path, staging: Path, answers: Mapping[str, str], no_input: bool, destination: Path) -> Path:
    """Run cookiecutter into the staging folder and return the project it made there."""
    from cookiecutter.exceptions import CookiecutterException, FailedHookException
    from cookiecutter.main import cookiecutter

    extra = {**answers, DESTINATION_KEY: str(destination)}
    try:
        with quiet_cookiecutter_logs():
            return Path(cookiecutter(str(template), no_input=no_input, extra_context=extra, output_dir=str(staging)))
    except FailedHookException as error:
        raise NewProjectError("the project was not generated (see the error above); nothing was written") from error
    except CookiecutterException as error:
        raise NewProjectError(f"the project was not generated: {error}") from error


def first_missing_ancestor(path: Path) -> Path | None:
    """Return the outermost folder of path that does not exist yet, so a failure can remove what it made."""
    missing = None
    while not path.exists():
        missing, path = path, path.parent
    return missing


def generate(template: Path, output_dir: Path, answers: Mapping[str, str], no_input: bool, quiet: bool = False) -> Path:
    """Render the project in a hidden folder inside output_dir, then move it into place; leave nothing on failure."""
    created = first_missing_ancestor(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=output_dir))
    try:
        with stdout_silenced() if quiet else contextlib.nullcontext():
            project = render(template, staging, answers, no_input, output_dir)
        destination = output_dir / project.name
        refuse_existing(destination)
        project.rename(destination)
        return destination
    except BaseException:
        if created is not None:
            shutil.rmtree(created, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def require_cookiecutter() -> None:
    """Stop with the install command when cookiecutter, an optional dependency, is missing."""
    try:
        import cookiecutter  # noqa: F401
    except ImportError as error:
        raise MissingDependencyError(
            "generating a project needs cookiecutter, which is not installed; "
            "install it with `pip install 'kartwheel[new]'`"
        ) from error


def run(argv: Sequence[str]) -> Path:
    """Check the answers, then generate the project; return its path."""
    args = build_parser().parse_args(list(argv))
    require_cookiecutter()
    template = find_template()
    validator = load_validator(template)
    given = parse_answers(args.answers, prompt_keys(template))
    check_answers(validator, given)
    output_dir = Path(os.path.abspath(args.output_dir))
    if "project_name" in given:
        refuse_existing(output_dir / given["project_name"])
    if args.no_input:
        answers = render_defaults(template, given)
        check_answers(validator, answers)
        refuse_existing(output_dir / str(answers["project_name"]))
        return generate(template, output_dir, given, no_input=True)
    asked = ask(template, validator, given)
    refuse_existing(output_dir / asked["project_name"])
    return generate(template, output_dir, {key: as_literal(value) for key, value in asked.items()}, no_input=True)


def main(argv: list[str]) -> int:
    """Entry point of `kartwheel new`: 0 on success, 1 with one line on stderr otherwise."""
    try:
        run(argv)
    except (NewProjectError, MissingDependencyError) as error:
        for line in str(error).splitlines():
            print(f"kartwheel new: error: {line}", file=sys.stderr)
        return 1
    except SystemExit as exit_:  # argparse: --help, or a usage error it has already printed
        return exit_.code if isinstance(exit_.code, int) else 2
    return 0
