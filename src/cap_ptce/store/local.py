"""The embedded store: pyoxigraph in memory or in a folder, queried through worker processes."""

from __future__ import annotations

import errno
import functools
import gc
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
import traceback
import weakref
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from itertools import chain
from pathlib import Path

import pyoxigraph as ox

from ..errors import ServerStoppingError, StoreDamagedError, StoreError, is_damage
from ..rdf.oxigraph import bulk_load_pieces, in_graph, ntriples_digest
from ..sparql.execute import QueryRequest, QueryResult
from ..sparql.formats import ResultFormat
from ..sparql.inspect import QueryInfo
from ..sparql.pool import WorkerPool
from ..sparql.sharing import Sharing
from ..sparql.workers import run_safely
from ..validation.processes import hold, orphans
from .checkpoint import Checkpoint

__all__ = ["LocalStore", "write_error"]

log = logging.getLogger(__name__)
_SNAPSHOT_PREFIX = "cap-ptce-snapshot-"  # then the pid of the process that wrote it, so a later one can tell


def _remove_orphan_snapshots() -> None:
    """Delete the N-Quads copies left in the temporary folder by processes that died before removing theirs.

    A process stopped by SIGKILL (a test run cut short, the out-of-memory killer) cannot remove its copy,
    a few megabytes to gigabytes each; the copy's name carries the pid of its writer, and a copy whose
    writer is gone is read by no one (its workers and in-memory copy end with it).
    """
    for path in orphans(_SNAPSHOT_PREFIX):
        if path.suffix == ".nq":
            path.unlink(missing_ok=True)


def _release(descriptor: int, snapshot: Path) -> None:
    snapshot.unlink(missing_ok=True)
    os.close(descriptor)


_BULK_BYTES = 1 << 20  # N-Quads above this go through the bulk loader
_LOADERS = min(4, os.cpu_count() or 1)  # bulk loaders side by side (see bulk_load_pieces)


def _open_locked(path: Path) -> ox.Store:
    try:
        return ox.Store(str(path))
    except OSError as exc:
        if "lock" in str(exc).lower():
            raise StoreError(
                f"le store {path} est utilisé par un autre processus / the store {path} is in use by another process",
                source=str(path),
                hint="pour interroger pendant qu'il tourne, donnez son point d'accès : --store "
                "http://127.0.0.1:PORT/sparql ; pour charger, arrêtez « cap-ptce serve », puis relancez-le (une "
                "seconde) / to query while it runs, give its endpoint: --store http://127.0.0.1:PORT/sparql; to "
                "load, stop `cap-ptce serve`, then start it again (it restarts in a second)",
            ) from None
        if isinstance(exc, FileNotFoundError) and (path / "CURRENT").is_file():  # a file the store names is lost
            raise StoreDamagedError.of(exc, str(path)) from None
        raise write_error(exc, path, "ouverture du store impossible / cannot open the store") from None
    except RuntimeError as exc:  # RocksDB's own errors: "Corruption: …" when a file of the store is lost
        raise StoreDamagedError.of(exc, str(path)) from None


def _damage_said(method):
    """``method`` of a :class:`LocalStore`, RocksDB's "Corruption: …" turned into :class:`StoreDamagedError`.

    A block altered on disk is found when a read reaches it, long after the
    store was opened (a page of the site, a query): the error names this
    store's folder and says to load the corpus again, like one found at open.
    """

    @functools.wraps(method)
    def said(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except StoreDamagedError as exc:  # a worker's: the engine's words, with this store's folder
            if exc.source is not None or self.path is None:
                raise
            damaged = exc.located(str(self.path))
        except RuntimeError as exc:
            if not is_damage(exc):
                raise
            damaged = StoreDamagedError.of(exc, str(self.path) if self.path else None)
        # Raised here, not in the except clause: the engine's error, and the frames of the read it stopped (an
        # Oxigraph iterator among their locals), go with this frame's end, in this thread. Chained to the new
        # error, they lived on, and the iterator was dropped by another thread: "unsendable" (an unraisable error).
        raise damaged

    return said


def _let_go(exc: BaseException) -> None:
    """Clear the local variables of the frames that ``exc`` (and the exceptions it came from) went through.

    Those frames stay alive with the exception, and one of them may hold the
    store (the bulk loader's, stopped by Ctrl-C or a failing disk): a store
    still open while its folder is put back writes over the copy when it is
    freed at last, and the next open finds it corrupt. Frames still running
    (the caller's) are left as they are.
    """
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        one = todo.pop()
        if one is not None and id(one) not in seen:
            seen.add(id(one))
            traceback.clear_frames(one.__traceback__)
            todo += [one.__cause__, one.__context__]


@contextmanager
def _uninterrupted() -> Iterator[None]:
    """A block that Ctrl-C does not cut short (putting the store back: a few renames); in the main thread,
    the one that signals reach."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def _open(path: Path) -> ox.Store:
    """The store at ``path``, opened for writing, after undoing a load that did not end.

    The store is opened first, which takes its lock: a load still running keeps
    it, so its copy is never taken from under it.
    """
    store = _open_locked(path)
    checkpoint = Checkpoint(path)
    if checkpoint.pending():
        del store
        gc.collect()  # the handle's files close when the store is freed
        checkpoint.recover()
        return _open_locked(path)
    checkpoint.recover()  # what a finished load may have left
    return store


def write_error(exc: OSError, path, doing: str) -> StoreError:
    """A store's OSError as a StoreError of one line; a full disk says so."""
    text = str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT) or "No space left" in text or "quota" in text.lower():
        return StoreError(
            f"{doing} : le disque est plein / no space left on device",
            source=str(path),
            hint="libérez de la place, puis recommencez : le store est resté tel qu'avant / "
            "free some space and run it again: the store was left as it was",
        )
    return StoreError(f"{doing} : {exc.strerror or text}", source=str(path))


class LocalStore:
    """A pyoxigraph store (in memory when ``path`` is None) and, on demand, its query workers.

    The process keeps the read-write handle, which also locks the folder against
    a second writer; workers open the folder read-only (and, by default, are
    forked from one in-memory copy of it), or load an N-Quads copy of a memory
    store. Writes stop the workers, which start again, on the new data, with the
    next query.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        temporary: bool = False,
        workers: int = 2,
        workers_in_memory: bool = True,
        query_memory_mib: int | None = None,
        prefixes: dict[str, str] | None = None,
        sharing: Sharing | None = None,
    ) -> None:
        self.sharing = sharing
        self.path = Path(path) if path is not None else None
        self.workers = workers
        self.workers_in_memory = workers_in_memory
        self.query_memory_mib = query_memory_mib
        self._prefixes = prefixes or {}
        self._store = _open(self.path) if self.path else ox.Store()
        self._pool: WorkerPool | None = None
        self._pool_lock = threading.Lock()
        self._snapshot: Path | None = None
        self._readers: Path | None = None  # the readers' checkpoint of a folder (see _readers_checkpoint)
        self._settling: threading.Thread | None = None
        self._writing = False
        self._derivation: str | None = None
        self._cleanup = None
        if temporary and self.path:
            self._cleanup = weakref.finalize(self, shutil.rmtree, str(self.path), True)

    @property
    def store(self) -> ox.Store:
        """The pyoxigraph store itself, for in-process reads."""
        if self._store is None:
            raise ServerStoppingError("la base de connaissances est fermée / the knowledge base is closed")
        return self._store

    @_damage_said
    def graph_names(self) -> set[str]:
        return {graph.value for graph in self.store.named_graphs() if isinstance(graph, ox.NamedNode)}

    @_damage_said
    def replace_graph(self, iri: str, ntriples: bytes) -> None:
        self._stop_workers()
        graph = ox.NamedNode(iri)
        try:
            self.store.remove_graph(graph) if self.store.contains_named_graph(graph) else None
            # load, not bulk_load: bulk loading writes new files per call (~0.1 s each on disk)
            self.store.load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        except OSError as exc:
            raise write_error(
                exc, self.path or "(memory)", "écriture du store impossible / cannot write the store"
            ) from None

    @_damage_said
    def replace_graphs(self, graphs: Mapping[str, bytes]) -> None:
        """Give each graph its N-Triples, through Oxigraph's bulk loader: one write for a whole corpus.

        The bulk loader skips the per-graph transaction of :meth:`replace_graph`
        (10,000 of them cost minutes on disk); a load is kept whole by the
        store's checkpoint instead (see :mod:`.checkpoint`).
        """
        if not graphs:
            return
        self._stop_workers()
        try:
            for iri in graphs:
                self.drop_graph(iri)
            quads = (ox.parse(in_graph(text, iri), format=ox.RdfFormat.N_QUADS) for iri, text in graphs.items())
            self.store.bulk_extend(chain.from_iterable(quads))
        except OSError as exc:
            raise write_error(
                exc, self.path or "(memory)", "écriture du store impossible / cannot write the store"
            ) from None

    @_damage_said
    def rewrite(self, *, drop, add: bytes | Iterable[bytes]) -> None:
        """Remove the graphs ``drop``, then add the N-Quads ``add`` (bytes, or pieces of them, streamed).

        Pieces, or more than a megabyte, go through the bulk loader; it writes
        new files at each call (about 0.1 s on disk): a small write goes
        through one transaction instead. Pieces are dealt out to a bulk loader
        per core (:func:`~cap_ptce.rdf.oxigraph.bulk_load_pieces`): each must be
        whole lines, and its blank nodes its own (a graph's N-Quads, say).
        """
        self._stop_workers()
        try:
            for iri in dict.fromkeys(drop):
                self.drop_graph(iri)
            if not isinstance(add, bytes) or len(add) > _BULK_BYTES:
                bulk_load_pieces(self.store, [add] if isinstance(add, bytes) else add, _LOADERS)
            elif add:
                self.store.load(add, format=ox.RdfFormat.N_QUADS)
        except OSError as exc:
            raise write_error(
                exc, self.path or "(memory)", "écriture du store impossible / cannot write the store"
            ) from None

    @_damage_said
    def update(self, sparql: str) -> None:
        """Run a SPARQL update of our own (one transaction)."""
        self._stop_workers()
        try:
            self.store.update(sparql)
        except OSError as exc:
            raise write_error(
                exc, self.path or "(memory)", "écriture du store impossible / cannot write the store"
            ) from None

    @property
    def derivation(self) -> str | None:
        """The :func:`~.derived.fingerprint` of what wrote the derived graphs, if known.

        Kept in a file of the store's folder, which RocksDB leaves alone and a
        checkpoint does not copy: a store put back after a failed load has none.
        """
        if self.path is None:
            return self._derivation
        try:
            return self._derivation_file.read_text(encoding="ascii").strip() or None
        except OSError:
            return None

    @derivation.setter
    def derivation(self, value: str | None) -> None:
        if self.path is None:
            self._derivation = value
        elif value is None:
            self._derivation_file.unlink(missing_ok=True)
        else:
            self._derivation_file.write_text(value + "\n", encoding="ascii")

    @property
    def _derivation_file(self) -> Path:
        return self.path / "cap-ptce-derived"

    @_damage_said
    def drop_graph(self, iri: str) -> None:
        self._stop_workers()
        graph = ox.NamedNode(iri)
        try:
            if self.store.contains_named_graph(graph):
                self.store.remove_graph(graph)
        except OSError as exc:
            raise write_error(
                exc, self.path or "(memory)", "écriture du store impossible / cannot write the store"
            ) from None

    #: Oxigraph here holds each literal as the reader's Oxigraph did: a record's checksum needs no read-back.
    rewrites_literals_its_own_way = False

    @_damage_said
    def graph_digests(self, iris) -> dict[str, str]:
        """Each graph's checksum (see :func:`cap_ptce.store.provenance.graph_digest`), read from the store.

        Oxigraph writes each graph's N-Triples itself: four times faster than
        going through a Python object for each quad.
        """
        dump = self.store.dump
        return {iri: ntriples_digest(dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(iri))) for iri in iris}

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Writes that all happen or none: an interrupted block leaves the store as it was (on disk).

        A memory store dies with its process, so it needs nothing.
        """
        if self.path is None or self._writing:
            yield
            return
        checkpoint = Checkpoint(self.path)
        try:
            self.store.flush()
            checkpoint.take(self.store)
        except RuntimeError as exc:  # RocksDB: "Corruption: block checksum mismatch", say
            raise StoreDamagedError.of(exc, str(self.path)) from None
        except OSError as exc:
            raise write_error(
                exc, self.path, "copie du store avant chargement impossible / cannot copy the store before loading"
            ) from None
        self._writing = True
        try:
            yield
            self.flush()
        except BaseException as exc:
            _let_go(exc)
            with _uninterrupted():
                self._undo(checkpoint)
            if is_damage(exc):  # a read of the load's met an altered block: put back as it was, and said
                raise StoreDamagedError.of(exc, str(self.path)) from None
            raise
        finally:
            self._writing = False
        checkpoint.discard()

    def _undo(self, checkpoint: Checkpoint) -> None:
        """Put the store back as it was before the block, and close it (the process is failing).

        Only once nothing else holds the store: RocksDB writes its files when the
        store is freed, and would write them over the copy put back (a damaged
        store). When something still holds it (a function of the failure's
        frames, say), the marker stays, and the next open puts the copy back.
        """
        self._stop_workers()
        store, self._store = self._store, None
        gc.collect()
        if store is not None and sys.getrefcount(store) > 2:  # more than this name and getrefcount's argument
            log.warning("%s is still held by the failed load: the next open puts it back as it was", self.path)
            return
        del store  # closed: its last reference
        try:
            checkpoint.restore()
        except OSError:  # the next open will restore it: the marker is still there
            log.exception("could not put %s back now; the next open will", self.path)

    @_damage_said
    def select(self, sparql: str) -> list[dict]:
        """Rows of a SELECT run in this process (for our own small queries)."""
        self._refuse_if_damaged()
        results = self.store.query(sparql)
        names = [variable.value for variable in results.variables]
        return [dict(zip(names, row)) for row in results]

    @_damage_said
    def run(
        self,
        request: QueryRequest,
        info: QueryInfo,
        fmt: ResultFormat,
        *,
        timeout: float | None,
        max_rows: int,
        client: str | None = None,
    ) -> QueryResult:
        """Run a checked query: in a worker with ``timeout`` (shared with other clients), or here when it is None."""
        if timeout is None:
            self._refuse_if_damaged()
            return run_safely(self.store, request, info, fmt, max_rows, self._prefixes)
        return self._workers().run(request, info, fmt, timeout=timeout, max_rows=max_rows, client=client)

    def _refuse_if_damaged(self) -> None:
        """StoreDamagedError when the workers' copy found the store damaged: the engine, reading blocks altered
        on disk, may take memory without end (16 GB in 30 s for one query), instead of saying so."""
        damaged = self._pool.damaged if self._pool is not None else None
        if damaged is not None:
            raise StoreDamagedError(damaged.message)

    @_damage_said
    def start_workers(self) -> WorkerPool:
        """The query workers, started now if they are not running."""
        with self._pool_lock:  # the server's threads may all ask at once
            if self._pool is None:
                self._pool = WorkerPool(
                    str(self._readable_source()),
                    self.workers,
                    prefixes=self._prefixes,
                    in_memory=self.workers_in_memory,
                    memory_mib=self.query_memory_mib,
                    sharing=self.sharing,
                )
            return self._pool

    _workers = start_workers

    def _readable_source(self) -> Path:
        """What workers open: the store's folder (a checkpoint of it, for workers forked from a copy), or an N-Quads copy of a memory store."""
        if self.path:
            self.store.flush()
            if self.workers_in_memory:
                try:
                    return self._readers_checkpoint()
                except OSError as exc:  # no room beside the store: the readers wait for it to settle
                    log.warning("no checkpoint of the store for its readers (%s): compacting it first", exc)
            self.store.optimize()  # settle compactions before read-only readers open the files for good
            return self.path
        _remove_orphan_snapshots()
        handle, name = tempfile.mkstemp(prefix=f"{_SNAPSHOT_PREFIX}{os.getpid()}-", suffix=".nq")
        os.close(handle)
        self._snapshot = Path(name)
        # held (another server sharing /tmp leaves it alone: see orphans), removed with this store
        self._snapshot_release = weakref.finalize(self, _release, hold(name), self._snapshot)
        self.store.dump(output=name, format=ox.RdfFormat.N_QUADS)
        return self._snapshot

    def _readers_checkpoint(self) -> Path:
        """A checkpoint of the folder for the workers and the in-memory copy to read, while the store settles apart.

        Read-only readers must not see the files they open lazily removed by a
        compaction; settling them first (``optimize``) took 17–27 s at 10,000
        freshly loaded descriptions, before a worker could start. A checkpoint
        (hard links to the files, made in milliseconds) keeps the files the
        readers know while this store compacts in the background; it holds the
        disk space of the files that compaction replaces until the workers stop.
        Only the copy into memory reads it at length: workers on it bridge the
        minute or two that the copy takes.
        """
        # one name: a server stopped by a signal leaves it behind, and the next start replaces it
        folder = self.path.with_name(self.path.name + ".readers")
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        self._readers = folder
        weakref.finalize(self, shutil.rmtree, str(folder), True)
        self.store.backup(str(folder / "store"))
        self._settling = threading.Thread(target=self._settle, daemon=True, name="cap-ptce-store-settle")
        self._settling.start()
        return folder / "store"

    def _settle(self) -> None:
        """Compact the store (for its own reads and its size on disk); a failure only leaves it as it was."""
        try:
            self.store.optimize()
        except (OSError, StoreError) as exc:
            log.warning("the store could not be compacted: %s", exc)

    def _stop_workers(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self._settling is not None:  # a write, or closing (which releases the folder), waits for it
            self._settling.join()
            self._settling = None
        if self._readers is not None:
            shutil.rmtree(self._readers, ignore_errors=True)
            self._readers = None
        if self._snapshot is not None:
            self._snapshot_release()  # its file, and the descriptor that holds it (and its disk space)
            self._snapshot = None

    @_damage_said
    def flush(self) -> None:
        if self.path:
            try:
                self.store.flush()
            except OSError as exc:
                raise write_error(exc, self.path, "écriture du store impossible / cannot write the store") from None

    def __len__(self) -> int:
        return len(self.store)

    def close(self) -> None:
        """Stop the workers and release the store (and its folder's lock)."""
        self._stop_workers()
        self._store = None
        if self._cleanup is not None:
            self._cleanup()  # a temporary folder goes with its store
            self._cleanup = None
