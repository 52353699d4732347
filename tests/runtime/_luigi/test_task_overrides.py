"""TaskOnKart's overrides of luigi's Task methods give exactly what luigi's own methods give."""

from __future__ import annotations

import kartwheel
import luigi
import pytest
from kartwheel.testing import isolated_config


class Upstream(kartwheel.TaskOnKart[int]):
    size = luigi.IntParameter(default=3)


class Varied(kartwheel.TaskOnKart[int]):
    name = luigi.Parameter()
    count = luigi.IntParameter(default=2)
    ratio = luigi.FloatParameter(default=0.5)
    tags = luigi.ListParameter(default=[])
    options = luigi.DictParameter(default={})
    hidden = luigi.Parameter(default="h", visibility=luigi.parameter.ParameterVisibility.HIDDEN)
    private = luigi.Parameter(default="p", visibility=luigi.parameter.ParameterVisibility.PRIVATE)
    insignificant = luigi.Parameter(default="i", significant=False)
    upstream = kartwheel.TaskInstanceParameter(default=None)


TASKS = {
    "defaults": lambda: Varied(name="a"),
    "keywords": lambda: Varied(name="b", count=5, tags=[1, 2], options={"x": [1]}, insignificant="z"),
    "positional": lambda: Varied("c", 7),
    "with-upstream": lambda: Varied(name="d", upstream=Upstream(size=9)),
}


@pytest.mark.parametrize("make", TASKS.values(), ids=TASKS.keys())
def test_the_same_as_luigis_own_methods(make):
    task = make()
    assert task.get_params() == luigi.Task.get_params.__func__(Varied)
    for only_significant in (False, True):
        for only_public in (False, True):
            ours = task.to_str_params(only_significant, only_public)
            assert ours == luigi.Task.to_str_params(task, only_significant, only_public)
    assert task._get_param_visibilities() == luigi.Task._get_param_visibilities(task)
    assert repr(task) == luigi.Task.__repr__(task)


@pytest.mark.parametrize("make", TASKS.values(), ids=TASKS.keys())
def test_parameter_values_match_luigis_resolution_with_and_without_config(make):
    task = make()
    args, kwargs = (), dict(task.param_kwargs)
    params = Varied.get_params()
    assert Varied.get_param_values(params, args, kwargs) == luigi.Task.get_param_values.__func__(
        Varied, params, args, kwargs
    )
    with isolated_config({"Varied": {"count": "11"}}):
        fresh = {"name": "e"}
        assert Varied.get_param_values(params, (), fresh) == luigi.Task.get_param_values.__func__(
            Varied, params, (), fresh
        )
        assert Varied(name="e").count == 11
