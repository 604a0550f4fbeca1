"""Work done beside the pack's PDF, on another core: the board slides are made in a forked
child process while this one lays out the PDF (WeasyPrint and matplotlib hold the GIL, so a
thread would not run them side by side).

The child inherits the pack as it stands (fork: nothing is pickled on the way in, nothing is
imported again) and must not touch the database: the deck is made from the snapshot alone. It
sends back its result, or its exception, pickled through a pipe, and ends with `os._exit`, so
that nothing of the parent's (its database connections, atexit handlers) is closed or run
twice. `os.fork` rather than `multiprocessing`, which refuses to start a child from a daemonic
process such as a Celery prefork worker. Where there is no fork (or `REPORT_PACK_PARALLEL` is
off) the work is done in this process when its result is asked for.
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable
from types import TracebackType
from typing import Any, Generic, TypeVar

from django.conf import settings

T = TypeVar("T")


class ChildError(RuntimeError):
    """The child failed in a way its own exception could not be sent back."""


def enabled() -> bool:
    return bool(getattr(settings, "REPORT_PACK_PARALLEL", True)) and hasattr(os, "fork")


def _answer(work: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> bytes:
    try:
        outcome: tuple[bool, Any] = (True, work(*args, **kwargs))
    except BaseException as exc:  # everything goes back to the parent, which decides
        outcome = (False, exc)
    try:
        return pickle.dumps(outcome)
    except Exception as exc:  # an exception or a result that cannot be pickled
        return pickle.dumps((False, ChildError(f"{type(exc).__name__}: {exc} ({outcome[1]!r})")))


class Job(Generic[T]):
    """`work(*args, **kwargs)` in a forked child, or, when that is off, in this process on
    `result()`. Used as a context manager: leaving the block early (an error in the parent)
    stops the child."""

    def __init__(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> None:
        self._work, self._args, self._kwargs = work, args, kwargs
        self._pid: int | None = None
        self._read: int | None = None
        if enabled():
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child
                try:
                    os.close(read)
                    answer = _answer(work, args, kwargs)
                    with os.fdopen(write, "wb") as pipe:
                        pipe.write(answer)
                finally:
                    os._exit(0)
            os.close(write)
            self._pid, self._read = pid, read

    @property
    def forked(self) -> bool:
        return self._pid is not None

    def result(self) -> T:
        """Wait for the child (or do the work now); its result, or its exception raised here."""
        if self._pid is None or self._read is None:
            return self._work(*self._args, **self._kwargs)
        with os.fdopen(self._read, "rb") as pipe:
            answer = pipe.read()
        self._read = None
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        if not answer:
            raise ChildError(f"The child process ended without an answer (status {status}).")
        ok, value = pickle.loads(answer)
        if not ok:
            raise value
        result: T = value
        return result

    def stop(self) -> None:
        if self._read is not None:
            os.close(self._read)
            self._read = None
        if self._pid is not None:
            # Not yet reaped, so the id is still the child's (a zombie at worst): safe to kill.
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = None

    def __enter__(self) -> Job[T]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is not None:
            self.stop()
