"""Task construction: parameters resolved once, never stale; builds and exit release the graph."""

from __future__ import annotations

import gc
import signal
import textwrap
import weakref

import kartwheel
import luigi
import pytest
from kartwheel._run.scheduling import SchedulerFactory

from tests.processes import run_python


class Listed(kartwheel.TaskOnKart):
    values = luigi.ListParameter()

    def run(self) -> None:
        self.dump(list(self.values))


class Doubling(kartwheel.TaskOnKart):
    """Changes its own argument before luigi sees it in __init__."""

    n = luigi.IntParameter()

    def __init__(self, *args, **kwargs) -> None:
        kwargs["n"] = kwargs["n"] * 2
        super().__init__(*args, **kwargs)


class Nesting(kartwheel.TaskOnKart):
    """Creates another task inside its own __init__, before luigi resolves its parameters."""

    n = luigi.IntParameter()

    def __init__(self, *args, **kwargs) -> None:
        self.inner = Listed(values=[kwargs["n"], 0])
        super().__init__(*args, **kwargs)


@pytest.fixture
def resolutions(monkeypatch):
    """Counts resolutions of parameters per task class."""
    counts: dict[str, int] = {}
    original = kartwheel.TaskOnKart._resolve_param_values.__func__

    def counting(cls, params, args, kwargs):
        counts[cls.__name__] = counts.get(cls.__name__, 0) + 1
        return original(cls, params, args, kwargs)

    monkeypatch.setattr(kartwheel.TaskOnKart, "_resolve_param_values", classmethod(counting))
    return counts


def test_a_new_task_resolves_its_parameters_once(resolutions):
    task = Listed(values=[1, 2, 3, 1234567])
    assert task.values == (1, 2, 3, 1234567)
    assert resolutions == {"Listed": 1}


def test_the_same_task_again_comes_from_luigis_cache(resolutions):
    first = Listed(values=[5, 6, 1234567])
    assert Listed(values=[5, 6, 1234567]) is first
    assert resolutions == {"Listed": 2}


def test_a_changed_argument_is_resolved_again():
    values = [1, 7654321]
    first = Listed(values=values)
    values.append(2)
    second = Listed(values=values)
    assert first.values == (1, 7654321)
    assert second.values == (1, 7654321, 2)
    assert first.make_unique_id() != second.make_unique_id()


def test_an_init_that_changes_its_arguments_gets_what_it_passed_on():
    assert Doubling(n=21).n == 42


def test_a_task_created_inside_another_init_keeps_its_own_parameters():
    task = Nesting(n=3)
    assert task.n == 3
    assert task.inner.values == (3, 0)


def test_missing_parameters_are_still_luigis_error():
    with pytest.raises(luigi.parameter.MissingParameterException):
        Listed()


def test_a_build_gives_sigusr1_back_and_lets_its_worker_go(workspace, monkeypatch):
    workers = []
    create_worker = SchedulerFactory.create_worker

    def recording(self, *args, **kwargs):
        worker = create_worker(self, *args, **kwargs)
        workers.append(weakref.ref(worker))
        return worker

    monkeypatch.setattr(SchedulerFactory, "create_worker", recording)
    before = signal.getsignal(signal.SIGUSR1)
    assert kartwheel.build(Listed(values=[4, 2], workspace_directory=workspace)) == [4, 2]
    assert signal.getsignal(signal.SIGUSR1) == before
    gc.collect()
    assert len(workers) == 1
    assert workers[0]() is None  # this build's worker, whatever other tests left behind


def test_tasks_are_released_before_the_interpreter_shuts_down(tmp_path):
    script = textwrap.dedent(
        """
        import atexit, weakref

        def check():  # registered before kartwheel's handler, so it runs after it
            print("released" if probe() is None else "alive")

        atexit.register(check)

        import kartwheel, luigi

        class Kept(kartwheel.TaskOnKart):
            n = luigi.IntParameter()

        probe = weakref.ref(Kept(n=1))
        """
    )
    done = run_python("-c", script, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "released"


def test_a_task_is_kept_while_the_program_runs():
    probe = weakref.ref(Listed(values=[9, 8, 7654321]))
    gc.collect()
    assert probe() is not None  # luigi's instance cache, as luigi users expect


def test_luigis_warning_for_a_non_string_parameter_value_still_shows():
    class Named(kartwheel.TaskOnKart):
        name = luigi.Parameter()
        n = luigi.IntParameter(default=1)

    with pytest.warns(UserWarning, match='Parameter "name" with value "3" is not of type string'):
        Named(name=3)
