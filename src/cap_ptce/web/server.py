"""The HTTP server of ``cap-ptce serve``: waitress, with the limits a public endpoint needs.

Waitress reads every connection on one event loop and hands only complete
requests to its threads, so a slow client costs a connection, not a thread.
Its stock settings let about 100 idle connections take a site offline, never
time out a client that trickles a byte a second, and spool a large body to a
temporary file before the app can refuse it. Here:

- ``CONNECTION_LIMIT`` connections at once (poll, not select: no 1,024 ceiling),
  and at most ``CONNECTIONS_PER_CLIENT`` per address: the next is answered 429
  and closed at once;
- a connection idle for ``IDLE_TIMEOUT`` seconds is closed, and so is one whose
  request has not arrived whole ``REQUEST_TIMEOUT`` seconds after its first byte;
- a body over ``MAX_REQUEST_BYTES`` is refused (413) from its ``Content-Length``
  before a byte of it is read, and a body within it is kept in memory, never
  written to disk (a chunked body is refused as it passes the limit);
- requests to the SPARQL endpoint run on ``ENDPOINT_THREADS`` threads of their
  own, descriptions sent to be checked (``POST`` to the validator, the form and
  the dossier) on ``CHECK_THREADS``, the others on ``SERVER_THREADS``: a crowd on
  pages not drawn yet cannot hold up a query, nor a flood of queries or of the
  largest descriptions the pages;
- behind a reverse proxy named by ``TRUSTED_PROXY``, the client is the address
  the proxy forwards, and the proxy's own connections are not counted per client.
"""

from __future__ import annotations

import json
import logging
import resource
import socket
import threading
import time
from collections.abc import Mapping
from typing import Any

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher

from ..publish.headers import SECURITY_HEADERS

__all__ = ["Lanes", "QueueDepthLog", "make_server", "server_options"]

log = logging.getLogger(__name__)

_REFUSED = (
    b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 5\r\nConnection: close\r\n"
    + b"".join(f"{name}: {value}\r\n".encode("ascii") for name, value in SECURITY_HEADERS.items())
    + b"Content-Type: application/json; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s"
)
_REFUSED_BODY = (
    b'{"error": "TooManyConnections", "message": "trop de connexions ouvertes depuis votre adresse / '
    b'too many open connections from your address"}\n'
)


class _TimedParser(HTTPRequestParser):
    """A request being received, with the moment its first byte came."""

    def __init__(self, adj) -> None:
        super().__init__(adj)
        self.started = time.monotonic()


class _ErrorTask(ErrorTask):
    """Waitress's own refusals, in the app's error shape: JSON, French and English, with the security headers.

    Waitress answers a request it cannot read (a malformed line), too large a
    body or too large headers itself, before the app sees it, in English plain
    text (« exceeds max_body of 1000001 ») and without the headers every answer
    of the site carries.
    """

    def execute(self) -> None:
        error, adj = self.request.error, self.channel.server.adj
        if error.code == 413 and _accepts_html(self.request.headers.get("ACCEPT", "")):
            body, kind = _too_large_page(self.request.path or "/", adj.max_request_body_size - 1), "text/html"
        else:
            limits = (adj.max_request_body_size - 1, adj.max_request_header_size)
            body, kind = _server_error_body(error.code, error.body, *limits), "application/json"
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([("Content-Type", f"{kind}; charset=utf-8"), *SECURITY_HEADERS.items()])
        if error.code == 413:
            self.response_headers.append(("Vary", "Accept"))  # a page for a browser, JSON for the others
        self.set_close_on_finish()
        self.content_length = len(body)
        # a HEAD gets the headers alone (its Content-Length the body's): a client reads no body after them. A
        # request refused before its first line was read has no command (waitress sets it then)
        head = getattr(self.request, "command", None) == "HEAD"
        self.write(b"" if head else body)


def _server_error_body(code: int, detail: str, body_limit: int, header_limit: int) -> bytes:
    """The JSON body of a refusal made by the server itself (see :class:`_ErrorTask`)."""
    from ..i18n import t

    params = {413: {"limit": body_limit}, 431: {"limit": header_limit}}.get(code, {"detail": str(detail)[:120]})
    # 501: a transfer coding other than chunked (« Transfer-Encoding: gzip »): the client's doing, said so
    key = f"error.server_{code}" if code in (400, 413, 431, 501) else "error.http_500"
    message = " / ".join(t(key, lang, **params) for lang in ("fr", "en"))
    names = {400: "BadRequest", 413: "RequestTooLarge", 431: "RequestHeaderFieldsTooLarge", 501: "NotImplemented"}
    name = names.get(code, "ServerError")
    return (json.dumps({"error": name, "message": message}, ensure_ascii=False) + "\n").encode("utf-8")


def _accepts_html(accept: str) -> bool:
    """Whether the client is a browser: it asks for HTML (a form sent from a page), not JSON. An Accept longer
    than the app reads (:data:`~.negotiation_guard.MAX_NEGOTIATION_HEADER`) is not read here either: werkzeug's
    reading takes time with the square of its length (40 s for 150 kB, the whole server held)."""
    from werkzeug.datastructures import MIMEAccept
    from werkzeug.http import parse_accept_header

    from .negotiation_guard import MAX_NEGOTIATION_HEADER

    if len(accept) > MAX_NEGOTIATION_HEADER:
        return False
    return parse_accept_header(accept, MIMEAccept).best_match(["application/json", "text/html"]) == "text/html"


def _too_large_page(path: str, limit: int) -> bytes:
    """The page a browser gets for a form too large to be read: in the route's language first, with how to get
    back to what was typed (the browser's Back keeps it)."""
    from html import escape

    from ..i18n import t

    english = path.startswith(("/validate", "/editor", "/en/")) or path.endswith(".en.html")
    languages = ("en", "fr") if english else ("fr", "en")
    size = {"fr": f"{limit / 1_000_000:g} Mo".replace(".", ","), "en": f"{limit / 1_000_000:g} MB"}
    parts = []
    for lang in languages:
        title, text = t("error.too_large_title", lang), t("error.too_large_page", lang, size=size[lang])
        tag = "h1" if lang == languages[0] else "h2"
        parts.append(f'<section lang="{lang}"><{tag}>{escape(title)}</{tag}><p>{escape(text)}</p></section>')
    title = escape(t("error.too_large_title", languages[0]))
    return (
        f'<!doctype html>\n<html lang="{languages[0]}">\n<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title} — CAP PTCE</title></head>\n<body><main>{''.join(parts)}</main></body>\n</html>\n"
    ).encode()


class _Channel(HTTPChannel):
    parser_class = _TimedParser
    error_task_class = _ErrorTask


class QueueDepthLog:
    """What a lane says of its queue: at most one line an ``interval``, with the deepest queue since the last.

    Waitress writes « Task queue depth is N » for every request queued while
    every thread is busy: 12,000 lines a minute at 1,100 requests a second, while
    all was well, where journald drops messages past 10,000 in 30 s (real errors
    too). This stands for its logger: the first time at once, then once an
    ``interval`` at most, with how many requests were queued meanwhile.
    """

    def __init__(self, lane: str, interval: float = 60.0, clock=time.monotonic, logger: logging.Logger = log) -> None:
        self.lane, self.interval, self.clock, self.logger = lane, interval, clock, logger
        self.deepest = self.times = 0
        self.since: float | None = None
        self.lock = threading.Lock()

    def warning(self, message: str, depth: int, *args) -> None:
        with self.lock:
            now = self.clock()
            self.deepest, self.times = max(self.deepest, depth), self.times + 1
            if self.since is not None and now - self.since < self.interval:
                return
            deepest, times, self.deepest, self.times, self.since = self.deepest, self.times, 0, 0, now
        self.logger.warning(
            "%s: every thread busy, up to %d request(s) waiting; %d request(s) had to wait since the last such line",
            self.lane,
            deepest,
            times,
        )


# Where descriptions are sent to be checked: the validator, the form and the dossier, in both languages.
CHECKED_PATHS = ("/valider", "/validate", "/editeur", "/editor", "/dossier")
QUEUED_HEADER = "X_CAP_PTCE_QUEUED"  # waitress's name of a header; the environ's is HTTP_ and this


class Lanes:
    """Three pools of threads, each with its queue: the SPARQL endpoint's, the descriptions sent's (``POST`` to
    :data:`CHECKED_PATHS`: 16 addresses posting the largest allowed held every page's thread, a page took 43 s,
    then 24 s with the checks' turns alone), and everything else's."""

    def __init__(
        self, endpoint_threads: int, other_threads: int, check_threads: int = 4, endpoint_path: str = "/sparql"
    ) -> None:
        self.endpoint_path = endpoint_path
        self.endpoint = ThreadedTaskDispatcher()
        self.checks = ThreadedTaskDispatcher()
        self.other = ThreadedTaskDispatcher()
        self.endpoint.queue_logger = QueueDepthLog("endpoint")
        self.checks.queue_logger = QueueDepthLog("checks")
        self.other.queue_logger = QueueDepthLog("pages")
        self.endpoint.set_thread_count(max(1, endpoint_threads))
        self.checks.set_thread_count(max(1, check_threads))
        self.other.set_thread_count(max(1, other_threads))

    def add_task(self, task) -> None:
        """Queue a connection whose request is complete, in its lane (by the request's path and method)."""
        requests = getattr(task, "requests", None)
        request = requests[0] if requests else None
        path, method = getattr(request, "path", "") or "", getattr(request, "command", "") or ""
        if path.startswith(self.endpoint_path):
            self.endpoint.add_task(task)
        elif method == "POST" and path.rstrip("/") in CHECKED_PATHS:
            # when it was queued, for its turn's wait to count from then (RENDER_WAIT, then 503): a client's own
            # header of this name is replaced; the app reads it as HTTP_X_CAP_PTCE_QUEUED
            request.headers[QUEUED_HEADER] = repr(time.monotonic())
            self.checks.add_task(task)
        else:
            self.other.add_task(task)

    def shutdown(self, cancel_pending: bool = True, timeout: float = 5) -> bool:
        stopped = [lane.shutdown(cancel_pending, timeout) for lane in (self.endpoint, self.checks, self.other)]
        return all(stopped)


class GuardedServer(TcpWSGIServer):
    """Waitress's TCP server with a deadline per request and a cap on connections per client."""

    channel_class = _Channel

    def __init__(self, application, *, request_timeout: float, per_client: int, **options) -> None:
        self.request_timeout = request_timeout
        self.per_client = per_client
        # each channel with answers waiting: when maintenance first saw them wait, and its last activity then
        self._waiting_since: dict[int, tuple[float, float]] = {}
        super().__init__(application, **options)

    def handle_accept(self) -> None:
        try:
            accepted = self.accept()
        except OSError:
            return  # the client left before we took it
        if accepted is None:
            return
        conn, addr = accepted
        if self._over_client_limit(addr[0]):
            _refuse(conn)
            return
        self.set_socket_options(conn)
        self.channel_class(self, conn, self.fix_addr(addr), self.adj, map=self._map)

    def _over_client_limit(self, address: str) -> bool:
        if address == self.adj.trusted_proxy:
            return False
        held = [
            channel for channel in list(self.active_channels.values()) if channel.addr and channel.addr[0] == address
        ]
        if len(held) < self.per_client:
            return False
        # The event loop may not have read yet that some of them were closed by the client: look now.
        return sum(not _closed_by_peer(channel) for channel in held) >= self.per_client

    def maintenance(self, now: float) -> None:
        """Close idle connections (waitress's own rule), those whose request is overdue, and those whose client
        has read nothing of its answers for IDLE_TIMEOUT: a thread writing to it waits for room (waitress keeps
        16 MB of a connection's answers), and pipelined downloads that were never read held every thread (4
        addresses × 8 connections: no page answered for 6 minutes). Closing it frees the thread."""
        super().maintenance(now)
        overdue = time.monotonic() - self.request_timeout
        stalled = now - self.adj.channel_timeout  # waitress's own clock: time.time()
        waiting = {}
        for key, channel in list(self.active_channels.items()):
            request = channel.request
            if request is not None and getattr(request, "started", overdue) < overdue:
                channel.will_close = True
            if not channel.total_outbufs_len:
                continue
            # Stalled: no activity since its answer began to wait, IDLE_TIMEOUT ago. Not since the channel's last
            # activity: that of a request answered after 10 s in a flood was its request's, 10 s before its
            # answer, which was cut after its headers (an operator's finding, 3 answers in 1,192)
            first, activity = self._waiting_since.get(key, (now, channel.last_activity))
            if activity != channel.last_activity:  # the client read some of it: waiting anew
                first, activity = now, channel.last_activity
            if first < stalled:
                channel.handle_close()
            else:
                waiting[key] = (first, activity)
        self._waiting_since = waiting


def _closed_by_peer(channel) -> bool:
    """Whether the client has closed ``channel``'s connection (then close it here too)."""
    try:
        closed = channel.socket.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        closed = True
    if closed:
        channel.handle_close()
    return closed


def _refuse(conn) -> None:
    try:
        conn.setblocking(False)
        conn.send(_REFUSED % (len(_REFUSED_BODY), _REFUSED_BODY))
    except OSError:
        pass
    finally:
        conn.close()


def server_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """Waitress's adjustments from the app's settings."""
    body_limit = int(config["MAX_REQUEST_BYTES"])
    options = {
        "connection_limit": int(config["CONNECTION_LIMIT"]),
        "channel_timeout": max(1, int(config["IDLE_TIMEOUT"])),
        "cleanup_interval": 1,  # how often the timeouts are checked, in seconds
        "max_request_body_size": body_limit + 1,  # waitress refuses from this size on
        # A body stays in memory below this; a chunked one is refused once past the limit, after the
        # read that passed it (8 KiB at most): the margin keeps that last read in memory too.
        "inbuf_overflow": body_limit + 2**20,
        "asyncore_use_poll": True,
        "ident": "cap-ptce",
    }
    proxy = config.get("TRUSTED_PROXY")
    if proxy:
        options.update(
            trusted_proxy=proxy,
            trusted_proxy_count=1,
            trusted_proxy_headers="x-forwarded-for x-forwarded-proto",
            clear_untrusted_proxy_headers=True,
        )
    return options


def make_server(app, host: str, port: int) -> GuardedServer:
    """The server for ``app`` on ``host:port`` (0: a free port), not yet running (call ``run()``)."""
    config = app.config
    options = server_options(config)
    _allow_files(options["connection_limit"] + 256)
    return GuardedServer(
        app,
        host=host,
        port=port,
        request_timeout=float(config["REQUEST_TIMEOUT"]),
        per_client=int(config["CONNECTIONS_PER_CLIENT"]),
        dispatcher=Lanes(int(config["ENDPOINT_THREADS"]), int(config["SERVER_THREADS"]), int(config["CHECK_THREADS"])),
        **options,
    )


def _allow_files(wanted: int) -> None:
    """Raise this process's open-file limit towards ``wanted`` (each connection is a file)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    if target < wanted:
        log.warning("open files are limited to %d: fewer connections than CONNECTION_LIMIT will fit", hard)
