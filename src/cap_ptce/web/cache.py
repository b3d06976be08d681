"""Documents drawn once per version of the store, then served from memory with their ETag.

Drawing a project's page costs about 50 ms of CPU in the server's process,
where Python runs one thread at a time: 200 visitors on cold pages at once held
a simple ASK up for 19 s. So each document is drawn once per version of the
knowledge base (the cache empties when the store is written), by one thread
while the others asking for the same document wait for it; at most
``RENDERS`` documents are drawn at once, so that the threads answering the
endpoint keep their share of the processor; a request that cannot start
drawing within ``RENDER_WAIT`` seconds is told the server is busy (503 with
``Retry-After``). A cached answer is revalidated for free: ``If-None-Match``
gets 304. A document asked with options (``?lang=en``, any query string) is
not kept, since its variants have no bound, but is drawn under the same limit:
otherwise adding ``?x=1`` to every request skipped both. ``cap-ptce serve`` draws the pages once in the background as soon
as it listens (``WARM_PAGES``, :func:`cap_ptce.web.export.warm_in_background`),
as many as the cache keeps, so that a crowd seldom finds a page not drawn.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, Response, current_app, g, request

from ..dossier.pdf_process import pdf_in_process
from ..errors import ServerBusyError

__all__ = [
    "DocumentCache",
    "init_app",
    "cached",
    "documents",
    "limited",
    "under_limit",
    "dossier_turn",
    "check_turn",
    "pdf_in_own_process",
]

T = TypeVar("T")

_BUDGET_BYTES = 256 * 2**20  # the whole site of a 1,000-project corpus fits in about a fifth of it


@dataclass(frozen=True)
class _Entry:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


class DocumentCache:
    """Answers by key, drawn once (one thread draws, the others wait), least recently used dropped first."""

    def __init__(self, budget: int = _BUDGET_BYTES) -> None:
        self.budget = budget
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._drawing: dict[str, threading.Lock] = {}

    def get(self, key: str, draw: Callable[[], Response]) -> Response:
        """The answer for ``key``: from memory, or drawn now (and kept if it is a 200)."""
        entry = self._lookup(key)
        if entry is None:
            with self._lock:
                drawing = self._drawing.setdefault(key, threading.Lock())
            try:
                with drawing:  # the first asker draws; the others find its answer when they get the lock
                    entry = self._lookup(key)
                    if entry is None:
                        response = draw()
                        if response.status_code != 200 or response.is_streamed:
                            return response  # an error or a stream is answered, not kept
                        entry = self._keep(key, response)
            finally:
                with self._lock:
                    self._drawing.pop(key, None)
        return Response(entry.body, status=entry.status, headers=list(entry.headers))

    def _lookup(self, key: str) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def _keep(self, key: str, response: Response) -> _Entry:
        response.add_etag()
        entry = _Entry(response.status_code, tuple(response.headers.items()), response.get_data())
        with self._lock:
            self._entries[key] = entry
            self._size += len(entry.body)
            while self._size > self.budget and len(self._entries) > 1:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped.body)
        return entry

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """Bytes of the answers kept."""
        return self._size

    def has_room(self, body_bytes: int) -> bool:
        """Whether an answer of ``body_bytes`` would be kept without dropping another."""
        return self._size + body_bytes <= self.budget


class _Renders:
    """How many documents are drawn at once, and how long a request waits to start drawing.

    ``what``: the French and English words for them in the refusal (« pages », « dossiers »)."""

    def __init__(self, at_once: int, wait: float, what: tuple[str, str] = ("pages", "pages")) -> None:
        self.slots = threading.BoundedSemaphore(max(1, at_once))
        self.wait = wait
        self.what = what

    def draw(self, draw: Callable[[], T], waited: float = 0.0) -> T:
        """``draw()`` in a turn, waited for ``wait`` seconds at most, less the ``waited`` already in a queue."""
        if not self.slots.acquire(timeout=max(0.0, self.wait - waited)):
            french, english = self.what
            raise ServerBusyError(
                f"trop de {french} en cours ; aucune place libérée en {self.wait:g} s / "
                f"too many {english} are being drawn at once; none could start within {self.wait:g} s",
                hint="réessayez dans quelques secondes / retry in a few seconds",
            )
        try:
            return draw()
        finally:
            self.slots.release()


def init_app(app: Flask) -> None:
    """Give the app its limits on documents drawn at once: the pages', and the checks' and the dossiers' of
    descriptions sent."""
    wait = float(app.config["RENDER_WAIT"])
    app.extensions["cap_ptce.renders"] = _Renders(int(app.config["RENDERS"]), wait)
    app.extensions["cap_ptce.dossiers"] = _Renders(int(app.config["DOSSIERS"]), wait, ("dossiers", "dossiers"))
    app.extensions["cap_ptce.checks"] = _Renders(int(app.config["CHECKS"]), wait, ("vérifications", "checks"))


def cached(cache: DocumentCache, key: str, draw: Callable[[], Response], *, limit: bool = True) -> Response:
    """The answer for ``key`` from ``cache`` (drawn under the app's limit if ``limit``), made conditional."""
    renders: _Renders = current_app.extensions["cap_ptce.renders"]

    def drawn() -> Response:
        response = renders.draw(draw) if limit else draw()
        if g.get("lang_from_header"):  # kept with the answer: a later hit does not draw it again
            response.vary.add("Accept-Language")
        return response

    return cache.get(key, drawn).make_conditional(request)


def limited(draw: Callable[[], Response]) -> Response:
    """``draw`` under the app's limit, not kept: for answers whose variants are too many to keep, made conditional."""
    renders: _Renders = current_app.extensions["cap_ptce.renders"]
    return renders.draw(draw).make_conditional(request)


def under_limit(work: Callable[[], T]) -> T:
    """``work`` (not a document: a selection's knowledge base, say) under the app's limit on drawings."""
    renders: _Renders = current_app.extensions["cap_ptce.renders"]
    return renders.draw(work)


def dossier_turn(work: Callable[[], T]) -> T:
    """``work`` (a dossier of a description sent: reading it, checking it, drawing it) in one of the dossiers' turns,
    apart from the pages': a crowd asking for the largest dossiers never holds a page's turn."""
    dossiers: _Renders = current_app.extensions["cap_ptce.dossiers"]
    return dossiers.draw(work, waited=_queued_for())


def check_turn(work: Callable[[], T]) -> T:
    """``work`` (a description sent, read and checked: the validator's, a step of the form's) in one of the checks'
    turns, apart from the pages' and the dossiers': 16 addresses posting the largest description allowed, 8 at a
    time, held every thread (a page took 43 s), and the server kept the 1.1 GB their checks took."""
    checks: _Renders = current_app.extensions["cap_ptce.checks"]
    return checks.draw(work, waited=_queued_for())


def _queued_for() -> float:
    """Seconds the request waited in the server's queue of checks before a thread took it (the server's stamp,
    :data:`cap_ptce.web.server.QUEUED_HEADER`); 0 without one. The turn's wait counts from there: before, a
    small check waited 50 s in the queue behind a flood, then its turn, and never got its 503."""
    try:
        queued = float(request.environ.get("HTTP_X_CAP_PTCE_QUEUED", ""))
    except ValueError:
        return 0.0
    return max(0.0, time.monotonic() - queued)


def pdf_in_own_process(html: str) -> bytes:
    """The PDF of ``html``, drawn by a process of its own within the app's ``DOSSIER_TIMEOUT`` (a dossier's, or the
    dashboards' report's): never in the server's process, which would keep WeasyPrint's memory."""
    return pdf_in_process(html, timeout=float(current_app.config["DOSSIER_TIMEOUT"]))


def documents() -> DocumentCache:
    """The app's answers drawn once, for the store's current version: the site's cache (:mod:`.site` sets the way
    to it at the app's start, so that the modules the site reads, :mod:`.sparql` among them, need not import it)."""
    return current_app.extensions["cap_ptce.documents"]()
