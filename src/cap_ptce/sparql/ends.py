"""What the pool tells a client when a query worker reports an error or ends while running its query."""

from __future__ import annotations

import logging
import signal

from .. import errors
from .workers import memory_error

__all__ = ["rebuilt_error", "stopped_error", "signal_name", "engine_fault"]

log = logging.getLogger("cap_ptce.sparql.pool")


def rebuilt_error(name: str, fields: dict) -> errors.CapPtceError:
    """The exception a worker reported, rebuilt in this process from its dict."""
    cls = getattr(errors, name, errors.StoreError)
    if not (isinstance(cls, type) and issubclass(cls, errors.CapPtceError)):
        cls = errors.StoreError
    where = {k: fields[k] for k in ("source", "line", "column", "key", "hint") if k in fields}
    return cls(fields.get("message", "the query failed"), **where)


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)  # how a service manager stops a service


def stopped_error(
    code: int | None, exc: BaseException, memory_mib: int | None, panic: str | None = None, closing: bool = False
) -> errors.CapPtceError:
    """What to report for a worker that ended while running a query, from how it ended (``panic``: what the
    engine said as it gave up, if it did; ``closing``: the pool was closed meanwhile, the server stopping).

    A worker ended by the server's own stop, or by a stop signal (systemd sends one to every process of a
    service at once), is no fault: a :class:`~cap_ptce.errors.ServerStoppingError`, not logged as an error."""
    if closing or (code is not None and -code in _STOP_SIGNALS):
        how = "the server is stopping" if closing else f"the query worker was stopped by {signal_name(code)}"
        log.info("%s: a query was not finished", how)
        french = "le serveur s'arrête" if closing else f"le processus de requête a été arrêté par {signal_name(code)}"
        return errors.ServerStoppingError(
            f"{french} : la requête n'a pas fini / {how}: the query was not finished",
            hint="la relancer dans un moment / run it again in a moment",
        )
    if panic is not None:
        return engine_fault(panic)
    if code == -signal.SIGABRT and memory_mib:  # the engine aborts when an allocation fails past the cap
        return memory_error(memory_mib)
    if code is not None and code < 0:
        cause = french = signal_name(code)
        if code == -signal.SIGKILL:
            cause += ", sent by an operator or by the system when memory ran out"
            french += ", envoyé par un exploitant ou par le système à court de mémoire"
        log.error("a query worker was stopped by %s", cause)
        return errors.WorkerStoppedError(
            f"le processus de requête a été arrêté par {french} ; un nouveau le remplace / "
            f"the query worker was stopped by {cause}; a fresh one takes its place",
            hint="si la requête recommence, signalez-la / if the query does it again, please report it",
        )
    return errors.StoreError(
        f"le processus de requête s'est arrêté sans raison connue (code {code}) / "
        f"the query worker stopped unexpectedly (exit {code}, {exc or type(exc).__name__})"
    )


def signal_name(code: int) -> str:
    try:
        number = signal.Signals(-code)
    except ValueError:
        return f"signal {-code}"
    return f"{number.name} ({signal.strsignal(number) or number.name})"


def engine_fault(panic: str) -> errors.EngineFaultError:
    """The error for a query on which the engine gave up (a Rust panic: ``panic`` is its message)."""
    if "total order" in panic:  # its sort, given values it does not order consistently
        hint = (
            "un défaut connu du moteur (Oxigraph) : ORDER BY sur des valeurs de natures différentes (nombres, "
            "textes, IRI) ; ordonnez par STR(?x), ou ne gardez qu'une nature de valeur / a known fault of the "
            "engine (Oxigraph): ORDER BY over values of different kinds (numbers, texts, IRIs); order by STR(?x), "
            "or keep one kind of value"
        )
    else:
        hint = (
            "un défaut du moteur, pas de la requête : écrivez-la autrement ; si elle recommence, signalez-la / a "
            "fault of the engine, not of the query: write it another way; if it does it again, please report it"
        )
    return errors.EngineFaultError(
        f"le moteur de requêtes a échoué sur cette requête / the query engine failed on this query ({panic})",
        hint=hint,
    )
