"""Garbage collection tuned for a web process, and for making a report pack.

A dashboard request allocates many short-lived objects; with CPython's default thresholds a full
collection then runs every few requests and walks every object loaded at start-up (Django, the
URL resolvers, templates), costing 60–75 ms on the slowest requests. Freezing what exists after
start-up and collecting the young generation less often keeps p95 close to p50.

Laying out a pack (WeasyPrint) allocates millions of small objects, few of them in cycles: with
the default thresholds the collector runs thousands of times over the same long-lived ones, a
sixth to a quarter of the pack's CPU time. `fewer_collections` tunes it the same way while a pack
is made, and puts back what it found (a worker or a web process carries on as it was).

A process that has made a pack (`manage.py generate_report`) holds the modules of Django,
WeasyPrint, matplotlib and pandas, and the interpreter's teardown at exit, collecting as it
clears them, took 0.6 s after the pack was finished (1-1.5 s on a busy machine). So
`fewer_collections` also arranges, once per process, that at exit the garbage there is then is
collected (its finalizers run as before) and what is still alive is frozen, which the teardown's
collections pass over: 0.2 s.

`manage.py generate_report`, a process that makes one pack and ends, goes further
(`tune_for_command`): the collector is tuned from its first line, so that loading the apps
(hundreds of thousands of long-lived objects) does not run three full collections (0.3 s), and
stays tuned after the pack; at exit nothing is collected, everything is frozen. What the pack
leaves behind, WeasyPrint's boxes (380,000 objects in cycles), is then never collected, as with
`os._exit`: collecting it cost 0.4-0.6 s after the pack was done, and nothing in it holds what
a finalizer would need to close (the PDF and the slides are written and closed, the run saved).
"""

from __future__ import annotations

import atexit
import functools
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

THRESHOLDS = (50_000, 20, 20)
# The management commands that make a pack and end (see `tune_for_command`).
PACK_COMMANDS = frozenset({"generate_report"})
_leave_garbage_at_exit = False


def tune_for_web() -> None:
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


@contextmanager
def fewer_collections() -> Iterator[None]:
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    _freeze_at_exit()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if not frozen:  # a web process froze its start-up for good: leave that frozen
            gc.unfreeze()


def tune_for_command(argv: Sequence[str]) -> bool:
    """For manage.py, before Django is loaded: tune the collector for the whole life of a
    command that makes a pack, and leave its garbage uncollected at exit. Other commands are
    left as they are. Return whether the command was tuned."""
    global _leave_garbage_at_exit
    if len(argv) < 2 or argv[1] not in PACK_COMMANDS:
        return False
    gc.set_threshold(*THRESHOLDS)
    _leave_garbage_at_exit = True
    _freeze_at_exit()
    return True


def _collect_and_freeze() -> None:
    gc.collect()
    gc.freeze()


@functools.cache
def _freeze_at_exit() -> None:
    atexit.register(gc.freeze if _leave_garbage_at_exit else _collect_and_freeze)
