"""Every error of the web app in one shape: JSON for machines, a page for people.

The JSON object is ``{"error", "message", "line"?, "column"?, "hint"?}``. A
request gets JSON when it does not prefer HTML (API clients, SPARQL clients,
``curl``) and HTML when a browser asks for a page, or when the URL names a page
(``….html``) and the client does not prefer JSON. Statuses:

======================================  ======  ==========================================
error                                   status  why
======================================  ======  ==========================================
InputError, QuerySyntaxError, …         400     the client can fix its request (also QueryTooComplexError,
                                                UnknownFunctionError)
QueryRefusedError                       403     understood, valid, but not allowed here (updates, SERVICE)
NotFoundError                           404
QueryTooLargeError                      413     request over MAX_REQUEST_BYTES, result over MAX_RESULT_ROWS,
                                                query over QUERY_MEMORY_MB (QueryMemoryError)
TooManyQueriesError                     429     this client's own share is in use; Retry-After says when to try again
QueryTimeoutError                       503     the server stopped the work, or is saturated (ServerBusyError);
                                                Retry-After says when to try again
WorkerStoppedError                      503     a query worker ended by a signal (a crash, the system out of
                                                memory, an operator): logged, its message shown, Retry-After
                                                (the next query gets a fresh worker)
ServerStoppingError                     503     a request met the server's stop (its store closed, its workers
                                                stopped): logged at INFO, Retry-After
StoreDamagedError                       503     RocksDB found a file of the store altered: logged with the store's
                                                folder and what to do; the visitor is told the operator must load
                                                the corpus again (no folder shown, no Retry-After: waiting mends
                                                nothing)
StoreError and anything unexpected      500     logged with its traceback, shown without it
======================================  ======  ==========================================
"""

from __future__ import annotations

import logging

from flask import Flask, Response, g, json, render_template, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_accept_header

from .. import errors

__all__ = ["init_app", "STATUS", "status_of", "error_response"]

log = logging.getLogger(__name__)

STATUS: tuple[tuple[type[errors.CapPtceError], int], ...] = (
    (errors.QueryRefusedError, 403),
    (errors.QueryTooLargeError, 413),
    (errors.TooManyQueriesError, 429),
    (errors.QueryTimeoutError, 503),
    (errors.WorkerStoppedError, 503),
    (errors.StoreDamagedError, 503),
    (errors.QueryError, 400),
    (errors.InputError, 400),
    (errors.NotFoundError, 404),
    (errors.StoreError, 500),
)
_SHOWN_FIELDS = ("line", "column", "hint")
_RETRY_AFTER_SECONDS = "5"


def status_of(exc: errors.CapPtceError) -> int:
    """The HTTP status for a library error (the most specific class wins)."""
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def _wants_html() -> bool:
    """Whether the error goes out as a page: what ``Accept`` prefers, else what the URL names.

    A URL ending in ``.html`` names a page (``q01.fr.html``): its error is a page
    unless the client prefers JSON. Any other URL gets JSON unless the client
    prefers HTML (JSON wins ties: ``curl`` sends ``*/*``).
    """
    accept = parse_accept_header(request.headers.get("Accept") or "", MIMEAccept)
    if request.path.endswith(".html"):
        return accept.best_match(["text/html", "application/json"]) != "application/json"
    return accept.best_match(["application/json", "text/html"]) == "text/html"


def error_response(status: int, payload: dict, headers: dict | None = None, see: str | None = None) -> Response:
    """The one error shape, as JSON or as an HTML page depending on what the client prefers; ``see``: an address
    the page links (a 404's nearest one, which the JSON's hint names already)."""
    if _wants_html():
        g.error_page = True  # no canonical address: an error page is no document
        body = render_template("error.html", status=status, error=payload, see=see)
        response = Response(body, status=status, content_type="text/html; charset=utf-8")
    else:
        response = Response(
            json.dumps(payload, ensure_ascii=False) + "\n",
            status=status,
            content_type="application/json; charset=utf-8",
        )
    response.headers["Vary"] = "Accept"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _library_error(exc: errors.CapPtceError) -> Response:
    status = status_of(exc)
    if isinstance(exc, errors.StoreDamagedError):
        log.error("store damaged, on %s %s: %s", request.method, request.path, exc)
        return error_response(status, {"error": type(exc).__name__, "message": _bilingual("store_damaged")})
    if isinstance(exc, errors.ServerStoppingError):  # a request the stop met: no fault
        log.info("stopping, on %s %s: %s", request.method, request.path, exc)
    elif isinstance(exc, errors.WorkerStoppedError):
        log.error("query worker stopped on %s %s: %s", request.method, request.path, exc)
    elif status == 500:
        log.error("store error on %s %s: %s", request.method, request.path, exc)
        return _unexpected(exc)
    payload = {"error": type(exc).__name__, "message": exc.message}
    payload.update({name: getattr(exc, name) for name in _SHOWN_FIELDS if getattr(exc, name) is not None})
    headers = {"Retry-After": _RETRY_AFTER_SECONDS} if status in (429, 503) else None
    return error_response(status, payload, headers, see=getattr(exc, "see", None))


def _bilingual(name: str) -> str | None:
    """Our French and English text ``error.{name}`` (``http_404``: for an HTTP status), when we have one."""
    from ..i18n import catalogue

    texts = catalogue().get(f"error.{name}")
    return f"{texts['fr']} / {texts['en']}" if texts else None


def _http_error(exc: HTTPException) -> Response:
    # werkzeug's stock English sentence gives way to ours; a view's own description is kept
    stock = exc.description == type(exc).description
    message = (_bilingual(f"http_{exc.code or 500}") if stock else None) or exc.description or exc.name
    payload = {"error": type(exc).__name__, "message": message}
    headers = dict(exc.get_headers())
    headers.pop("Content-Type", None)
    return error_response(exc.code or 500, payload, headers)


def _unexpected(exc: Exception) -> Response:
    if errors.is_damage(exc):  # RocksDB's word, met by a read the store did not wrap
        return _library_error(errors.StoreDamagedError.of(exc))
    # The message of an unexpected error may quote user input or internals: never show it.
    if not isinstance(exc, errors.StoreError):
        log.exception("unexpected error on %s %s", request.method, request.path)
    payload = {"error": "InternalServerError", "message": _bilingual("http_500")}
    return error_response(500, payload)


def init_app(app: Flask) -> None:
    """Register the handlers that give every error the one shape; keep what a visitor sends out of the log."""
    # rdflib warns of a term it finds odd with the term itself: a carrier's uploaded IRI, whole, in the server's
    # log (« <…jean.dupont@example.org> does not look like a valid URI »), which keeps nothing a visitor sends
    logging.getLogger("rdflib").setLevel(logging.ERROR)
    app.register_error_handler(errors.CapPtceError, _library_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
