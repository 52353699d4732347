"""gokart's setting_task_parameters page: command line, config file, and `@inherits_config_params`."""

from __future__ import annotations

import kartwheel as gokart
import luigi
import pytest
from kartwheel.config_params import inherits_config_params
from luigi.cmdline_parser import CmdlineParser


class MasterConfig(luigi.Config):
    param = luigi.Parameter(default="master param")
    param2 = luigi.Parameter(default="master param2")


@inherits_config_params(MasterConfig)
class SomeTask(gokart.TaskOnKart):
    task_namespace = "docs_setting"
    param = luigi.Parameter()


@inherits_config_params(MasterConfig, parameter_alias={"param2": "param3"})
class AliasedTask(gokart.TaskOnKart):
    task_namespace = "docs_setting"
    param3 = luigi.Parameter()


class ChildOfSomeTask(SomeTask):
    task_namespace = "docs_setting"


def task_from(argv: list[str]) -> luigi.Task:
    with CmdlineParser.global_instance(argv) as parser:
        return parser.get_task_obj()


def test_shared_parameters_are_inherited_others_are_not() -> None:
    task = SomeTask()
    assert task.param == "master param"
    assert not hasattr(task, "param2")
    assert SomeTask.__name__ == "SomeTask" and task.get_task_family() == "docs_setting.SomeTask"


def test_parameter_alias() -> None:
    assert AliasedTask().param3 == "master param2"


def test_the_task_s_own_values_win() -> None:
    assert SomeTask(param="given").param == "given"
    assert task_from(["docs_setting.SomeTask", "--param", "from the command line"]).param == "from the command line"
    assert ChildOfSomeTask().param == "master param"


def test_config_class_values_from_the_command_line_reach_the_task() -> None:
    task = task_from(["docs_setting.SomeTask", "--MasterConfig-param", "master from the command line"])
    assert task.param == "master from the command line"


def test_config_file_section_sets_the_task_parameter(tmp_path) -> None:
    config = tmp_path / "config.ini"
    config.write_text("[docs_setting.SomeTask]\nparam = from the config file\n")
    gokart.add_config(str(config))
    try:
        assert SomeTask().param == "from the config file"
    finally:
        luigi.configuration.get_config().remove_section("docs_setting.SomeTask")


def test_a_non_config_class_is_refused() -> None:
    with pytest.raises(TypeError, match="luigi.Config class"):
        inherits_config_params(object)
