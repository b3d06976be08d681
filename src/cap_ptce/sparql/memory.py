"""One in-memory copy of the store, in a process that answers the ready-made queries in its threads.

The *copy* is a process of its own (a fresh interpreter in isolated mode, like
the workers of :mod:`.pool`) that copies the store into memory once, then runs
each query the pool hands it in a thread of its own, all on that one copy.

Three facts measured with pyoxigraph 0.5 decide how it is built:

- the in-memory store writes to each quad it reads (a lock and reference
  counts per quad), so a process forked from the copy makes every page its
  queries read its own: a page fault and a page copy each. At 10,000
  descriptions, `acteurs-par-type` took 2.3 s in a fresh fork of the copy
  (173,747 page faults) against 0.95 s in the copy's own process, and a fork
  held 680 MiB more after it. Threads share the copy's pages for nothing (the
  engine lets go of the interpreter while it queries): the copy never forks;
- a thread cannot be stopped in the middle of a query. Only queries whose cost
  is known come here: the ready-made ones (:attr:`.execute.QueryRequest.ready_made`),
  at most as many at once as the pool allows. Any other query runs in a worker
  process that the pool kills at the time limit;
- a helper process reads the folder and dumps it as N-Quads into a pipe that
  the copy bulk-loads: RocksDB's threads and caches end with the helper, and
  the copy holds the copy and an interpreter, nothing else.

Protocol, over a ``SOCK_SEQPACKET`` socket pair (one pickled tuple a message):
the copy says ``("ready", quads, MiB)``, ``("failed", message)`` or ``("damaged", RocksDB's words)`` once; then
the pool sends ``("query",)`` with the copy's end of a new socket pair attached,
over which it sends ``(prefixes, job)`` and the copy answers as a worker does
(:func:`.workers.outcome`). When the pool's end closes (the server stopped or
died), the copy exits, even with queries under way.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from multiprocessing.connection import Connection
from pathlib import Path

from .. import errors
from .workers import QUERY_STACK_BYTES, die_with_parent, outcome

__all__ = ["MemoryCopy", "COPY_NICENESS"]

_MESSAGE = 4096  # bytes: the largest control message either side sends
COPY_NICENESS = 5  # the copy yields to the answers, without starving on a machine busy with other work


class MemoryCopy:
    """The pool's side of a process that copies the store at ``location`` into memory and answers from it."""

    def __init__(self, location: str, on_lost=None) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command = [sys.executable, "-I", "-c", _COPY_MAIN, str(theirs.fileno()), location, _PACKAGE_ROOT]
        self.process = subprocess.Popen(command, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        theirs.close()
        self.quads: int | None = None
        self.mib = 0.0  # what the copy's process holds once the copy is made: the copy and an interpreter
        self._control = ours
        self._sending = threading.Lock()
        self._closing = False
        self._on_lost = on_lost

    def wait_ready(self) -> None:
        """Block until the copy is made (StoreError if it cannot be), then watch for the process's end."""
        message = self._receive()
        if message is None or message[0] != "ready":
            self.close()
            reason = message[1] if message else f"the process ended (exit {self.process.poll()})"
            if message and message[0] == "damaged":  # RocksDB found a block altered on disk as the copy read it
                raise errors.StoreDamagedError.of(RuntimeError(reason))
            raise errors.StoreError(
                f"la copie en mémoire du store n'a pas pu être faite / the in-memory copy of the store could not be "
                f"made: {reason}"
            )
        self.quads, self.mib = message[1], message[2]
        threading.Thread(target=self._follow, daemon=True, name="cap-ptce-copy-watch").start()

    def send(self, job: tuple, prefixes: dict[str, str]) -> Connection:
        """Hand ``job`` to a thread of the copy; the connection its answer comes back on (StoreError if gone)."""
        ours, theirs = socket.socketpair()
        try:
            with self._sending:
                socket.send_fds(self._control, [pickle.dumps(("query",))], [theirs.fileno()])
        except OSError:
            ours.close()
            raise errors.StoreError(
                "le processus qui tient la copie en mémoire du store a disparu / "
                "the process holding the in-memory copy of the store is gone"
            ) from None
        finally:
            theirs.close()
        conn = Connection(ours.detach())
        try:
            conn.send((prefixes, job))
        except OSError:
            conn.close()
            raise errors.StoreError(
                "le processus qui tient la copie en mémoire du store a disparu / "
                "the process holding the in-memory copy of the store is gone"
            ) from None
        return conn

    def close(self) -> None:
        """End the copy's process, with any query under way in it."""
        self._closing = True
        with contextlib.suppress(OSError):
            self._control.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in recv, which close() would not
        self._control.close()
        try:
            self.process.wait(2)
        except subprocess.TimeoutExpired:  # still copying, or a query holds it: it ends now
            self.process.kill()
            self.process.wait(5)

    def _receive(self) -> tuple | None:
        try:
            data = self._control.recv(_MESSAGE)
        except OSError:
            return None
        return pickle.loads(data) if data else None

    def _follow(self) -> None:
        """Wait for the process to end (it sends nothing more once ready); say so unless the pool closed it."""
        while self._receive() is not None:
            pass
        if not self._closing and self._on_lost is not None:
            self._on_lost(self)


# --- the copy's process -----------------------------------------------------------------


def copy_main(control_fd: int, location: str) -> None:
    """Body of the copy's process: copy the store, then answer queries until the pool goes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the server's to handle: it ends the copy
    control = socket.socket(fileno=control_fd)
    die_with_parent(0.5)  # even while it copies or answers
    try:
        store = _copy_at_low_priority(location)
    except _Damaged as exc:
        with contextlib.suppress(OSError):  # the pool may have stopped meanwhile
            control.send(pickle.dumps(("damaged", str(exc)[:1000])))
        return
    except (OSError, SyntaxError, ValueError) as exc:
        with contextlib.suppress(OSError):  # the pool may have stopped meanwhile
            control.send(pickle.dumps(("failed", f"{type(exc).__name__}: {exc}"[:1000])))
        return
    _return_freed_memory()
    with contextlib.suppress(OSError):  # the pool's end closed (the pool stopped) while the copy wrote to it
        control.send(pickle.dumps(("ready", len(store), _resident_mib())))
        _answer_on_request(control, store)
    os._exit(0)  # without waiting for queries under way: no one waits for their answers any more


# The helper that dumps the folder for the copy. It ends with the copy (Linux's parent-death signal: the copy's
# thread that starts it waits for it), and says nothing once the copy is gone: the server stopping while the
# copy is made removes the folder's checkpoint under it.
_DUMP = """
import ctypes, os, sys
parent = os.getppid()
try:
    ctypes.CDLL(None).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
except (AttributeError, OSError):  # not Linux: it ends on its next write to the closed pipe
    pass
if os.getppid() != parent:
    sys.exit(1)
import pyoxigraph as ox
try:
    ox.Store.read_only(sys.argv[1]).dump(output=sys.stdout.buffer, format=ox.RdfFormat.N_QUADS)
except OSError as exc:
    if os.getppid() == parent:
        print(f"cannot read the store: {exc}", file=sys.stderr)
    sys.exit(1)
except RuntimeError as exc:  # RocksDB: "Corruption: …", a block altered on disk
    if os.getppid() == parent:
        print(exc, file=sys.stderr)
    sys.exit(3 if str(exc).startswith("Corruption:") else 1)  # 3: _DAMAGED_EXIT
"""
_DAMAGED_EXIT = 3  # the dump's exit code when RocksDB finds the store damaged; its words on its standard error


class _Damaged(Exception):
    """The dump found the store damaged: RocksDB's words."""


def _copy_at_low_priority(location: str):
    """:func:`_copy_of` in a thread of low priority, so that the workers reading the folder meanwhile answer first.

    Linux gives each thread its own niceness, inherited by the threads and
    processes it starts (the engine's, the dump helper): this thread ends with
    the copy, and the threads that answer queries keep the process's own
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
        except (OSError, SyntaxError, ValueError, _Damaged) as exc:
            made["error"] = exc

    thread = threading.Thread(target=copy, name="cap-ptce-copy")
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
    with tempfile.TemporaryFile() as said:  # its words, if it fails: not on the server's terminal
        dump = subprocess.Popen(
            [sys.executable, "-I", "-c", _DUMP, location], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, stderr=said
        )
        try:
            store.bulk_load(input=dump.stdout, format=ox.RdfFormat.N_QUADS)
        except SyntaxError:
            if dump.wait() == 0:  # the dump ended first: what it wrote is at fault
                raise
        finally:
            dump.stdout.close()
            code = dump.wait()
        said.seek(0)
        words = said.read(2000).decode("utf-8", "replace").strip()
    if code == _DAMAGED_EXIT:
        raise _Damaged(words)
    if code:
        raise OSError(f"cannot read the store {location} (exit {code}{': ' + words if words else ''})")
    return store


def _return_freed_memory() -> None:
    """Give back the heap freed while loading: the copy's process holds the copy, not the load's leftovers."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to give back this way
        pass


def _resident_mib() -> float:
    """MiB this process holds in memory (its resident set), 0 where /proc does not say."""
    with contextlib.suppress(OSError, StopIteration, ValueError):
        status = Path("/proc/self/status").read_text().splitlines()
        return round(int(next(line for line in status if line.startswith("VmRSS:")).split()[1]) / 1024, 1)
    return 0.0


def _answer_on_request(control: socket.socket, store) -> None:
    """Answer each query handed over ``control`` in a thread of its own, until the pool goes."""
    threading.stack_size(QUERY_STACK_BYTES)  # the threads made from now on take deep queries
    while True:
        data, fds, _, _ = socket.recv_fds(control, _MESSAGE, 1)
        if not data:
            for fd in fds:
                os.close(fd)
            return
        for fd in fds:
            threading.Thread(target=_answer_one, args=(fd, store), daemon=True, name="cap-ptce-copy-query").start()


def _answer_one(fd: int, store) -> None:
    """Answer one ready-made query; any other is refused (only queries of known cost may run unstoppable here)."""
    conn = Connection(fd)
    try:
        prefixes, (request, info, fmt, max_rows) = conn.recv()
        if request.ready_made:
            answer = outcome(store, request, info, fmt, max_rows, prefixes, None)
        else:
            answer = ("error", ("StoreError", {"message": "only ready-made queries run on the shared copy"}))
        conn.send(answer)
    except (EOFError, OSError):  # the pool stopped waiting (the time limit), or went away
        pass
    finally:
        conn.close()


# Where this package was imported from (see _PACKAGE_ROOT in .pool).
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
_COPY_MAIN = (
    "import sys; sys.path.append(sys.argv[3]); from cap_ptce.sparql.memory import copy_main; "
    "copy_main(int(sys.argv[1]), sys.argv[2])"
)
