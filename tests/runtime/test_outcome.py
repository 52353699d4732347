"""The verdict of a run: exit code and line from luigi's summary and the scheduler's graph."""

from __future__ import annotations

import luigi
import luigi.retcodes
from kartwheel._run.outcome import EXIT_CODES, decide


class Root(luigi.Task):
    def complete(self):
        return False


CODES = luigi.retcodes.retcode(**{name: code for name, code in EXIT_CODES.items() if name != "scheduler_unreachable"})


class Named:
    def __init__(self, name):
        self.task_id = name

    def __str__(self):
        return self.task_id


def summary(**parts):
    keys = ("completed", "already_done", "failed", "scheduling_error", "still_pending_ext", "run_by_other_worker")
    return {key: set(parts.get(key, ())) for key in keys}


def test_root_done_by_another_worker_is_success():
    root = Root()
    graph = {
        root.task_id: {"status": "DONE", "display_name": "Root()"},
        "a": {"status": "DONE"},
        "b": {"status": "DONE"},
    }
    verdict = decide(root, summary(completed=[Named("a")], run_by_other_worker=[root]), graph, CODES)
    assert verdict.code == 0
    assert verdict.line == "root complete: 3 tasks, 1 run here, 2 by other workers"


def test_a_failure_anywhere_in_the_graph_is_40_naming_it():
    root = Root()
    graph = {root.task_id: {"status": "PENDING"}, "a": {"status": "FAILED", "display_name": "A(i=1)"}}
    verdict = decide(root, summary(), graph, CODES)
    assert verdict.code == 40
    assert "A(i=1)" in verdict.line


def test_tasks_held_elsewhere_are_30():
    root = Root()
    graph = {root.task_id: {"status": "PENDING"}, "a": {"status": "RUNNING", "display_name": "A()"}}
    verdict = decide(root, summary(), graph, CODES)
    assert verdict.code == 30
    assert "still held by other workers (A())" in verdict.line


def test_without_the_scheduler_the_summary_decides():
    root = Root()
    verdict = decide(root, summary(scheduling_error=[Named("X()")]), None, CODES)
    assert verdict.code == 50
    assert "cannot schedule X()" in verdict.line


def test_many_names_are_shortened():
    root = Root()
    graph = {str(i): {"status": "FAILED", "display_name": f"T{i}"} for i in range(5)}
    assert decide(root, summary(), graph, CODES).line.endswith("T0, T1, T2 and 2 more")


def test_not_run_says_why_from_what_the_scheduler_knows():
    root = Root()
    unanswered = decide(root, summary(completed=[Named("a")]), None, CODES)
    assert unanswered.code == 30
    assert "1 task(s) run here; the scheduler did not answer at the end" in unanswered.line
    forgotten = decide(root, summary(), {}, CODES)
    assert forgotten.code == 30
    assert "no longer knows this graph (was it restarted without --state-path?)" in forgotten.line
    graph = {root.task_id: {"status": "PENDING", "display_name": "Root()"}, "a": {"status": "DONE"}}
    pending = decide(root, summary(), graph, CODES)
    assert pending.code == 30
    assert "1 task(s) still pending on the scheduler (Root()), none running" in pending.line
    assert "restarted?" not in pending.line


def test_the_total_is_the_graph_this_worker_scheduled_also_after_a_scheduler_restart():
    root = Root()
    scheduled = {root.task_id: "Root()", **{f"t{i}": f"T{i}" for i in range(4)}}
    # A restarted luigid knows only the tasks re-added since: the root and one other.
    graph = {root.task_id: {"status": "DONE", "display_name": "Root()"}, "t0": {"status": "DONE"}}
    verdict = decide(root, summary(completed=[Named("t0"), root]), graph, CODES, scheduled)
    assert verdict.line == "root complete: 5 tasks, 2 run here, 3 by other workers"
    assert decide(root, summary(completed=[Named("t0"), root]), graph, CODES).line.startswith("root complete: 2 tasks")
