"""Validate the answers before cookiecutter writes any file of the project; report every wrong one.

cookiecutter renders this file with the answers and runs it; ``kartwheel new`` imports it (unrendered) to
reuse the checks before cookiecutter even starts. Each check raises ``AnswerError`` with one line naming the
answer, what is wrong with it and what would be accepted.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path

LICENSES = ("MIT", "Apache-2.0", "BSD-3-Clause", "GPL-3.0-only", "Proprietary")
SUPPORTED_PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")

# Modules a generated project imports, directly or through its dependencies and tools; a package with one
# of these names would shadow it. The standard library is added from sys.stdlib_module_names.
# fmt: off
PROJECT_IMPORTS = frozenset({
    "kartwheel", "luigi", "cloudpickle", "tornado", "daemon", "dateutil", "tenacity", "six", "docutils",
    "lockfile", "pytest", "_pytest", "pluggy", "iniconfig", "packaging", "ruff", "pip", "setuptools",
    "pkg_resources", "wheel", "hatchling", "numpy", "pandas", "pyarrow", "fsspec", "yaml", "main", "conf",
    "tests", "test", "resources", "site", "typing_extensions",
})
# Used only when sys.stdlib_module_names is missing (Python < 3.10 running cookiecutter).
_STDLIB_FALLBACK = frozenset({
    "abc", "argparse", "array", "ast", "asyncio", "base64", "builtins", "collections", "contextlib",
    "copy", "csv", "dataclasses", "datetime", "decimal", "email", "enum", "functools", "glob", "gzip",
    "hashlib", "heapq", "html", "http", "importlib", "inspect", "io", "itertools", "json", "logging",
    "math", "multiprocessing", "operator", "os", "pathlib", "pickle", "platform", "queue", "random", "re",
    "shutil", "signal", "socket", "sqlite3", "statistics", "string", "struct", "subprocess", "sys",
    "tempfile", "threading", "time", "tomllib", "types", "typing", "unittest", "urllib", "uuid",
    "warnings", "xml", "zipfile",
})
# fmt: on
PACKAGE_NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
PYTHON_VERSION_PATTERN = re.compile(r"(3\.\d+)(\.(0|[1-9]\d*))?")
FORBIDDEN_PATH_CHARACTERS = '<>:"|?*'
WINDOWS_RESERVED_NAMES = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(1, 10)} | {f"lpt{i}" for i in range(1, 10)}
)
MAX_NAME_BYTES = 255


class AnswerError(ValueError):
    """Raised when an answer to a prompt cannot make a working project; the message is one line."""


def _shown(value: str, limit: int = 60) -> str:
    """Quote an answer for an error message so that spaces and odd characters stay visible; cut long ones."""
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= limit else f'{shown[: limit - 4]}..."'


def _unprintable(value: str) -> str | None:
    """Return the first control, surrogate or line-separator character in value, if any."""
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp"):
            return char
    return None


def check_single_line(key: str, value: str) -> None:
    """Reject text that would break a one-line field (TOML strings, README headings, docstrings)."""
    char = _unprintable(value)
    if char is not None:
        raise AnswerError(
            f"{key}={_shown(value)} contains the control character U+{ord(char):04X}; "
            "use a single line of printable text"
        )


def check_project_name(value: str) -> None:
    """Accept a name that is usable as one directory name on every common filesystem."""
    accepted = "use a plain folder name such as nlp100 or my-pipeline"
    if not value.strip():
        raise AnswerError(f"project_name={_shown(value)} is empty; {accepted}")
    check_single_line("project_name", value)
    if value != value.strip():
        raise AnswerError(f"project_name={_shown(value)} starts or ends with spaces; {accepted}")
    if "/" in value or "\\" in value:
        raise AnswerError(
            f"project_name={_shown(value)} contains a path separator; it names one folder "
            f"(choose where it goes with -o); {accepted}"
        )
    if ".." in value or value.strip(".") == "":
        raise AnswerError(f"project_name={_shown(value)} contains '..' or is only dots; {accepted}")
    bad = sorted({char for char in value if char in FORBIDDEN_PATH_CHARACTERS})
    if bad:
        raise AnswerError(
            f"project_name={_shown(value)} contains {' '.join(bad)}, which some filesystems refuse; {accepted}"
        )
    if value.endswith("."):
        raise AnswerError(f"project_name={_shown(value)} ends with a dot, which Windows drops; {accepted}")
    if value.split(".")[0].lower() in WINDOWS_RESERVED_NAMES:
        raise AnswerError(f"project_name={_shown(value)} is a reserved device name on Windows; {accepted}")
    if len(value.encode("utf-8")) > MAX_NAME_BYTES:
        raise AnswerError(f"project_name={_shown(value)} is longer than {MAX_NAME_BYTES} bytes; {accepted}")


def shadowed_modules() -> frozenset[str]:
    """Return the top-level module names a project package must not take."""
    stdlib = getattr(sys, "stdlib_module_names", _STDLIB_FALLBACK)
    return frozenset(stdlib) | PROJECT_IMPORTS


def ascii_text(value: str) -> str:
    """Spell text in ASCII: accents dropped, other scripts transliterated (text-unidecode comes with cookiecutter)."""
    try:
        from text_unidecode import unidecode
    except ImportError:  # only outside cookiecutter; accented Latin letters are still kept
        return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return unidecode(unicodedata.normalize("NFKC", value))


def suggest_package_name(value: str) -> str:
    """Turn any text into a package name that check_package_name accepts (the default derived from project_name)."""
    name = re.sub(r"[^a-z0-9_]+", "_", ascii_text(value).lower()).strip("_")
    if not name or not name[0].isalpha():
        name = f"pkg_{name}".rstrip("_")
    if keyword.iskeyword(name) or name in shadowed_modules():
        name = f"{name}_project"
    return name


def check_package_name(value: str) -> None:
    """Accept a lower-case identifier that is not a keyword and shadows no module the project imports."""
    example = f"e.g. package_name={suggest_package_name(value)}"
    if not PACKAGE_NAME_PATTERN.fullmatch(value):
        raise AnswerError(
            f"package_name={_shown(value)} is not a lower-case Python identifier; use a letter followed by "
            f"lower-case letters, digits or underscores ({example})"
        )
    if keyword.iskeyword(value):
        raise AnswerError(f"package_name={_shown(value)} is a Python keyword; choose another name ({example})")
    if value in shadowed_modules():
        raise AnswerError(
            f"package_name={_shown(value)} would shadow the module {value!r} that the project imports; "
            f"choose another name ({example})"
        )


def default_python_version(running: tuple[int, int]) -> str:
    """The running interpreter's X.Y when supported, else the nearest supported version."""
    supported = [tuple(int(part) for part in version.split(".")) for version in SUPPORTED_PYTHONS]
    nearest = min(max(tuple(running), supported[0]), supported[-1])
    return ".".join(map(str, nearest))


def check_python_version(value: str) -> None:
    """Accept a CPython version the runtime supports, written X.Y or X.Y.Z."""
    match = PYTHON_VERSION_PATTERN.fullmatch(value)
    minor = match.group(1) if match else None
    if minor not in SUPPORTED_PYTHONS:
        raise AnswerError(
            f"python_version={_shown(value)} is not a supported CPython version; use one of "
            f"{', '.join(SUPPORTED_PYTHONS)} (optionally with a patch number, e.g. 3.12.4)"
        )


def check_author(value: str) -> None:
    """Accept any non-empty single line of text."""
    if not value.strip():
        raise AnswerError(f'author={_shown(value)} is empty; give a name, e.g. author="Ada Lovelace"')
    check_single_line("author", value)


def check_package_description(value: str) -> None:
    """Accept any single line of text, including an empty one."""
    check_single_line("package_description", value)


def check_license(value: str) -> None:
    """Accept one of the licenses the template ships."""
    if value not in LICENSES:
        raise AnswerError(f"license={_shown(value)} is not offered; use one of {', '.join(LICENSES)}")


CHECKS: dict[str, Callable[[str], None]] = {
    "project_name": check_project_name,
    "package_name": check_package_name,
    "python_version": check_python_version,
    "author": check_author,
    "package_description": check_package_description,
    "license": check_license,
}


def check_project_dir(answers: Mapping[str, object]) -> None:
    """Make sure the folder cookiecutter created is the project name itself, not a sanitised stand-in."""
    project_dir = answers.get("__project_dir")
    if project_dir is not None and project_dir != answers.get("project_name"):
        raise AnswerError(f"__project_dir={_shown(str(project_dir))} must not be set by hand; it follows project_name")


def check_answer(key: str, value: object) -> None:
    """Run the check of one answer; raise AnswerError if it is wrong."""
    if not isinstance(value, str):
        raise AnswerError(f"{key}={_shown(str(value))} must be text")
    CHECKS[key](value)


def answer_errors(answers: Mapping[str, object]) -> list[AnswerError]:
    """Check every answer present in answers, in prompt order, and return all that are wrong."""
    errors, wrong = [], set()
    for key in CHECKS:
        if key in answers:
            try:
                check_answer(key, answers[key])
            except AnswerError as error:
                errors.append(error)
                wrong.add(key)
    if "project_name" not in wrong:  # a bad name already explains the stand-in folder name
        try:
            check_project_dir(answers)
        except AnswerError as error:
            errors.append(error)
    return errors


def validate_answers(answers: Mapping[str, object]) -> None:
    """Raise AnswerError on the first wrong answer, in prompt order."""
    errors = answer_errors(answers)
    if errors:
        raise errors[0]


def rendered_answers() -> dict[str, object]:
    """Return the answers cookiecutter rendered into this file (only meaningful in the rendered copy)."""
    return json.loads(r"""{{ cookiecutter | tojson }}""")


def remove_rendered_copy() -> None:
    """Delete this file when it is cookiecutter's temporary rendered copy, so the answers do not linger."""
    path = Path(__file__).resolve()
    if path.parent.name != "hooks" and path.name.startswith("tmp"):
        path.unlink(missing_ok=True)


def main() -> None:
    """Validate the rendered answers; on a bad one print one line to stderr and exit 1."""
    remove_rendered_copy()
    errors = answer_errors(rendered_answers())
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
