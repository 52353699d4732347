"""add_config: ini and toml files, environment variables, [ClassName] and [TaskOnKart] sections."""

from __future__ import annotations

import textwrap
import warnings

import kartwheel
import luigi
import pytest

pytestmark = pytest.mark.usefixtures("fresh_luigi_config")


class Configured(kartwheel.TaskOnKart):
    name = luigi.Parameter(default="default")
    size = luigi.IntParameter(default=0)
    tags = luigi.ListParameter(default=())


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_ini_sections_and_common_section(tmp_path, monkeypatch):
    monkeypatch.setenv("KW_SIZE", "12")
    path = write(
        tmp_path,
        "param.ini",
        """
        [TaskOnKart]
        workspace_directory = ${KW_WS}
        [Configured]
        name = from-ini
        size = %(KW_SIZE)s
    """,
    )
    monkeypatch.setenv("KW_WS", str(tmp_path / "ws"))
    kartwheel.add_config(path)
    task = Configured()
    assert (task.name, task.size) == ("from-ini", 12)
    assert task.workspace_directory == str(tmp_path / "ws")
    assert Configured(size=3).size == 3, "arguments win over config"


def test_own_section_wins_over_common_section(tmp_path):
    kartwheel.add_config(
        write(
            tmp_path,
            "a.ini",
            """
        [TaskOnKart]
        name = common
        [Configured]
        name = own
    """,
        )
    )
    assert Configured().name == "own"


def test_toml_config(tmp_path):
    kartwheel.add_config(
        write(
            tmp_path,
            "param.toml",
            """
        [Configured]
        name = "from-toml"
        size = 7
        tags = ["a", "b"]
    """,
        )
    )
    task = Configured()
    assert (task.name, task.size, task.tags) == ("from-toml", 7, ("a", "b"))


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(kartwheel.ConfigError, match="not found"):
        kartwheel.add_config(tmp_path / "nope.ini")


def test_missing_environment_variable_names_it(tmp_path, monkeypatch):
    monkeypatch.delenv("KW_UNSET_VARIABLE", raising=False)
    path = write(
        tmp_path,
        "bad.ini",
        """
        [Configured]
        name = %(KW_UNSET_VARIABLE)s
    """,
    )
    with pytest.raises(kartwheel.ConfigError, match=r"\[Configured\] name .*KW_UNSET_VARIABLE"):
        kartwheel.add_config(path)


def test_malformed_files_are_config_errors(tmp_path):
    with pytest.raises(kartwheel.ConfigError, match="cannot be read"):
        kartwheel.add_config(write(tmp_path, "bad.ini", "no section header\n"))
    with pytest.raises(kartwheel.ConfigError, match="not valid TOML"):
        kartwheel.add_config(write(tmp_path, "bad.toml", "[x\n"))
    assert Configured().name == "default", "a rejected file changes nothing"


class Fit(kartwheel.TaskOnKart):
    task_namespace = "config_defaults"
    ridge = luigi.FloatParameter(default=1.0)


class Features(kartwheel.TaskOnKart):
    task_namespace = "config_defaults"
    width = luigi.IntParameter(default=3)


class Evaluate(kartwheel.TaskOnKart):
    """Upstream tasks made at import time, before any config file is read."""

    task_namespace = "config_defaults"
    model = kartwheel.TaskInstanceParameter(default=Fit())
    inputs = kartwheel.ListTaskInstanceParameter(default=[Features()])


def test_config_reaches_a_task_made_as_a_parameter_default_at_import_time(tmp_path):
    assert Evaluate().model.ridge == 1.0
    kartwheel.add_config(
        write(
            tmp_path,
            "defaults.ini",
            """
        [config_defaults.Fit]
        ridge = 5.0
        [config_defaults.Features]
        width = 7
    """,
        )
    )
    evaluate = Evaluate()
    assert evaluate.model.ridge == 5.0
    assert [task.width for task in evaluate.inputs] == [7]
    assert evaluate.make_unique_id() != Evaluate(model=Fit(ridge=1.0), inputs=[Features(width=3)]).make_unique_id()
    assert Evaluate(model=Fit(ridge=2.0)).model.ridge == 2.0  # a task given explicitly is kept as it is


def test_an_unknown_key_in_a_task_section_warns_with_the_nearest_parameter(tmp_path):
    path = write(tmp_path, "typo.ini", "[config_defaults.Fit]\nrigde = 5.0\n")
    with pytest.warns(kartwheel.ConfigWarning, match=r"\[config_defaults\.Fit\] rigde: .*did you mean ridge\?"):
        kartwheel.add_config(path)


def test_luigis_own_sections_are_not_checked_for_unknown_keys(tmp_path):
    # luigi reads [core] rpc-retry-attempts / rpc-retry-wait in its RPC client, not through its `core` class.
    text = "[core]\nrpc_retry_attempts = 5\nrpc_retry_wait = 3\n[worker]\nwait_interval = 0.1\n"
    with warnings.catch_warnings():
        warnings.simplefilter("error", kartwheel.ConfigWarning)
        kartwheel.add_config(write(tmp_path, "luigi.ini", text))
    assert luigi.configuration.get_config().getint("core", "rpc_retry_attempts") == 5


def test_an_unknown_key_of_a_task_imported_later_warns_when_it_is_first_made(tmp_path):
    kartwheel.add_config(write(tmp_path, "later.ini", "[config_defaults.Later]\nsise = 3\n"))

    class Later(kartwheel.TaskOnKart):
        task_namespace = "config_defaults"
        size = luigi.IntParameter(default=1)

    with pytest.warns(kartwheel.ConfigWarning, match="did you mean size"):
        Later()
