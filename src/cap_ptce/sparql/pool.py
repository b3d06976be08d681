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

With ``in_memory``, one process, the zygote (:mod:`.zygote`), copies the store
into memory once, and workers are forked from it: in milliseconds, sharing the
copy's pages. Until the copy is made, workers started as above read the folder,
so that queries are answered within seconds of start; they are retired as the
forked ones take over.
"""

from __future__ import annotations

import logging
import queue
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from .. import errors
from .ends import rebuilt_error, stopped_error
from .execute import QueryRequest, QueryResult
from .formats import ResultFormat
from .inspect import QueryInfo
from .sharing import ClientLedger, Sharing
from .zygote import ForkedProcess, Zygote

__all__ = ["WorkerPool", "MAIN", "HEAVY"]

log = logging.getLogger(__name__)

MAIN, HEAVY = "main", "heavy"
_NICENESS = {MAIN: 0, HEAVY: 10}  # at nice 10 a process gets about a tenth of a core that others want
_STARTING = 120.0  # seconds a query waits for the first worker of its kind to open the store
_ZYGOTE_RESTARTS = 3  # copies made again after the zygote died, before the pool stays on the folder
# Of the 1.5 copies the server may hold in all, what the workers may make their own together: the zygote
# holds one copy, the server process the rest (its libraries, its store handle, its page cache).
_OWN_SHARE = 0.25
# Under 64 MiB a worker, the memory saved is worth less than the queries' time: at 1,000 descriptions (a 206 MiB
# copy) a quarter of the copy gave 17 MiB a worker, and the ready-made queries' median 125 ms against 47 ms at
# 64 MiB, for 62 MiB more in all (without the page warm-up, on the quiet machine). From about 770 MiB of copy, the
# quarter is larger.
_OWN_FLOOR_MIB = 64.0
_OWN_REPORT_WAIT = 5.0  # seconds the pool waits for a forked worker to say how much it holds after a query
_BUSY_HINT = (
    "le serveur est saturé : réessayez dans quelques secondes / the server is saturated: retry in a few seconds"
)


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen | ForkedProcess
    conn: Connection
    kind: str
    _stopping: threading.Lock = field(default_factory=threading.Lock)

    @property
    def forked(self) -> bool:
        return isinstance(self.process, ForkedProcess)

    def stop(self) -> None:
        """Kill the process and close its connection, once, whichever threads ask (a query's, close())."""
        with self._stopping:
            self.process.kill()
            self.process.wait(5)
            if not self.conn.closed:
                self.conn.close()


class _Kind:
    """The idle workers of one kind and how many queries wait for one."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.idle: queue.Queue[_Worker | None] = queue.Queue()  # None: no worker can start
        self.waiting = 0


class WorkerPool:
    """``size`` worker processes, each with the store at ``location`` (a folder or an N-Quads file).

    With ``in_memory``, workers are forked from one in-memory copy of the data
    (see the module's docstring): queries run several times faster than on the
    read-only folder (measured 3 ms against 16 ms for a GROUP BY on 300
    descriptions). A worker takes jobs only once its store is open.
    ``sharing`` adds the low-priority workers and the limits per client.

    pyoxigraph's in-memory store writes to each quad a query reads, so the
    pages a forked worker reads become its own; a worker that holds more than
    :attr:`own_budget_mib` of its own after a query is replaced by a fresh fork
    (whose first queries are slower as they copy pages again). ``own_mib`` sets
    that budget; None derives it from the copy's size (see :meth:`_own_budget`).
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
        own_mib: int | None = None,
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
        if own_mib is not None and own_mib < 0:
            raise errors.ParameterError(
                f"WORKER_OWN_MEMORY_MB must be positive (or 0 for a budget derived from the copy), not {own_mib}",
                key="WORKER_OWN_MEMORY_MB",
            )
        self.own_mib = own_mib or None  # a forked worker that made more of the copy its own is forked afresh
        self.own_budget_mib: float | None = None  # set once the copy is made
        self.sharing = sharing or Sharing()
        self.clients = ClientLedger(self.sharing)
        self._prefixes = prefixes or {}
        self._kinds = {MAIN: _Kind(size), HEAVY: _Kind(self.sharing.heavy_workers)}
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._failure: str | None = None
        self._started: set[str] = set()
        self._ready: set[str] = set()  # kinds of which a worker has opened the store
        self._zygote: Zygote | None = None  # once its copy is made: workers are forked from it
        self._zygote_starts = 0
        self._copying: Zygote | None = None  # a zygote still making its copy
        self._start_kind(MAIN)  # low-priority workers start when a client first needs them

    # --- processes ------------------------------------------------------------------------

    def _start(self, kind: str) -> _Worker:
        zygote = self._zygote
        if zygote is not None:
            try:
                process, conn = zygote.fork(_NICENESS[kind], self.own_budget_mib)
            except errors.StoreError as exc:  # the zygote is going: start one on the folder meanwhile
                log.warning("%s", exc)
            else:
                return self._track(_Worker(process, conn, kind))
        ours, theirs = socket.socketpair()
        command = [
            sys.executable,
            "-I",  # isolated: no module planted in the current folder or named by PYTHON* variables
            "-c",
            _WORKER_MAIN,
            str(theirs.fileno()),
            self.location,
            "disk",  # with in_memory, the zygote makes the one copy: these workers only bridge until then
            str(self.memory_mib or 0),
            _PACKAGE_ROOT,
            str(_NICENESS[kind]),
        ]
        process = subprocess.Popen(command, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        theirs.close()
        return self._track(_Worker(process, Connection(ours.detach()), kind))

    def _track(self, worker: _Worker) -> _Worker:
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
        if self._closed:  # closed while it was starting
            self._discard(worker)
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
        self._hand_out(worker)
        if self.in_memory:  # once queries are answered: making the copy takes both cores for a while
            self._start_zygote(first=True)

    def _hand_out(self, worker: _Worker, own: float = 0.0) -> None:
        """Make ``worker`` free for the next query; one on the folder, or holding too much, gives way to a fork."""
        budget = self.own_budget_mib
        if self._zygote is not None and (not worker.forked or (budget is not None and own > budget)):
            self._replace(worker)
            return
        self._kinds[worker.kind].idle.put(worker)

    def _hand_out_after_report(self, worker: _Worker) -> None:
        """Hand out a forked worker once it said how much memory it holds of its own (after its answer)."""
        try:
            if not worker.conn.poll(_OWN_REPORT_WAIT):
                raise EOFError
            _, own = worker.conn.recv()
        except (EOFError, OSError):  # it ended or hangs: a fresh one takes its place
            self._replace(worker)
            return
        self._hand_out(worker, own)

    def _own_budget(self, zygote: Zygote) -> float:
        """MiB of its own a forked worker may hold: ``own_mib``, or a share of the copy split between the workers.

        The derived budget keeps the server, the zygote and the workers under
        1.5 copies between queries: the zygote holds one, the workers at most
        ``_OWN_SHARE`` of one together, the server process what is left.
        """
        if self.own_mib:
            return float(self.own_mib)
        workers = self.size + self.sharing.heavy_workers
        return round(max(_OWN_FLOOR_MIB, _OWN_SHARE * zygote.copy_mib / workers), 1)

    # --- the one in-memory copy -----------------------------------------------------------

    def _start_zygote(self, *, first: bool = False) -> None:
        with self._lock:
            if first and self._zygote_starts:
                return
            self._zygote_starts += 1
        threading.Thread(target=self._await_zygote, daemon=True, name="cap-ptce-zygote-start").start()

    def _await_zygote(self) -> None:
        """Start the zygote; once its copy is made, fork the workers and retire those on the folder."""
        started = time.monotonic()
        with self._lock:
            if self._closed:
                return
            zygote = self._copying = Zygote(
                self.location, self.memory_mib, on_lost=self._zygote_lost, on_ended=self._worker_ended
            )
        try:
            zygote.wait_ready()
        except errors.StoreError as exc:
            if not self._closed:
                log.error("%s; the query workers go on reading the folder", exc)
            return
        with self._lock:
            self._copying = None
            if self._closed:
                zygote.close()
                return
            self.own_budget_mib = self._own_budget(zygote)  # before the zygote: a worker forked from it needs it
            self._zygote = zygote
        log.info(
            "store copied into memory in %.1f s (%s quads, %.0f MiB): query workers are forked from it, "
            "and forked afresh past %.0f MiB of their own",
            time.monotonic() - started,
            zygote.quads,
            zygote.copy_mib,
            self.own_budget_mib,
        )
        for worker in self._retire_idle(lambda worker: not worker.forked):  # busy ones give way when done
            self._start_in_background(worker.kind)

    def _zygote_lost(self, zygote: Zygote) -> None:
        """The zygote died: its workers go with it; workers on the folder serve while a new copy is made."""
        with self._lock:
            if self._zygote is not zygote or self._closed:
                return
            self._zygote = None
        log.error("the process holding the in-memory copy of the store ended (exit %s)", zygote.process.poll())
        for worker in self._retire_idle(lambda worker: worker.forked):
            self._start_in_background(worker.kind)
        if self._zygote_starts <= _ZYGOTE_RESTARTS:
            self._start_zygote()

    def _worker_ended(self, pid: int) -> None:
        """A forked worker ended: if it was free (killed by an operator, say), a fresh one takes its place now."""
        for worker in self._retire_idle(lambda worker: worker.forked and worker.process.pid == pid):
            self._start_in_background(worker.kind)

    def _retire_idle(self, retired) -> list[_Worker]:
        """Stop the idle workers for which ``retired`` is true; the others stay free."""
        stopped = []
        for pool in self._kinds.values():
            kept = []
            while True:
                try:
                    worker = pool.idle.get_nowait()
                except queue.Empty:
                    break
                (stopped if worker is not None and retired(worker) else kept).append(worker)
            for worker in kept:
                pool.idle.put(worker)
        for worker in stopped:
            self._discard(worker)
        return stopped

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
        """Run the query in a free worker; QueryTimeoutError if it takes longer than ``timeout``.

        ``client`` (an address, say) shares the workers with the others as
        :mod:`.sharing` says; None is not limited.
        """
        job = (request, info, fmt, max_rows)
        with self.clients.slot(client, timeout):
            kind = self._kind_for(client)
            worker = self._acquire(kind, timeout)
            started = time.monotonic()
            try:
                if kind == HEAVY or client is None or not self.sharing.heavy_workers:
                    return self._run_in(worker, job, timeout)
                return self._run_in_main(worker, job, timeout, started)
            finally:
                self.clients.charge(client, time.monotonic() - started)

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
            if not worker.conn.poll(timeout):
                self._replace(worker)
                if stop_silently:
                    raise _OutOfShare
                raise errors.QueryTimeoutError(
                    f"the query ran for more than {limit or timeout:g} s and was stopped",
                    hint="simplifiez-la, ajoutez LIMIT, ou lancez-la sur votre propre copie "
                    "(cap-ptce load) / simplify it, add LIMIT, or run it on your own copy",
                )
            status, payload = worker.conn.recv()
        except (EOFError, OSError) as exc:
            code = _exit_code(worker)
            self._replace(worker)
            raise stopped_error(code, exc, self.memory_mib) from None
        if worker.forked:  # its report comes once the answer is sent: the client does not wait for it
            threading.Thread(target=self._hand_out_after_report, args=(worker,), daemon=True).start()
        else:
            self._hand_out(worker)
        if status == "error":
            raise rebuilt_error(*payload)
        return payload

    def _acquire(self, kind: str, timeout: float) -> _Worker:
        """A free worker of ``kind``, waited for at most ``timeout`` in a queue of bounded length."""
        pool = self._kinds[kind]
        with self._lock:
            if pool.waiting >= self.sharing.queue:
                raise errors.ServerBusyError(f"{pool.waiting} queries already wait for a worker", hint=_BUSY_HINT)
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
            if worker is not None:
                return worker
            if self._failure is not None:
                pool.idle.put(None)  # for the next caller too
                raise errors.StoreError(f"no query worker could start: {self._failure}")
        if self._closed:
            raise errors.StoreError("the query workers are stopped")
        raise errors.ServerBusyError(f"every query worker stayed busy for {timeout:g} s", hint=_BUSY_HINT)

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
        """Stop every worker, and the zygote."""
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
            zygotes = [self._zygote, self._copying]
            self._zygote = self._copying = None
        for worker in workers:
            worker.stop()
        for zygote in filter(None, zygotes):
            zygote.close()


class _OutOfShare(Exception):
    """A query used its share of a main worker (``main_seconds``) and was stopped there."""


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
    "import sys; sys.path.append(sys.argv[5]); from multiprocessing.connection import Connection; "
    "from cap_ptce.sparql.workers import serve_on_large_stack; "
    "serve_on_large_stack(Connection(int(sys.argv[1])), sys.argv[2], sys.argv[3] == 'memory', "
    "int(sys.argv[4]) or None, int(sys.argv[6]))"
)
