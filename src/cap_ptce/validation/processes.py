"""Processes for batch work (validating, reading a corpus) that cannot be planted in and die with their parent.

Multiprocessing's ``spawn`` starts each child with ``python -c …`` in the
current folder, which Python puts first on the import path: a
``multiprocessing/__init__.py`` left in the folder a load runs in would run in
every child. ``PYTHONSAFEPATH`` (Python ≥ 3.11) keeps the folder off the path,
for these children and any Python this process starts later. (A forked child
imports nothing anew: it has its parent's modules.) A child busy with a chunk
of files would also finish it after its parent was killed (minutes, hundreds
of MB): each one watches its parent and ends with it. And while a batch is
read and validated, Python's cycle collector runs less often
(:func:`fewer_collections`).
"""

from __future__ import annotations

import fcntl
import gc
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

__all__ = ["process_pool", "end_with_parent", "fewer_collections", "alive", "hold", "orphans"]

# Python's cycle collector, while files are read and validated: its first generation every 50,000 new
# objects instead of 700 (see fewer_collections).
COLLECTOR_THRESHOLDS = (50_000, 20, 100)


def process_pool(jobs: int, context=None) -> ProcessPoolExecutor:
    """``jobs`` processes (spawned, unless ``context`` says otherwise), safe from planted modules, that end soon
    after this one, and at once when the block that uses them fails or is interrupted (:class:`_Pool`)."""
    import multiprocessing

    os.environ["PYTHONSAFEPATH"] = "1"
    context = context or multiprocessing.get_context("spawn")
    return _Pool(max_workers=jobs, mp_context=context, initializer=end_with_parent)


class _Pool(ProcessPoolExecutor):
    """A pool whose processes end at once when its ``with`` block ends in an exception (Ctrl-C, an error).

    Without this, leaving the block waits for every batch already handed to a
    process (up to two each: 250 files, 4 s apiece) to be read for nothing.
    """

    def __exit__(self, exc_type, exc, traceback):
        if exc_type is not None:
            for process in list((getattr(self, "_processes", None) or {}).values()):
                process.terminate()
            self.shutdown(wait=True, cancel_futures=True)  # the pool sees them end, and stops at once
        return super().__exit__(exc_type, exc, traceback)


def end_with_parent(interval: float = 1.0) -> None:
    """In a child: end within ``interval`` seconds of the parent's death, even in the middle of work; leave
    Ctrl-C to the parent.

    A terminal sends Ctrl-C's SIGINT to every process of the command. Python's
    own handler would stop the child's batch with KeyboardInterrupt, sent back to
    the parent as the batch's outcome, and the child would then read the batch
    waiting in its queue (250 files, 4 s). The child ignores it: the parent, which
    gets it too, ends its processes at once (:class:`_Pool`) and says it was
    interrupted.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(3)

    threading.Thread(target=watch, daemon=True, name="cap-ptce-parent-watch").start()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run Python's cycle collector less often for a while, then as it was.

    Reading and validating a description makes tens of thousands of small
    objects that live until its batch is done; at the collector's default
    thresholds, that starts a collection every 700 of them, and the older
    generations' collections go through every object of the process (the
    shapes, the COG) again and again: a fifth of the CPU time of
    ``cap-ptce validate`` on generated files (21 ms a file, then 16), and of
    ``cap-ptce load``'s reading (17 ms a file, then 14). The
    objects are freed by their reference counts all the same; only cycles wait.
    """
    before = gc.get_threshold()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def alive(pid: int) -> bool:
    """Whether process ``pid`` runs (another user's too; a pid reused by another process counts as running).

    For what carries its writer's pid in its name (a snapshot of the store, a site half built): a process
    killed with SIGKILL cannot remove it, and the next one that finds it removes it when its writer is gone.
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def hold(path) -> int:
    """Hold ``path`` (a file or a folder) for as long as this process lives or until the descriptor is closed.

    A shared lock (``flock``) on an open descriptor, which :func:`orphans` tries
    before removing anything: it tells a folder still in use from a dead
    writer's where the pid in its name cannot (a server in another PID
    namespace sharing /tmp has a pid that means no one, or someone else, here).
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    fcntl.flock(descriptor, fcntl.LOCK_SH)
    return descriptor


def _held(path) -> bool:
    """Whether some process holds ``path`` (:func:`hold`); False when it cannot be opened (gone already)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)  # and the lock with it
    return False


def orphans(prefix: str) -> list:
    """The entries of the temporary folder named ``{prefix}{pid}-…`` whose writer, process ``pid``, is gone and
    that no process holds (:func:`hold`).

    What a process writes there and removes as it ends (a copy of the store, the site's downloads) is left
    behind when it is killed (SIGKILL, the out-of-memory killer); the next process that writes such things
    removes these. A pid is the writer's only in the writer's PID namespace: servers in two containers sharing
    /tmp would take each other's for dead ones, and a writer that holds its entry keeps it whatever its pid.
    """
    import tempfile
    from pathlib import Path

    found = []
    for path in Path(tempfile.gettempdir()).glob(f"{prefix}*"):
        pid = path.name[len(prefix) :].partition("-")[0]
        if pid.isdigit() and not alive(int(pid)) and not _held(path):
            found.append(path)
    return found
