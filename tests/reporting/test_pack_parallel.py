"""The board slides made beside the PDF in a second process: the child's result and its errors
come back, the work is done here when forking is off, and a run whose slides fail keeps no
half-made files."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from config.gc_tuning import THRESHOLDS, fewer_collections
from reporting import services
from reporting.models import ReportRun, ReportSchedule, RunStatus
from reporting.packs import parallel
from targets.models import Measure, Priority, Service
from targets.periods import parse_period
from tests.reporting.test_runs import build_council


def where(tag: str) -> tuple[str, int]:
    return tag, os.getpid()


def fails() -> None:
    raise ValueError("no slides today")


def test_the_work_runs_in_a_child_and_its_result_comes_back() -> None:
    with parallel.Job(where, "deck") as job:
        assert job.forked
        tag, pid = job.result()
    assert tag == "deck" and pid != os.getpid()


def test_the_childs_exception_is_raised_in_the_parent() -> None:
    job = parallel.Job(fails)
    with pytest.raises(ValueError, match="no slides today"):
        job.result()


def test_without_forking_the_work_is_done_here_when_asked(settings: Any) -> None:
    settings.REPORT_PACK_PARALLEL = False
    job = parallel.Job(where, tag="deck")
    assert not job.forked
    assert job.result() == ("deck", os.getpid())


def test_leaving_early_stops_the_child() -> None:
    with pytest.raises(KeyError), parallel.Job(time.sleep, 30) as job:
        pid = job._pid
        raise KeyError("the PDF failed")
    assert pid is not None and not job.forked
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # gone, and reaped


def make_in_a_daemon() -> bool:
    return parallel.Job(where, "deck").forked


def test_a_daemonic_worker_still_forks_its_child() -> None:
    # Celery's prefork workers are daemonic processes, which multiprocessing will not let
    # have children: the slides' child is forked all the same.
    import billiard

    with billiard.Pool(1) as pool:
        assert pool.apply(make_in_a_daemon) is True


@pytest.mark.django_db
def test_a_run_whose_slides_fail_fails_and_writes_neither_file(
    waste: Service,
    housing: Service,
    priority: Priority,
    settings: Any,
    tmp_path: Path,
    time_machine: Any,
) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)
    settings.MEDIA_ROOT = tmp_path / "media"
    council: dict[str, Measure] = build_council(waste, housing, priority)
    assert council
    schedule = ReportSchedule.objects.get(code="scrutiny-quarterly")
    requested = services.request_run(
        schedule=schedule, period=parse_period("2026/27-Q2"), dispatch=False
    )
    with mock.patch("reporting.packs.deck.write_pptx", side_effect=ValueError("broken deck")):
        run = services.run_report(run_id=requested.run.pk)
    assert run.status == RunStatus.FAILED and "broken deck" in run.error
    assert not [p for p in (tmp_path / "media").rglob("*") if p.is_file()]
    assert ReportRun.objects.get(pk=run.pk).pages is None


@pytest.fixture
def _collector_as_in_a_worker() -> Iterator[None]:
    """CPython's thresholds and nothing frozen, as in a Celery worker (the test process froze its
    start-up and raised the thresholds, as a web process does: tests/conftest.py)."""
    thresholds = gc.get_threshold()
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*thresholds)
    gc.freeze()


@pytest.mark.usefixtures("_collector_as_in_a_worker")
def test_the_collector_is_put_back_as_it_was_after_a_pack() -> None:
    with fewer_collections():
        assert gc.get_threshold() == THRESHOLDS
        assert gc.get_freeze_count() > 0
    assert (gc.get_threshold(), gc.get_freeze_count()) == ((700, 10, 10), 0)


def test_a_process_that_froze_its_start_up_keeps_it_frozen_after_a_pack() -> None:
    gc.freeze()  # as a web process does once started (config.gc_tuning.tune_for_web)
    frozen = gc.get_freeze_count()
    with fewer_collections():
        pass
    assert gc.get_freeze_count() >= frozen


# Registered before the pack is made, so it runs after the hook `fewer_collections` registers
# (exit handlers run last in, first out) and sees what that hook left.
AT_EXIT = """
import atexit, gc
atexit.register(lambda: print(gc.get_freeze_count() > 0, gc.get_threshold() == (50_000, 20, 20)))
from config.gc_tuning import fewer_collections
with fewer_collections():
    pass
print(gc.get_freeze_count())
"""


def test_a_process_that_made_a_pack_freezes_its_heap_when_it_exits() -> None:
    done = subprocess.run(
        [sys.executable, "-c", AT_EXIT],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    # After the pack the heap was unfrozen and the thresholds put back; the exit froze it.
    assert done.stdout.splitlines() == ["0", "True False"]
    assert done.stderr == ""


# A process started as `manage.py generate_report` (the command's first step, before Django).
COMMAND = """
import atexit, gc, sys
from config.gc_tuning import tune_for_command

class Cycle:
    def __del__(self):
        print("collected")

atexit.register(lambda: print(gc.get_freeze_count() > 0, gc.get_threshold() == (50_000, 20, 20)))
print(tune_for_command(sys.argv[1:]))
print(gc.get_threshold() == (50_000, 20, 20))
garbage = Cycle()
garbage.itself = garbage
del garbage
"""


def _run(script: str, *argv: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", script, *argv],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stderr == ""
    return done.stdout.splitlines()


def test_the_pack_command_is_tuned_from_its_start_and_leaves_its_garbage_at_exit() -> None:
    # Tuned before anything is loaded; at exit the heap is frozen, the cycle never collected.
    assert _run(COMMAND, "manage.py", "generate_report", "scrutiny-quarterly") == [
        "True",
        "True",
        "True True",
    ]


def test_other_commands_keep_the_collector_as_it_was() -> None:
    # Not tuned; the interpreter's own teardown collects the cycle.
    assert _run(COMMAND, "manage.py", "migrate") == ["False", "False", "False False", "collected"]
