"""The SPARQL 1.1 Protocol endpoint at ``/sparql``, its service description and query editor.

The view reads the protocol request (GET, POST form-encoded or POST
``application/sparql-query``), hands it to the knowledge base, and writes the
answer in the negotiated format. Every refusal is a typed error that
:mod:`cap_ptce.web.errors` turns into the one error shape.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import json
import logging
import re
import threading
from pathlib import Path
from urllib.parse import parse_qsl, urljoin

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, render_template, request, send_from_directory
from werkzeug.datastructures import MIMEAccept, MultiDict
from werkzeug.exceptions import NotFound
from werkzeug.http import parse_accept_header, parse_options_header

from ..errors import InputError, ParameterError, QueryRefusedError, QueryTooLargeError
from ..i18n import texts
from ..publish.headers import content_security_policy, style_hash
from ..queries import is_ready_made, list_queries
from ..sparql import GRAPH_FORMATS, TABLE_FORMATS, QueryRequest, choose_format
from ..sparql.csvsafe import neutralise_csv
from ..sparql.description import service_description
from ..store import KnowledgeBase
from ..store.build import build_kb
from . import links
from .cache import cached, documents
from .limits import client_key

__all__ = ["bp", "init_app", "get_kb", "set_kb", "protocol_request"]

log = logging.getLogger(__name__)
bp = Blueprint("sparql", __name__)

_FORM = "application/x-www-form-urlencoded"
_DIRECT = "application/sparql-query"
_UPDATE = "application/sparql-update"
_READ_ONLY = (
    "ce point d'accès est en lecture seule : chargez les données avec « cap-ptce load CORPUS --store DOSSIER » / "
    "this endpoint is read-only: load data with `cap-ptce load CORPUS --store DIR`"
)
_UPDATE_REFUSED = "mise à jour SPARQL refusée / SPARQL update refused"
_YASGUI_FILES = ("yasgui.min.js", "yasgui.min.css")
_YES = {"1", "true", "yes", "on", "oui"}
_DOWNLOADED = {"csv", "tsv"}


# --- the app's knowledge base ---------------------------------------------------------


def init_app(app: Flask) -> None:
    """Prepare the app's state; the knowledge base is built on first use (or by ``cap-ptce serve``)."""
    # Building validates the corpus with pyshacl, whose SPARQL parser (rdflib's, on
    # pyparsing) breaks when two threads parse at once: one thread builds, the others wait.
    app.extensions.setdefault("cap_ptce", {})["kb_lock"] = threading.Lock()


def set_kb(app: Flask, kb: KnowledgeBase) -> None:
    """Use ``kb`` as the app's knowledge base (tests, or a server that built it itself)."""
    app.extensions.setdefault("cap_ptce", {})["kb"] = kb


def get_kb() -> KnowledgeBase:
    """The current app's knowledge base, built from its settings the first time."""
    state = current_app.extensions["cap_ptce"]
    kb = state.get("kb")
    if kb is None:
        with state["kb_lock"]:
            kb = state.get("kb")
            if kb is None:  # nobody built it while this thread waited
                kb = build_kb(current_app.config)
                atexit.register(kb.close)
                state["kb"] = kb
    return kb


# --- reading a protocol request -------------------------------------------------------


# what a request holds, in French and English: « the {what} is not valid UTF-8 »
_WHAT = {
    "URL": ("l'URL", "URL"),
    "form body": ("le corps du formulaire", "form body"),
    "query": ("la requête", "query"),
}


def _decode(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        french, english = _WHAT[what]
        raise InputError(
            f"{french} n'est pas en UTF-8 valide (octet {exc.start}) / "
            f"the {english} is not valid UTF-8 (byte {exc.start})",
            hint="encodez la requête en UTF-8 / send the request as UTF-8",
        ) from None


def _check_charset(options: dict) -> None:
    charset = options.get("charset", "utf-8").lower()
    if charset not in {"utf-8", "utf8"}:
        raise InputError(
            f"jeu de caractères non pris en charge {charset!r} / unsupported charset {charset!r}",
            hint="le protocole SPARQL impose UTF-8 / the SPARQL protocol requires UTF-8",
        )


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ParameterError(
            f"{len(values)} paramètres '{name}' donnés ; envoyez-en exactement un / "
            f"{len(values)} '{name}' parameters given; send exactly one",
            key=name,
            hint=f"un seul paramètre '{name}' par requête / one '{name}' parameter per request",
        )
    return values[0] if values else None


def _params():
    """(query text or None, all parameters) of the current request; refuses updates."""
    if len(request.query_string) > current_app.config["MAX_REQUEST_BYTES"]:
        raise QueryTooLargeError(
            f"la chaîne de requête dépasse {current_app.config['MAX_REQUEST_BYTES']} octets / "
            f"the query string is over {current_app.config['MAX_REQUEST_BYTES']} bytes",
            hint="envoyez la requête en POST / send the query with POST",
        )
    params = _decoded_params(request.query_string, "URL")
    if request.method in ("GET", "HEAD"):  # HEAD: what GET would answer, without its body
        return _query_or_update(params, params), params
    mimetype, options = parse_options_header(request.headers.get("Content-Type", ""))
    if mimetype == _FORM:
        _check_charset(options)
        merged = _merged(params, _decoded_params(request.get_data(), "form body"))
        return _query_or_update(merged, merged), merged
    if mimetype == _UPDATE:
        raise QueryRefusedError(_UPDATE_REFUSED, hint=_READ_ONLY)
    if mimetype == _DIRECT:
        _check_charset(options)
        if "query" in params:
            raise ParameterError(
                "une requête dans le corps et une autre dans l'URL / a query in the body and another in the URL: "
                "send exactly one",
                key="query",
                hint="envoyez la requête dans le corps ou dans l'URL / send the query in the body or in the URL",
            )
        return _decode(request.get_data(), "query"), params
    raise InputError(
        f"Content-Type {mimetype!r} non pris en charge pour POST / unsupported Content-Type {mimetype!r} for POST"
        if mimetype
        else "POST sans Content-Type / POST without a Content-Type",
        hint=f"utilisez / use {_FORM} (query=…) or {_DIRECT}",
    )


def _decoded_params(raw: bytes, what: str) -> MultiDict:
    """URL-encoded parameters, refusing bytes that are not UTF-8 (werkzeug would replace them)."""
    text = _decode(raw, what)
    try:
        return MultiDict(parse_qsl(text, keep_blank_values=True, errors="strict"))
    except UnicodeDecodeError:
        french, english = _WHAT[what]
        raise InputError(
            f"{french} n'est pas en UTF-8 valide une fois les %XX décodés / the {english} is not valid UTF-8 once "
            "percent-decoded",
            hint="encodez la requête en UTF-8 / send the request as UTF-8",
        ) from None


def _merged(first: MultiDict, second: MultiDict) -> MultiDict:
    merged = MultiDict(first)
    for key, value in second.items(multi=True):
        merged.add(key, value)
    return merged


def _query_or_update(source, params) -> str | None:
    updates = source.getlist("update")
    if updates or any(name.startswith("using-") for name in params):
        raise QueryRefusedError(_UPDATE_REFUSED, hint=_READ_ONLY)
    return _one(source.getlist("query"), "query")


def _graph_iri(value: str, name: str) -> str:
    """A dataset parameter as an absolute IRI (relative ones resolve against the endpoint)."""
    try:
        iri = urljoin(request.base_url, value.strip())
        ox.NamedNode(iri)
    except ValueError as exc:
        raise ParameterError(
            f"{name} n'est pas une IRI : {value!r} / {name} is not an IRI: {value!r} ({exc})",
            key=name,
            hint="donnez l'IRI d'un graphe / give a graph IRI",
        ) from None
    return iri


def protocol_request() -> tuple[QueryRequest | None, list[str], bool]:
    """The current HTTP request as a QueryRequest (None without a query), its format names, and ``raw``.

    ``raw=true`` asks for CSV cells as they are, without the neutralising of
    formulas (:mod:`cap_ptce.sparql.csvsafe`).
    """
    text, params = _params()
    formats = params.getlist("format") + params.getlist("output")
    raw = _one(params.getlist("raw"), "raw") in _YES
    if text is None:
        return None, formats, raw
    default = tuple(_graph_iri(value, "default-graph-uri") for value in params.getlist("default-graph-uri"))
    named = tuple(_graph_iri(value, "named-graph-uri") for value in params.getlist("named-graph-uri"))
    has_dataset = "default-graph-uri" in params or "named-graph-uri" in params
    return (
        QueryRequest(
            text,
            default_graphs=default if has_dataset else None,
            named_graphs=named if has_dataset else None,
            base_iri=request.base_url,
            # a ready-made query's own text, with no dataset of the visitor's: run as its page runs it
            ready_made=not has_dataset and is_ready_made(text),
        ),
        formats,
        raw,
    )


# --- the endpoint ---------------------------------------------------------------------


@bp.route("/sparql", methods=["GET", "POST"], strict_slashes=False)
def endpoint() -> Response:
    """SPARQL 1.1 Protocol: a query's results, or without a query the service description or editor."""
    query, formats, raw = protocol_request()
    if query is None:
        return _without_query(formats)
    kb = get_kb()
    if query.ready_made:
        return _ready_made_answer(kb, query, formats, raw)
    return protocol_answer(kb, query, formats, raw)


def _ready_made_answer(kb: KnowledgeBase, query: QueryRequest, formats: list[str], raw: bool) -> Response:
    """A ready-made query's own text: run once per version of the store and format, as its pages are.

    Its answer is the same for every visitor until the store is written, so it
    is kept with the pages (:mod:`cap_ptce.web.cache`): GET or POST, it is
    served from memory with its ``ETag``. A visitor's own text is run each time.
    """
    info = kb.check(query)
    fmt = choose_format(info.form, request.headers.get("Accept"), formats)
    text_hash = hashlib.sha256(query.text.encode()).hexdigest()
    key = f"/sparql?ready-made={text_hash}&format={fmt.name}&raw={raw and fmt.name == 'csv'}"
    return cached(documents(), key, lambda: protocol_answer(kb, query, formats, raw, info=info), limit=False)


def protocol_answer(kb, query: QueryRequest, formats: list[str], raw: bool, *, info=None) -> Response:
    """The answer of the SPARQL 1.1 Protocol to ``query`` on ``kb``, in the format asked for.

    Shared by every endpoint of the app (the whole knowledge base, and a
    dashboard's selection): the same limits per client, CSV cells neutralised
    unless ``raw``, tables sent as attachments. ``info`` is the query's check,
    when the caller made it already.
    """
    info = info or kb.check(query)
    fmt = choose_format(info.form, request.headers.get("Accept"), formats)
    config = current_app.config
    result = kb.run(
        query,
        fmt,
        info=info,
        timeout=float(config["QUERY_TIMEOUT"]),
        max_rows=int(config["MAX_RESULT_ROWS"]),
        client=client_key(),
    )
    body = result.body if raw or fmt.name != "csv" else neutralise_csv(result.body)
    response = Response(body, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    if fmt.name in _DOWNLOADED:  # a table a browser would show as a page or a spreadsheet would open
        response.headers["Content-Disposition"] = f'attachment; filename="resultats.{fmt.name}"'
    return response


def _wants_html() -> bool:
    offered = ["text/turtle", "text/html", *(t for f in GRAPH_FORMATS for t in f.names if "/" in t)]
    accept = parse_accept_header(request.headers.get("Accept") or "*/*", MIMEAccept)
    return accept.best_match(offered) == "text/html"


def _without_query(formats: list[str]) -> Response:
    if not formats and _wants_html():
        page = render_template("sparql.html", **_editor_context())
        response = Response(page, content_type="text/html; charset=utf-8")
        folder = yasgui_dir()
        if folder is not None:
            response.headers["Content-Security-Policy"] = content_security_policy(yasgui_style_hashes(folder))
        response.headers["Link"] = f'<{links.public(request.path)}?format=turtle>; rel="alternate"; type="text/turtle"'
    else:
        response = _service_description(formats)
    response.headers["Vary"] = "Accept"
    return response


def _service_description(formats: list[str]) -> Response:
    fmt = choose_format("CONSTRUCT", request.headers.get("Accept"), formats)
    triples = service_description(
        links.public(request.path),
        get_kb().graph_names(),
        license=current_app.config.get("LICENSE"),
        title=texts("sparql.service_title"),
    )
    body = ox.serialize(
        triples, format=fmt.oxigraph, prefixes={"sd": "http://www.w3.org/ns/sparql-service-description#"}
    )
    return Response(body, content_type=fmt.content_type)


# --- the query editor -----------------------------------------------------------------


def yasgui_dir() -> Path | None:
    """The folder with YASGUI's built files (node_modules, installed by ``make install``), if any."""
    configured = current_app.config.get("YASGUI_DIR")
    candidates = [Path(configured)] if configured else []
    candidates.append(Path(__file__).resolve().parents[3] / "node_modules" / "@triply" / "yasgui" / "build")
    for folder in candidates:
        if all((folder / name).is_file() for name in _YASGUI_FILES):
            return folder
    return None


# YASGUI's table adds <style> elements for its column grips: their text, fixed, or its cursor option.
_CREATED_STYLE = re.compile(r'createStyle\([^,()]+,"((?:[^"\\]|\\.)*)"\)')
_CURSOR_OPTION = re.compile(r'\b(dragCursor|hoverCursor):"([^"]+)"')


@functools.cache
def yasgui_style_hashes(folder: Path) -> tuple[str, ...]:
    """The CSP hashes of the styles YASGUI's script creates, read from the installed file itself.

    So the editor page allows exactly those styles and no other, whatever version
    ``make install`` put in node_modules.
    """
    script = (folder / "yasgui.min.js").read_text(encoding="utf-8", errors="replace")
    styles = set()
    for literal in _CREATED_STYLE.findall(script):
        try:
            styles.add(json.loads(f'"{literal}"'))
        except ValueError:
            continue  # an escape JSON does not know: that style stays refused
    for option, cursor in _CURSOR_OPTION.findall(script):
        if option == "dragCursor":
            styles.add("*{cursor:" + cursor + "!important}")
        elif cursor != "col-resize":
            styles.add(".grip-handle .grip-resizable:hover{cursor:" + cursor + "!important}")
    return tuple(sorted(style_hash(style) for style in styles))


def _examples(lang: str) -> list[dict]:
    """The ready-made queries as editor examples: name, title and SPARQL with default parameters."""
    examples = []
    for query in list_queries():
        try:
            sparql = query.build()
        except InputError:  # a parameter without a default: show the query as written
            sparql = query.sparql
        examples.append({"name": query.name, "title": query.title.get(lang) or query.name, "sparql": sparql})
    return examples


def _editor_context() -> dict:
    from .i18n import current_lang

    lang = current_lang()
    return {
        "has_yasgui": yasgui_dir() is not None,
        "examples": _examples(lang),
        "endpoint_url": links.public(request.path),
        "table_formats": [fmt.name for fmt in TABLE_FORMATS],
        "graph_formats": [fmt.name for fmt in GRAPH_FORMATS],
        "yasgui_words": _yasgui_words(lang),
        "error_words": _error_words(lang),
    }


def _error_words(lang: str) -> dict[str, str]:
    """How the editor says where a query went wrong and what to do, as the error page says it."""
    from ..i18n import t

    return {
        "position": t("error.position", lang, line="{line}", column="{column}"),
        "position_line": t("error.position_line", lang, line="{line}"),
        "hint": t("error.hint", lang),
    }


def _yasgui_words(lang: str) -> dict[str, str]:
    """YASGUI's English texts and the page's words for them, and the names of its unnamed fields."""
    from ..i18n import catalogue, t

    keys = [key for key in catalogue() if key.startswith("yasgui.")]
    by_key = ("_field", "_pattern")  # names of fields YASGUI leaves unnamed, and sentences made with figures
    return {catalogue()[key]["en"]: t(key, lang) for key in keys if not key.endswith(by_key)} | {
        key: t(key, lang, n="{n}", s="{s}") if key.endswith("_pattern") else t(key, lang)
        for key in keys
        if key.endswith(by_key)
    }


@bp.route("/static/vendor/yasgui/<path:filename>")
def yasgui_file(filename: str) -> Response:
    """YASGUI's JavaScript and CSS, served from node_modules (never from a CDN)."""
    folder = yasgui_dir()
    if folder is None or filename not in _YASGUI_FILES:
        raise NotFound()
    response = send_from_directory(folder, filename, max_age=3600)
    return response
