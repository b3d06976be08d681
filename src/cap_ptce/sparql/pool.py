"""The pool of query worker processes: a time limit that really stops a query, shared fairly.

Each query runs in a worker process (:mod:`.workers`) that has the store open
read-only; when the time limit passes, the worker is killed and a fresh one
takes its place while the other workers go on serving other clients. Each
worker is a fresh interpreter talking over a socket pair: safe in a threaded
server, unlike ``fork``, and unlike multiprocessing's ``spawn`` it never
re-imports the caller's main module. Workers start in Python's isolated mode
(``-I``): neither the current folder nor ``PYTHON*`` variables can plant a
module in them.

Workers come in two kinds: the main ones, and low-priority ones (``nice``)
for clients that used their share of query time (:mod:`.sharing`).

With ``in_memory``, one process (:mod:`.memory`) copies the store into memory
once and answers the ready-made queries from it, in threads that share the one
copy: several times faster than on the folder, and no copy per worker. Those
queries cannot be stopped there, so only queries of known cost go there, and
at most ``size`` at once; every other query, and the ready-made ones while the
copy is being made or busy, runs in a worker as above.
"""

from __future__ import annotations

import logging
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from .. import errors
from .ends import rebuilt_error, signal_name, stopped_error
from .execute import QueryRequest, QueryResult
from .formats import ResultFormat
from .inspect import QueryInfo
from .memory import MemoryCopy
from .sharing import ClientLedger, Sharing

__all__ = ["WorkerPool", "MAIN", "HEAVY"]

log = logging.getLogger(__name__)
_STOP_SIGNALS = {signal.SIGTERM: "SIGTERM", signal.SIGINT: "SIGINT", signal.SIGHUP: "SIGHUP"}  # a stop, not a fault

MAIN, HEAVY = "main", "heavy"
_NICENESS = {MAIN: 0, HEAVY: 10}  # at nice 10 a process gets about a tenth of a core that others want
_STARTING = 120.0  # seconds a query waits for the first worker of its kind to open the store
_HANDOVERS = 3  # workers a query tries when each was found dead as it was handed the query
_COPY_RESTARTS = 3  # copies made again after the copy's process died, before ready-made queries stay on the folder
_BUSY_HINT = (
    "le serveur est saturé : réessayez dans quelques secondes / the server is saturated: retry in a few seconds"
)

_OWN_QUERY_HINT = (
    "simplifiez-la, ajoutez LIMIT, ou lancez-la sur votre propre copie (cap-ptce load) / "
    "simplify it, add LIMIT, or run it on your own copy"
)
# A ready-made query's text is not the visitor's to simplify: on a large store it can pass the limit in a worker
# while the server is still making its in-memory copy (a minute at 10,000 descriptions), or on a busy machine.
_READY_MADE_HINT = (
    "une requête prête, longue sur ce corpus : réessayez dans un moment (au démarrage, le serveur copie la base "
    "en mémoire, où elle va plus vite) ; l'exploitant peut augmenter QUERY_TIMEOUT / a ready-made query, long "
    "on this corpus: try again in a moment (at start-up the server copies the store into memory, where it runs "
    "faster); the operator may raise QUERY_TIMEOUT"
)


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen
    conn: Connection
    kind: str
    _stopping: threading.Lock = field(default_factory=threading.Lock)
    relay: threading.Thread | None = None  # reads its standard error into the log (_relay_errors)
    panic: str | None = None  # what the engine said as it gave up (a Rust panic), if it did

    def why_it_ended(self) -> str | None:
        """The engine's panic, once the worker has ended and its standard error is read (at most 2 s more)."""
        if self.relay is not None:
            self.relay.join(2)
        return self.panic

    def stop(self) -> None:
        """Kill the process and close its connection, once, whichever threads ask (a query's, close())."""
        with self._stopping:
            self.process.kill()
            self.process.wait(5)
            if not self.conn.closed:
                self.conn.close()


# What the engine writes on its standard error when an allocation fails past the cap, before it aborts.
_ALLOCATION_FAILED = re.compile(r"^memory allocation of \d+ bytes failed")
_PANICKED = re.compile(r"^thread .* panicked at ")  # a Rust panic: its message on the next line
# and what the engine says when its allocator fails again while it stops (« skipping backtrace printing… »)
_BACKTRACE = re.compile(r"^(stack backtrace:|note: .*RUST_BACKTRACE|\s+\d+:|\s+at |skipping backtrace printing)")


def _relay_errors(worker: _Worker, memory_mib: int | None) -> None:
    """A worker's standard error into the server's log, a line each: the engine's abort at the memory cap said as
    what it is (the query is answered 413), its backtrace left out; a panic's message kept for the query's
    answer. Ends with the worker."""
    process, panicking, told_memory = worker.process, False, False
    for raw in process.stderr:
        line = raw.decode("utf-8", "replace").rstrip()
        if not line or _BACKTRACE.match(line):
            continue
        if panicking and worker.panic is None:  # the line after "panicked at …:" says why
            worker.panic = line.strip()[:300]
        panicking = panicking or bool(_PANICKED.search(line))
        if _ALLOCATION_FAILED.match(line) and memory_mib:
            if not told_memory:  # the engine says it again as it stops
                log.warning(
                    "query worker %d stopped at its memory limit (QUERY_MEMORY_MB, %d MiB): its query is answered 413",
                    process.pid,
                    memory_mib,
                )
            told_memory = True
            continue
        log.warning("query worker %d: %s", process.pid, line)
    process.stderr.close()


class _Kind:
    """The idle workers of one kind and how many queries wait for one."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.idle: queue.Queue[_Worker | None] = queue.Queue()  # None: no worker can start
        self.waiting = 0


class WorkerPool:
    """``size`` worker processes, each with the store at ``location`` (a folder or an N-Quads file).

    With ``in_memory``, the ready-made queries run on one in-memory copy of the
    data (see the module's docstring): several times faster than on the
    read-only folder (at 10,000 descriptions, `financement-par-projet` in 0.4 s
    against 2.0 s), and a single copy however many queries run at once. A
    worker takes jobs only once its store is open. ``sharing`` adds the
    low-priority workers and the limits per client.
    """

    def __init__(
        self,
        location: str,
        size: int = 2,
        *,
        prefixes: dict[str, str] | None = None,
        in_memory: bool = True,
        memory_mib: int | None = None,
        sharing: Sharing | None = None,
    ) -> None:
        if size < 1:
            raise errors.ParameterError(f"QUERY_WORKERS must be at least 1, not {size}", key="QUERY_WORKERS")
        if memory_mib is not None and memory_mib < 0:
            raise errors.ParameterError(
                f"QUERY_MEMORY_MB must be positive (or 0 for no limit), not {memory_mib}", key="QUERY_MEMORY_MB"
            )
        self.location = str(location)
        self.size = size
        self.in_memory = in_memory
        self.memory_mib = memory_mib or None
        self.sharing = sharing or Sharing()
        self.clients = ClientLedger(self.sharing)
        self._prefixes = prefixes or {}
        self._kinds = {MAIN: _Kind(size), HEAVY: _Kind(self.sharing.heavy_workers)}
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        # RocksDB found the store damaged as the copy read it: no query reads it any more (see _await_copy)
        self.damaged: errors.StoreDamagedError | None = None
        self._failure: str | None = None
        self._started: set[str] = set()
        self._ready: set[str] = set()  # kinds of which a worker has opened the store
        self._copy: MemoryCopy | None = None  # once its copy is made: the ready-made queries run there
        self._copy_starts = 0
        self._copying: MemoryCopy | None = None  # a copy still being made
        # the copy's threads under way: as many as the main workers, each held until its query really ends
        self._copy_slots = threading.BoundedSemaphore(size)
        self._start_kind(MAIN)  # low-priority workers start when a client first needs them

    # --- processes ------------------------------------------------------------------------

    def _start(self, kind: str) -> _Worker:
        ours, theirs = socket.socketpair()
        command = [
            sys.executable,
            "-I",  # isolated: no module planted in the current folder or named by PYTHON* variables
            "-c",
            _WORKER_MAIN,
            str(theirs.fileno()),
            self.location,
            str(self.memory_mib or 0),
            _PACKAGE_ROOT,
            str(_NICENESS[kind]),
        ]
        process = subprocess.Popen(
            command, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        theirs.close()
        worker = _Worker(process, Connection(ours.detach()), kind)
        worker.relay = threading.Thread(
            target=_relay_errors, args=(worker, self.memory_mib), daemon=True, name="cap-ptce-worker-stderr"
        )
        worker.relay.start()
        worker.conn.send(self._prefixes)
        with self._lock:
            self._all.add(worker)
        return worker

    def _start_kind(self, kind: str) -> None:
        with self._lock:
            if kind in self._started:
                return
            self._started.add(kind)
        for _ in range(self._kinds[kind].size):
            self._start_in_background(kind)

    def _start_in_background(self, kind: str) -> None:
        threading.Thread(target=self._add_fresh_worker, args=(kind,), daemon=True, name="cap-ptce-worker-start").start()

    def _add_fresh_worker(self, kind: str) -> None:
        """Start a worker and hand it out once its store is open."""
        if self._closed:
            return
        worker = self._start(kind)
        try:
            status, message = worker.conn.recv()
        except (EOFError, OSError):
            status, message = "failed", "the worker process exited while opening the store"
        if self._closed or (status != "ready" and _stopped_by_signal(worker)):
            # closed while it was starting, or ended by a stop signal: systemd sends one to every process of the
            # service at once, and it may reach a starting worker before the server's own handler closes the pool
            self._discard(worker)
            if not self._closed:
                log.info("a starting query worker was stopped by %s", signal_name(worker.process.returncode))
                time.sleep(_STOP_GRACE)  # the server's own stop closes the pool meanwhile, if it is one
                if not self._closed:  # a signal to that worker alone: another takes its place
                    self._start_in_background(kind)
            return
        if status != "ready":
            self._discard(worker)
            self._failure = message
            log.error("query worker could not start: %s", message)
            if not any(other.kind == kind for other in self._all):
                self._kinds[kind].idle.put(None)  # wake whoever waits: no worker will come
            return
        self._failure = None
        self._ready.add(kind)
        self._kinds[kind].idle.put(worker)
        if self.in_memory:  # once queries are answered: making the copy takes both cores for a while
            self._start_copy(first=True)

    # --- the one in-memory copy -----------------------------------------------------------

    def _start_copy(self, *, first: bool = False) -> None:
        with self._lock:
            if first and self._copy_starts:
                return
            self._copy_starts += 1
        threading.Thread(target=self._await_copy, daemon=True, name="cap-ptce-copy-start").start()

    def _await_copy(self) -> None:
        """Start the copy's process; once its copy is made, the ready-made queries run there."""
        started = time.monotonic()
        with self._lock:
            if self._closed:
                return
            copy = self._copying = MemoryCopy(self.location, on_lost=self._copy_lost)
        try:
            copy.wait_ready()
        except errors.StoreDamagedError as exc:  # the engine, reading altered blocks, may take memory without end
            self.damaged = exc
            if not self._closed:
                log.error("%s; every query is answered 503 until the store is made again", self.damaged)
            return
        except errors.StoreError as exc:
            if not self._closed:
                log.error("%s; the ready-made queries go on reading the folder", exc)
            return
        with self._lock:
            self._copying = None
            if self._closed:
                copy.close()
                return
            self._copy = copy
        log.info(
            "store copied into memory in %.1f s (%s quads, %.0f MiB): the ready-made queries run on it",
            time.monotonic() - started,
            copy.quads,
            copy.mib,
        )

    def _copy_lost(self, copy: MemoryCopy) -> None:
        """The copy's process died: the workers answer every query while a new copy is made."""
        with self._lock:
            if self._copy is not copy or self._closed:
                return
            self._copy = None
        try:
            code = copy.process.wait(timeout=1)  # its end is seen before it is reaped
        except subprocess.TimeoutExpired:
            code = None
        if code is not None and -code in _STOP_SIGNALS:  # systemd stops a service's every process at once
            log.info("the process holding the in-memory copy of the store was stopped (%s)", _STOP_SIGNALS[-code])
            if self._stopping_soon():  # the server's own stop follows: no copy to make again
                return
        else:
            log.error("the process holding the in-memory copy of the store ended (exit %s)", code)
        if self._copy_starts <= _COPY_RESTARTS:
            self._start_copy()

    def _stopping_soon(self, within: float = 10.0) -> bool:
        """Whether this pool is closed within ``within`` seconds: a process of the service stopped by a signal is
        followed by the server's own stop, which closes the pool once waitress has waited for its threads (5 s);
        a copy made again meanwhile ran during the stop."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self._closed:
                return True
            time.sleep(0.1)
        return self._closed

    def wait_until_ready(self, timeout: float = 60.0) -> None:
        """Block until one main worker is ready (for a server that should answer at once)."""
        worker = self._acquire(MAIN, timeout)
        self._kinds[MAIN].idle.put(worker)

    # --- queries --------------------------------------------------------------------------

    def run(
        self,
        request: QueryRequest,
        info: QueryInfo,
        fmt: ResultFormat,
        *,
        timeout: float,
        max_rows: int,
        client: str | None = None,
    ) -> QueryResult:
        """Run the query in a free worker, or a ready-made one on the copy; QueryTimeoutError past ``timeout``.

        ``client`` (an address, say) shares the workers with the others as
        :mod:`.sharing` says; None is not limited.
        """
        if self.damaged is not None:
            raise errors.StoreDamagedError(self.damaged.message, hint=self.damaged.hint)
        job = (request, info, fmt, max_rows)
        with self.clients.slot(client, timeout):
            if request.ready_made and not self.clients.is_heavy(client):
                started = time.monotonic()
                try:
                    answered = self._run_in_copy(job, timeout)
                finally:
                    self.clients.charge(client, time.monotonic() - started)
                if answered is not None:
                    return answered
            kind = self._kind_for(client)
            for _ in range(_HANDOVERS):
                worker = self._acquire(kind, timeout)
                started = time.monotonic()
                try:
                    if kind == HEAVY or client is None or not self.sharing.heavy_workers:
                        return self._run_in(worker, job, timeout)
                    return self._run_in_main(worker, job, timeout, started)
                except _NotHandedOver:  # the worker died before it got the query: another one takes it
                    continue
                finally:
                    self.clients.charge(client, time.monotonic() - started)
            raise errors.ServerBusyError(
                "les processus de requête s'arrêtaient avant de la recevoir / "
                "the query workers kept dying before they got the query",
                hint=_BUSY_HINT,
            )

    def _run_in_copy(self, job: tuple, timeout: float) -> QueryResult | None:
        """The result of a ready-made query from the in-memory copy; None if the copy cannot take it now.

        The copy takes as many queries at once as there are main workers; past
        that, or while the copy is being made, a worker answers. A query past
        ``timeout`` keeps its thread in the copy until it ends (a thread cannot
        be stopped): its slot is given back only then.
        """
        copy = self._copy
        if copy is None or not self._copy_slots.acquire(blocking=False):
            return None
        try:
            conn = copy.send(job, self._prefixes)
        except errors.StoreError:  # the copy is going: a worker answers
            self._copy_slots.release()
            return None
        if not conn.poll(timeout):
            threading.Thread(target=self._free_slot_when_done, args=(conn,), daemon=True).start()
            raise errors.QueryTimeoutError(
                f"la requête a duré plus de {timeout:g} s / the query ran for more than {timeout:g} s",
                hint="réessayez dans un moment, le serveur est chargé / retry in a while, the server is busy",
            )
        try:
            status, payload = conn.recv()
        except (EOFError, OSError):  # the copy's process ended under it: a worker answers
            return None
        finally:
            conn.close()
            self._copy_slots.release()
        if status == "error":
            raise rebuilt_error(*payload)
        return payload

    def _free_slot_when_done(self, conn: Connection) -> None:
        """Give the copy's slot back once the query that outran its time limit has ended there."""
        try:
            conn.poll(None)
        except OSError:
            pass
        finally:
            conn.close()
            self._copy_slots.release()

    def _run_in_main(self, worker: _Worker, job: tuple, timeout: float, started: float) -> QueryResult:
        """Run in a main worker for at most ``main_seconds``, then again in a low-priority one for the rest."""
        share = min(timeout, self.sharing.main_seconds)
        try:
            return self._run_in(worker, job, share, stop_silently=share < timeout)
        except _OutOfShare:
            pass
        self._start_kind(HEAVY)
        left = timeout - (time.monotonic() - started)
        heavy = self._acquire(HEAVY, max(left, 0.0))
        return self._run_in(heavy, job, max(timeout - (time.monotonic() - started), 0.0), limit=timeout)

    def _kind_for(self, client: str | None) -> str:
        if not self.clients.is_heavy(client):
            return MAIN
        if not self._kinds[HEAVY].size:
            raise self.clients.refuse_heavy(client)
        self._start_kind(HEAVY)
        return HEAVY

    def _run_in(
        self, worker: _Worker, job: tuple, timeout: float, *, stop_silently: bool = False, limit: float | None = None
    ) -> QueryResult:
        """The query's result from ``worker``, stopped after ``timeout`` (``limit``: the time limit to report)."""
        try:
            worker.conn.send(job)
        except OSError:  # it died idle (an operator's kill) just before this query picked it
            self._replace(worker)
            raise _NotHandedOver from None
        try:
            if not worker.conn.poll(timeout):
                self._replace(worker)
                if stop_silently:
                    raise _OutOfShare
                raise errors.QueryTimeoutError(
                    f"la requête a duré plus de {limit or timeout:g} s et a été arrêtée / "
                    f"the query ran for more than {limit or timeout:g} s and was stopped",
                    hint=_READY_MADE_HINT if job[0].ready_made else _OWN_QUERY_HINT,
                )
            status, payload = worker.conn.recv()
        except (EOFError, OSError) as exc:
            code = _exit_code(worker)
            self._replace(worker)
            raise stopped_error(code, exc, self.memory_mib, worker.why_it_ended(), closing=self._closed) from None
        self._kinds[worker.kind].idle.put(worker)
        if status == "error":
            raise rebuilt_error(*payload)
        return payload

    def _acquire(self, kind: str, timeout: float) -> _Worker:
        """A free worker of ``kind``, waited for at most ``timeout`` in a queue of bounded length."""
        pool = self._kinds[kind]
        with self._lock:
            if pool.waiting >= self.sharing.queue:
                raise errors.ServerBusyError(
                    f"{pool.waiting} requêtes attendent déjà un processus / "
                    f"{pool.waiting} queries already wait for a worker",
                    hint=_BUSY_HINT,
                )
            pool.waiting += 1
        if kind not in self._ready:  # the workers are still opening the store: not a busy server
            timeout = max(timeout, _STARTING)
        try:
            return self._wait_for(pool, timeout)
        finally:
            with self._lock:
                pool.waiting -= 1

    def _wait_for(self, pool: _Kind, timeout: float) -> _Worker:
        deadline = time.monotonic() + timeout
        while not self._closed:
            try:
                worker = pool.idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if worker is not None and _ended(worker):  # it died while idle (an operator's kill)
                self._replace(worker)
                continue
            if worker is not None:
                return worker
            if self._failure is not None:
                pool.idle.put(None)  # for the next caller too
                raise errors.StoreError(
                    f"aucun processus de requête n'a pu démarrer / no query worker could start: {self._failure}"
                )
        if self._closed:
            raise errors.ServerStoppingError(
                "les processus de requête sont arrêtés / the query workers are stopped",
                hint="la relancer dans un moment / run it again in a moment",
            )
        raise errors.ServerBusyError(
            f"tous les processus de requête sont restés occupés {timeout:g} s / "
            f"every query worker stayed busy for {timeout:g} s",
            hint=_BUSY_HINT,
        )

    # --- stopping -------------------------------------------------------------------------

    def _discard(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._all.discard(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start a fresh one of its kind in the background."""
        self._discard(worker)
        if not self._closed:
            self._start_in_background(worker.kind)

    def close(self) -> None:
        """Stop every worker, and the copy's process."""
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
            copies = [self._copy, self._copying]
            self._copy = self._copying = None
        for worker in workers:
            worker.stop()
        for copy in filter(None, copies):
            copy.close()


class _OutOfShare(Exception):
    """A query used its share of a main worker (``main_seconds``) and was stopped there."""


class _NotHandedOver(Exception):
    """The worker was dead before the query reached it: nothing ran, another worker may take the query."""


def _ended(worker: _Worker) -> bool:
    """Whether the worker's process has ended, or is ending.

    A worker killed while idle ends its main thread first: for a few
    milliseconds its other threads (the engine's) still end, the system does
    not report it dead (``poll`` says it runs) and its socket still takes what
    is sent, then closes unread. On Linux, its main thread's state (zombie)
    tells it at once.
    """
    if worker.process.poll() is not None:
        return True
    try:
        state = Path(f"/proc/{worker.process.pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):  # not Linux: the system's word alone
        return False
    return state in {b"Z", b"X"}


def _exit_code(worker: _Worker) -> int | None:
    """How the worker process ended (negative: the signal that stopped it), or None if it still runs."""
    try:
        return worker.process.wait(2)
    except subprocess.TimeoutExpired:
        return None


# Where this package was imported from: isolated mode ignores PYTHONPATH and the current folder,
# which may be how the server found it; appended, it cannot shadow the standard library.
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
_WORKER_MAIN = (
    "import sys; sys.path.append(sys.argv[4]); from multiprocessing.connection import Connection; "
    "from cap_ptce.sparql.workers import serve_on_large_stack; "
    "serve_on_large_stack(Connection(int(sys.argv[1])), sys.argv[2], int(sys.argv[3]) or None, int(sys.argv[5]))"
)


_STOP_GRACE = 2.0  # seconds a stop signal to a starting worker leaves the server to stop before it is replaced


def _stopped_by_signal(worker: _Worker, wait: float = 1.0) -> bool:
    """Whether ``worker``'s process ended (waiting ``wait`` seconds for it) by a signal that stops a service."""
    try:
        code = worker.process.wait(wait)
    except subprocess.TimeoutExpired:
        return False
    return code is not None and -code in _STOP_SIGNALS
