"""What the pool tells a client when a query worker reports an error or ends while running its query."""

from __future__ import annotations

import logging
import signal

from .. import errors
from .workers import memory_error

__all__ = ["rebuilt_error", "stopped_error", "signal_name"]

log = logging.getLogger("cap_ptce.sparql.pool")


def rebuilt_error(name: str, fields: dict) -> errors.CapPtceError:
    """The exception a worker reported, rebuilt in this process from its dict."""
    cls = getattr(errors, name, errors.StoreError)
    if not (isinstance(cls, type) and issubclass(cls, errors.CapPtceError)):
        cls = errors.StoreError
    where = {k: fields[k] for k in ("source", "line", "column", "key", "hint") if k in fields}
    return cls(fields.get("message", "the query failed"), **where)


def stopped_error(code: int | None, exc: BaseException, memory_mib: int | None) -> errors.CapPtceError:
    """What to report for a worker that ended while running a query, from how it ended."""
    if code == -signal.SIGABRT and memory_mib:  # the engine aborts when an allocation fails past the cap
        return memory_error(memory_mib)
    if code is not None and code < 0:
        cause = signal_name(code)
        if code == -signal.SIGKILL:
            cause += ", sent by an operator or by the system when memory ran out"
        log.error("a query worker was stopped by %s", cause)
        return errors.WorkerStoppedError(
            f"the query worker was stopped by {cause}; a fresh one takes its place",
            hint="si la requête recommence, signalez-la / if the query does it again, please report it",
        )
    return errors.StoreError(f"the query worker stopped unexpectedly (exit {code}, {exc or type(exc).__name__})")


def signal_name(code: int) -> str:
    try:
        number = signal.Signals(-code)
    except ValueError:
        return f"signal {-code}"
    return f"{number.name} ({signal.strsignal(number) or number.name})"
