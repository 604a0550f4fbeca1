"""Work done beside the pack's PDF, on another core: the board slides are made in a forked
child process while this one lays out the PDF (WeasyPrint and matplotlib hold the GIL, so a
thread would not run them side by side).

The child inherits the pack as it stands (fork: nothing is pickled on the way in, nothing is
imported again) and must not touch the database: the deck is made from the snapshot alone. It
sends back its result, or its exception, through a pipe. Where a child cannot be forked (no
`fork`, or `REPORT_PACK_PARALLEL` off) the work is done in this process when asked for.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any, Generic, TypeVar

from django.conf import settings

T = TypeVar("T")


class ChildError(RuntimeError):
    """The child failed in a way its own exception could not be sent back."""


def enabled() -> bool:
    return bool(getattr(settings, "REPORT_PACK_PARALLEL", True)) and (
        "fork" in multiprocessing.get_all_start_methods()
    )


def _child(
    send: Connection, work: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    try:
        outcome: tuple[bool, Any] = (True, work(*args, **kwargs))
    except BaseException as exc:  # everything goes back to the parent, which decides
        outcome = (False, exc)
    try:
        send.send(outcome)
    except Exception as exc:  # an exception or a result that cannot be pickled
        send.send((False, ChildError(f"{type(exc).__name__}: {exc}; the child's: {outcome[1]}")))
    finally:
        send.close()


class Job(Generic[T]):
    """`work(*args, **kwargs)` in a forked child, or, when that is off, in this process on
    `result()`. Used as a context manager: leaving the block early (an error in the parent)
    stops the child."""

    def __init__(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> None:
        self._work, self._args, self._kwargs = work, args, kwargs
        self._process: Any = None
        self._receive: Connection | None = None
        if enabled():
            context = multiprocessing.get_context("fork")
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(send, work, args, kwargs), daemon=True)
            try:
                process.start()
            except (AssertionError, OSError):
                # A daemonic process may not have children, or no process could be made:
                # the work is done here instead.
                receive.close()
            else:
                self._process, self._receive = process, receive
            send.close()

    @property
    def forked(self) -> bool:
        return self._process is not None

    def result(self) -> T:
        """Wait for the child (or do the work now); its result, or its exception raised here."""
        if self._process is None or self._receive is None:
            return self._work(*self._args, **self._kwargs)
        try:
            ok, value = self._receive.recv()
        except EOFError:
            self._process.join()
            raise ChildError(
                f"The child process ended without an answer (exit code {self._process.exitcode})."
            ) from None
        finally:
            self._receive.close()
        self._process.join()
        if not ok:
            raise value
        result: T = value
        return result

    def stop(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join()

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
