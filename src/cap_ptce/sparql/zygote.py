"""One in-memory copy of the store, from which query workers are forked.

The *zygote* is a process of its own (a fresh interpreter in isolated mode,
like the workers of :mod:`.pool`) that copies the store into memory once and
then forks a query worker whenever the pool asks: a fork takes milliseconds and
shares the copy's pages with the zygote until one of them writes to a page.

Two facts measured with pyoxigraph 0.5 decide how it is built:

- opening a folder with RocksDB starts three threads that live as long as the
  process (``rocksdb:low`` ×2, ``rocksdb:high``), and forking a process that
  has threads is unsafe; so the zygote never opens the folder itself: a helper
  process dumps it as N-Quads into a pipe that the zygote bulk-loads, and the
  zygote checks that it has a single thread before each fork;
- the in-memory store writes to each quad it reads (a lock and reference
  counts per quad), so the pages a query reads become the worker's own copy:
  a worker shares all the store's pages when forked, and fewer as its queries
  touch more of it (see bench/results/sharing.md).

Protocol, over a ``SOCK_SEQPACKET`` socket pair (one pickled tuple a message):
the pool sends ``("fork", niceness, own budget in MiB)``; the zygote answers ``("ready", quads, MiB)``
or ``("failed", message)`` once, then ``("forked", pid)`` with the worker's end
of a new socket pair attached, and ``("ended", pid, code)`` when it reaps a
worker (negative code: the signal that stopped it, as in :mod:`subprocess`).
When the pool's end closes (the server stopped or died), the zygote kills its
workers and exits; a worker ends soon after the zygote does.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from .. import errors

__all__ = ["Zygote", "ForkedProcess"]

_MESSAGE = 4096  # bytes: the largest message either side sends
_FORK_WAIT = 10.0  # seconds the pool waits for the zygote to fork a worker


class Zygote:
    """The pool's side of a zygote process that copies the store at ``location`` into memory."""

    def __init__(self, location: str, memory_mib: int | None, on_lost=None, on_ended=None) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command = [sys.executable, "-I", "-c", _ZYGOTE_MAIN, str(theirs.fileno()), location, str(memory_mib or 0)]
        self.process = subprocess.Popen([*command, _PACKAGE_ROOT], pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        theirs.close()
        self.quads: int | None = None
        self.copy_mib = 0.0  # what the zygote holds once the copy is made: the copy, and an interpreter
        self._control = ours
        self._forked: queue.Queue[tuple[int, int] | None] = queue.Queue()
        self._ended: dict[int, int] = {}
        self._changed = threading.Condition()
        self._asking = threading.Lock()  # one fork request at a time: answers come in order
        self._lost = False
        self._closing = False
        self._on_lost = on_lost
        self._on_ended = on_ended

    def wait_ready(self) -> None:
        """Block until the copy is made (StoreError if it cannot be), then follow the zygote's reports."""
        message = self._receive()[0]
        if message is None or message[0] != "ready":
            self.close()
            reason = message[1] if message else f"the process ended (exit {self.process.poll()})"
            raise errors.StoreError(f"the in-memory copy of the store could not be made: {reason}")
        self.quads, self.copy_mib = message[1], message[2]
        threading.Thread(target=self._follow, daemon=True, name="cap-ptce-zygote-reports").start()

    def fork(self, niceness: int, own_budget_mib: float | None = None) -> tuple[ForkedProcess, Connection]:
        """A fresh worker forked from the copy, and the pool's end of its socket (see :func:`.workers.serve_store`)."""
        with self._asking:
            if self._lost:
                raise errors.StoreError("the process holding the in-memory copy of the store is gone")
            try:
                self._control.send(pickle.dumps(("fork", niceness, own_budget_mib)))
                forked = self._forked.get(timeout=_FORK_WAIT)
            except (OSError, queue.Empty):
                forked = None
            if forked is None:
                raise errors.StoreError("the process holding the in-memory copy of the store forked no worker")
        pid, fd = forked
        return ForkedProcess(pid, self), Connection(fd)

    def ended(self, pid: int, timeout: float) -> int | None:
        """How worker ``pid`` ended; None if the zygote is gone; TimeoutExpired if it still runs."""
        with self._changed:
            self._changed.wait_for(lambda: pid in self._ended or self._lost, timeout)
            if pid in self._ended:
                return self._ended[pid]
            if self._lost:
                return None
        raise subprocess.TimeoutExpired(f"forked worker {pid}", timeout)

    def has_reaped(self, pid: int) -> bool:
        with self._changed:
            return pid in self._ended or self._lost

    def close(self) -> None:
        """End the zygote and, through it, every worker forked from it."""
        self._closing = True
        try:
            self._control.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in recv, which close() would not
        except OSError:
            pass
        self._control.close()
        try:
            self.process.wait(2)
        except subprocess.TimeoutExpired:  # still copying: nothing forked yet
            self.process.kill()
            self.process.wait(5)

    def _receive(self) -> tuple[tuple | None, list[int]]:
        try:
            data, fds, _, _ = socket.recv_fds(self._control, _MESSAGE, 1)
        except OSError:
            return None, []
        return (pickle.loads(data) if data else None), fds

    def _follow(self) -> None:
        """Hand forked workers to whoever asked, and note how each worker ended, until the zygote goes."""
        while True:
            message, fds = self._receive()
            if message is None:
                break
            if message[0] == "forked":
                self._forked.put((message[1], fds[0]))
            elif message[0] == "ended":
                with self._changed:
                    self._ended[message[1]] = message[2]
                    self._changed.notify_all()
                if self._on_ended is not None:
                    self._on_ended(message[1])
        with self._changed:
            self._lost = True
            self._changed.notify_all()
        self._forked.put(None)
        if not self._closing and self._on_lost is not None:
            self._on_lost(self)


class ForkedProcess:
    """A worker forked by a zygote, with the part of :class:`subprocess.Popen` that the pool uses."""

    def __init__(self, pid: int, zygote: Zygote) -> None:
        self.pid = pid
        self._zygote = zygote

    def kill(self) -> None:
        if self._zygote.has_reaped(self.pid):  # its pid may be another process's by now
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def wait(self, timeout: float | None = None) -> int | None:
        return self._zygote.ended(self.pid, 3600.0 if timeout is None else timeout)


# --- the zygote process -----------------------------------------------------------------


def zygote_main(control_fd: int, location: str, memory_mib: int | None) -> None:
    """Body of the zygote process: copy the store, then fork workers on request until the pool goes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the server's to handle: it ends the zygote
    control = socket.socket(fileno=control_fd)
    watch = _watch_parent()
    try:
        store = _copy_at_low_priority(location)
        watch.set()
        _wait_single_threaded()
    except (OSError, SyntaxError, ValueError) as exc:
        with contextlib.suppress(OSError):  # the pool may have stopped meanwhile
            control.send(pickle.dumps(("failed", f"{type(exc).__name__}: {exc}"[:1000])))
        return
    _return_freed_memory()
    try:
        from .owned import own_mib

        control.send(pickle.dumps(("ready", len(store), own_mib())))
        _fork_on_request(control, store, memory_mib)
    except OSError:  # the pool's end closed (the pool stopped) while the zygote wrote to it
        pass


_DUMP = (
    "import sys; import pyoxigraph as ox; "
    "ox.Store.read_only(sys.argv[1]).dump(output=sys.stdout.buffer, format=ox.RdfFormat.N_QUADS)"
)


COPY_NICENESS = 5  # yields to the answers, without starving on a machine busy with other work


def _copy_at_low_priority(location: str):
    """:func:`_copy_of` in a thread of low priority, so that the workers reading the folder meanwhile answer first.

    Linux gives each thread its own niceness, inherited by the threads and
    processes it starts (the engine's, the dump helper): this thread ends with
    the copy, and the thread that forks the workers keeps the zygote's own
    priority, which a process may not raise back once lowered.
    """
    made: dict = {}

    def copy() -> None:
        if sys.platform.startswith("linux"):  # elsewhere a thread's id may be another process's: usual priority
            thread = threading.get_native_id()
            with contextlib.suppress(OSError):
                os.setpriority(
                    os.PRIO_PROCESS, thread, min(os.getpriority(os.PRIO_PROCESS, thread) + COPY_NICENESS, 19)
                )
        try:
            made["store"] = _copy_of(location)
        except (OSError, SyntaxError, ValueError) as exc:
            made["error"] = exc

    thread = threading.Thread(target=copy, name="cap-ptce-zygote-copy")
    thread.start()
    thread.join()
    if "error" in made:
        raise made["error"]
    return made["store"]


def _copy_of(location: str):
    """An in-memory store with the data at ``location``, read without RocksDB in this process."""
    import pyoxigraph as ox

    store = ox.Store()
    if location.endswith(".nq"):
        store.bulk_load(path=location, format=ox.RdfFormat.N_QUADS)
        return store
    dump = subprocess.Popen(
        [sys.executable, "-I", "-c", _DUMP, location], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL
    )
    try:
        store.bulk_load(input=dump.stdout, format=ox.RdfFormat.N_QUADS)
    finally:
        dump.stdout.close()
        code = dump.wait()
    if code:
        raise OSError(f"cannot read the store {location} (exit {code})")
    return store


def _watch_parent(interval: float = 0.5) -> threading.Event:
    """End this process if the server dies while the copy is made; set the event to stop watching."""
    parent, done = os.getppid(), threading.Event()

    def watch() -> None:
        while not done.wait(interval):
            if os.getppid() != parent:
                os._exit(3)

    threading.Thread(target=watch, daemon=True, name="cap-ptce-zygote-watch").start()
    return done


def _wait_single_threaded(limit: float = 5.0) -> None:
    """Wait for every thread but this one to end: fork copies only the thread that calls it."""
    deadline = time.monotonic() + limit
    while _threads() > 1:
        if time.monotonic() > deadline:
            raise OSError(f"{_threads()} threads still run: forking would not be safe")
        time.sleep(0.01)


def _threads() -> int:
    return len(os.listdir("/proc/self/task"))


def _return_freed_memory() -> None:
    """Give back the heap freed while loading, so that it is not counted in every worker."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to give back this way
        pass


def _fork_on_request(control: socket.socket, store, memory_mib: int | None) -> None:
    """Fork a worker per request, report how each ended, and stop everything when the pool goes."""
    wake_read, wake_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so that SIGCHLD writes to the wake-up pipe
    children: set[int] = set()
    try:
        _serve_requests(control, store, memory_mib, children, (wake_read, wake_write))
    finally:
        for pid in children:
            _kill(pid)


def _serve_requests(control: socket.socket, store, memory_mib, children: set[int], wake: tuple[int, int]) -> None:
    wake_read = wake[0]
    while True:
        readable = select.select([control, wake_read], [], [])[0]
        if wake_read in readable:
            _drain(wake_read)
        _report_ended(control, children)
        if control in readable:
            data = control.recv(_MESSAGE)
            if not data:
                break
            _, niceness, own_budget_mib = pickle.loads(data)
            pid, fd = _fork_worker(store, memory_mib, niceness, own_budget_mib, (control.fileno(), *wake))
            children.add(pid)
            try:
                socket.send_fds(control, [pickle.dumps(("forked", pid))], [fd])
            finally:
                os.close(fd)


def _fork_worker(
    store, memory_mib: int | None, niceness: int, own_budget_mib: float | None, inherited: tuple[int, ...]
) -> tuple[int, int]:
    """Fork a worker that answers on a new socket pair; the pid and the pool's end of it."""
    from .workers import serve_store

    if _threads() > 1:
        raise OSError(f"{_threads()} threads run in the zygote: forking would not be safe")
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:  # the worker: never returns to the zygote's loop
        code = 0
        try:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            for fd in inherited:
                os.close(fd)
            ours.close()
            serve_store(Connection(theirs.detach()), store, memory_mib, niceness, own_budget_mib)
        except BaseException:  # noqa: BLE001 - whatever happens, the worker must not run the zygote's loop
            code = 1
        os._exit(code)
    theirs.close()
    return pid, ours.detach()


def _report_ended(control: socket.socket, children: set[int]) -> None:
    for pid in list(children):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            children.discard(pid)
            control.send(pickle.dumps(("ended", pid, os.waitstatus_to_exitcode(status))))


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 512):
            pass
    except BlockingIOError:
        pass


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


# Where this package was imported from (see _PACKAGE_ROOT in .pool).
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
_ZYGOTE_MAIN = (
    "import sys; sys.path.append(sys.argv[4]); from cap_ptce.sparql.zygote import zygote_main; "
    "zygote_main(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]) or None)"
)
