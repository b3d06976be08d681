"""What a query worker process does: open the store, run queries, report errors as ours.

Neither pyoxigraph nor rdflib can cancel a running query, so each query runs in
a worker process (started and killed by :mod:`.pool`) that has the store open
read-only. This module is the worker's side: it stays light (no rdflib, no
Flask) so that a worker starts fast. A worker ends soon after its parent does,
even in the middle of a query, and runs each query on a 256 MiB stack, far above
what the depth limits of :mod:`.inspect` let a query need.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from .. import errors
from .execute import QueryRequest, QueryResult, execute
from .formats import ResultFormat
from .inspect import QueryInfo
from .syntax import syntax_error

__all__ = ["syntax_error", "run_safely", "serve_on_large_stack", "outcome", "memory_error", "die_with_parent"]

log = logging.getLogger(__name__)
_UNKNOWN_FUNCTION = re.compile(r"custom function (<[^>]*>) is not supported")


def run_safely(
    store, request: QueryRequest, info: QueryInfo, fmt: ResultFormat, max_rows: int, prefixes: dict[str, str] | None
) -> QueryResult:
    """:func:`execute`, with the engine's own exceptions turned into ours."""
    try:
        return execute(store, request, info, fmt, max_rows, prefixes)
    except SyntaxError as exc:
        raise syntax_error(exc, request.text) from None
    except OSError as exc:
        raise errors.StoreError(f"le store n'a pas pu répondre / the store could not answer: {exc}") from None
    except RuntimeError as exc:
        if not errors.is_damage(exc):
            unknown = _UNKNOWN_FUNCTION.search(str(exc))
            if unknown is None:
                raise
            raise errors.UnknownFunctionError(
                f"fonction inconnue {unknown.group(1)} / unknown function {unknown.group(1)}",
                hint="seules les fonctions de SPARQL 1.1 et les conversions XSD sont connues / "
                "only SPARQL 1.1 functions and XSD casts are known",
            ) from None
        damaged = errors.StoreDamagedError.of(exc)  # RocksDB: a block of the store's files no longer matches
    # Raised here, not in the except clause: the engine's error and the query's frames (its results' iterator
    # among their locals) go in this thread, not chained to ours (see cap_ptce.store.local._damage_said).
    raise damaged


def open_for_queries(location: str):
    """The store a worker queries first: a folder opened read-only, or an N-Quads file loaded into memory."""
    import pyoxigraph

    if location.endswith(".nq"):
        store = pyoxigraph.Store()
        store.bulk_load(path=location, format=pyoxigraph.RdfFormat.N_QUADS)
        return store
    return pyoxigraph.Store.read_only(location)


def cap_memory(allowance_mib: int | None) -> None:
    """Let this process use ``allowance_mib`` MiB more address space than it holds now, and no more.

    Called once the worker's store is open (and copied into memory): past the
    limit, allocations fail, so a query that would eat the machine's memory
    stops its own worker instead (the pool reports it and starts a fresh one).
    """
    if not allowance_mib:
        return
    import resource

    status = Path("/proc/self/status")
    if not status.exists():  # not Linux: no reliable figure to start from
        log.warning("QUERY_MEMORY_MB is not enforced on this system")
        return
    held = next(int(line.split()[1]) * 1024 for line in status.read_text().splitlines() if line.startswith("VmSize:"))
    limit = held + allowance_mib * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


QUERY_STACK_BYTES = 256 * 2**20


def serve_on_large_stack(conn: Connection, location: str, memory_mib: int | None = None, niceness: int = 0) -> None:
    """Body of a started worker process: open the store at ``location`` and answer (see :func:`_serve`)."""
    _run_on_large_stack(_serve, (conn, location, memory_mib), niceness)


def _run_on_large_stack(body, args: tuple, niceness: int) -> None:
    """Run ``body`` in a thread whose stack takes deep queries.

    The thread is made before the memory cap is set, so that its stack counts in
    what the worker holds, not in what a query may use. A low-priority worker
    lowers its own priority first, so that every thread it starts inherits it.
    """
    if niceness:
        os.nice(niceness)
    die_with_parent()
    threading.stack_size(QUERY_STACK_BYTES)
    thread = threading.Thread(target=body, args=args, name="cap-ptce-query")
    thread.start()
    thread.join()


def die_with_parent(interval: float = 1.0) -> None:
    """End this process soon after its parent dies, even in the middle of a query (a worker's, the copy's).

    An idle worker sees its socket close; a busy one would run its query to the end
    (nothing else stops it once the parent that keeps the time is gone). Linux's
    parent-death signal follows the thread that started the process, which ends
    once the worker is ready, so a thread watches the parent's pid instead.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(3)

    threading.Thread(target=watch, daemon=True, name="cap-ptce-parent-watch").start()


def _serve(conn: Connection, location: str, memory_mib: int | None = None) -> None:
    """Open the store at ``location`` and answer jobs, under the memory cap once the store is open."""

    def open_store():
        store = open_for_queries(location)
        cap_memory(memory_mib)
        return lambda: store

    _answer(conn, open_store, location, memory_mib)


def _answer(conn: Connection, open_store, where: str, memory_mib: int | None = None) -> None:
    """Receive the prefixes, open the store, say so, answer jobs until the socket closes."""
    try:
        prefixes = conn.recv()
        try:
            current = open_store()
        except OSError as exc:
            conn.send(("failed", f"cannot open {where}: {exc}"))
            return
        conn.send(("ready", None))
    except (EOFError, OSError):  # the server stopped while this worker was starting: nobody to tell
        return
    while True:
        try:
            request, info, fmt, max_rows = conn.recv()
        except (EOFError, OSError):  # the server closed its end, or went away (SIGTERM, SIGKILL): nothing to say
            return
        answer = outcome(current(), request, info, fmt, max_rows, prefixes, memory_mib)
        try:
            conn.send(answer)
        except OSError:  # the server went away while the query ran
            return


def outcome(store, request, info, fmt, max_rows, prefixes, memory_mib) -> tuple:
    """What to send back for one job: the result, or the error as ours."""
    try:
        return ("ok", run_safely(store, request, info, fmt, max_rows, prefixes))
    except errors.CapPtceError as exc:
        return ("error", (type(exc).__name__, exc.to_dict()))
    except MemoryError:  # what Python allocated for the query is freed by now: keep serving
        return ("error", ("QueryMemoryError", memory_error(memory_mib).to_dict()))
    except Exception as exc:  # a bug must not take the worker down: report it, keep serving
        return ("error", ("StoreError", {"message": f"unexpected {type(exc).__name__} in a query worker: {exc}"}))


def memory_error(memory_mib: int | None) -> errors.QueryMemoryError:
    return errors.QueryMemoryError(
        f"la requête demandait plus que les {memory_mib} Mio de mémoire permis à une requête : arrêtée / "
        f"the query needed more than the {memory_mib} MiB of memory a query may use, and was stopped",
        hint="ajoutez LIMIT, restreignez les motifs, ou lancez-la sur votre propre copie (cap-ptce load) / "
        "add LIMIT, narrow its patterns, or run it on your own copy",
    )
