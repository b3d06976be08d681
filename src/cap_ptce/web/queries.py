"""Pages of the ready-made queries: ``/requetes`` and ``/requetes/NAME`` with their twins.

``/requetes/NAME`` shows a query's description, a form for its parameters, its
results and its SPARQL text; ``/requetes/NAME.csv`` (``.json``, ``.tsv``,
``.xml``) gives the same results for machines, in the SPARQL 1.1 result formats,
and every page advertises its twins with ``Link: rel="alternate"``. Parameters
come from the query string; ``lang`` is the page's language, never a parameter.
The English paths ``/queries…`` redirect to the French ones.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request, url_for

from ..dossier.values import number
from ..errors import InputError, QueryError, QueryTimeoutError, QueryTooLargeError
from ..grid import load_grid
from ..i18n import LANGUAGES, t
from ..queries import READY_MADE_MAX_ROWS, ReadyQuery, get_query, list_queries, query_text
from ..queries.results import CSVW, TWIN_FORMATS, csvw_metadata, run_table, run_terms, serialise
from ..rdf.weblinks import web_link
from ..sparql.csvsafe import neutralise_csv
from .cache import cached
from .dashboard import REPORT_ROUTES
from .i18n import current_lang, peek_lang
from .limits import client_key
from .site import get_site
from .sparql import get_kb

__all__ = ["bp"]

bp = Blueprint("queries", __name__)

_PAGE_ARGS = {"lang", "raw"}  # the page's language; raw CSV cells (see cap_ptce.sparql.csvsafe)
_YES = {"1", "true", "yes", "on", "oui"}
PAGE_ROWS = 500  # rows shown in a page's table


@bp.get("/requetes")
def index() -> Response:
    """The list of the ready-made queries."""
    response = Response(
        render_template(
            "queries.html",
            queries=list_queries(),
            lang_suffix=_lang_suffix(),
            alternates=[{"media_type": "application/json", "path": "/requetes.json", "lang": None}],
        )
    )
    response.headers["Link"] = '</requetes.json>; rel="alternate"; type="application/json"'
    return response


@bp.get("/requetes.json")
def index_json() -> Response:
    """The list of the ready-made queries, for machines."""
    return jsonify([_summary(query) for query in list_queries()])


@bp.get("/requetes/<name>")
def detail(name: str) -> Response:
    """A query's page: description, parameter form, results table and SPARQL text (drawn once per store version)."""
    return cached(get_site().documents, _cache_key(), lambda: _detail(name), limit=False)


def _cache_key() -> str:
    """What a query's answer depends on: its path, its parameters and the page's language."""
    return f"{request.path}?{urlencode(sorted(request.args.items(multi=True)))}#{peek_lang()}"


def _detail(name: str) -> Response:
    query = get_query(name)
    lang = current_lang()
    params = _params(query)
    context: dict[str, Any] = {"error": None, "rows": [], "total": 0, "variables": [], "sparql": query.sparql}
    status = 200
    try:
        context["sparql"] = query.build(params)
        context["variables"], rows = run_table(get_kb(), context["sparql"], ready_made=True, **_limits())
        context["total"] = len(rows)
        # A page stays readable: the first rows only; the twins hold them all.
        context["rows"] = [{var: _cell(row.get(var), lang) for var in context["variables"]} for row in rows[:PAGE_ROWS]]
    except (InputError, QueryError) as exc:
        # Shown on the page, beside the form that lets the reader correct it.
        context["error"], status = str(exc), _status(exc)
    alternates = _alternates(query.name, params)
    html = render_template(
        "queries_detail.html",
        query=query,
        values=params,
        alternates=alternates,
        options=_options(query, lang),
        yasgui_fragment=_yasgui_fragment(context["sparql"], query.text(lang)),
        lang_suffix=_lang_suffix(),
        corpus_size=get_site().fictional,  # (descriptions, fictional ones): what a corpus query's rows are
        unread=get_site().unread,  # files no row counts: said, as on the dashboards
        unread_report=REPORT_ROUTES[lang] + ".html",
        **context,
    )
    return _with_links(Response(html, status=status), alternates)


@bp.get("/requetes/<name>.<any(csv, json, tsv, xml):suffix>")
def twin(name: str, suffix: str) -> Response:
    """The results of the query ``name`` as CSV, JSON, TSV or XML (SPARQL 1.1 result formats)."""
    return cached(get_site().documents, _cache_key(), lambda: _twin(name, suffix), limit=False)


def _twin(name: str, suffix: str) -> Response:
    query = get_query(name)
    body, media_type = serialise(get_kb(), query.build(_params(query)), suffix, ready_made=True, **_limits())
    if suffix == "csv" and request.args.get("raw", "").lower() not in _YES:
        body = neutralise_csv(body)
    response = Response(body, content_type=media_type)
    disposition = "attachment" if suffix in {"csv", "tsv"} else "inline"  # a spreadsheet's file is downloaded
    response.headers["Content-Disposition"] = f'{disposition}; filename="{query.name}.{suffix}"'
    links = [f'<{_page_path(query.name)}>; rel="alternate"; type="text/html"']
    if suffix == "csv":  # CSVW: the columns' datatypes, so that "01" stays a code and not a number
        links.append(f'<{_page_path(query.name, ".csv-metadata.json")}>; rel="describedby"; type="{CSVW}"')
    response.headers["Link"] = ", ".join(links)
    return response


@bp.get("/requetes/<name>.csv-metadata.json")
def csv_metadata(name: str) -> Response:
    """The CSVW metadata of a CSV twin: its columns, their titles and datatypes (W3C *Tabular Data on the Web*)."""
    query = get_query(name)
    variables, rows = run_terms(get_kb(), query.build(_params(query)), ready_made=True, **_limits())
    csv_url = _page_path(query.name, ".csv").rsplit("/", 1)[1]
    response = jsonify(csvw_metadata(query, variables, rows, csv_url))
    response.content_type = CSVW
    return response


def _page_path(name: str, suffix: str = "") -> str:
    """``/requetes/NAME{suffix}`` with the request's own parameters."""
    query_string = urlencode(sorted(request.args.items(multi=True)))
    return f"/requetes/{name}{suffix}" + (f"?{query_string}" if query_string else "")


@bp.get("/requetes/<name>.rq")
def query_file(name: str) -> Response:
    """The query's file as shipped: its header (titles, parameters, columns) and SPARQL runnable as it stands."""
    query = get_query(name)
    response = Response(query_text(query.name), content_type="application/sparql-query; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="{query.name}.rq"'
    return response


@bp.get("/queries")
@bp.get("/queries/<name>")
def english_alias(name: str | None = None) -> Response:
    """The English paths, redirected to the French ones (one URL per resource)."""
    args = request.args.to_dict()
    args.setdefault("lang", "en")
    target = url_for("queries.detail", name=name) if name else url_for("queries.index")
    return redirect(target + "?" + urlencode(sorted(args.items())), code=301)


def _limits() -> dict[str, Any]:
    """The endpoint's time limit and sharing; but not its cap on rows (:data:`READY_MADE_MAX_ROWS`).

    That cap would turn a ready-made query's page into a 413 as the corpus grows.
    """
    config = current_app.config
    return {"timeout": config["QUERY_TIMEOUT"], "max_rows": READY_MADE_MAX_ROWS, "client": client_key()}


def _params(query: ReadyQuery) -> dict[str, str]:
    """The query's parameters from the query string; ``langue`` follows the page by default.

    A parameter given several times (a multiple choice in the form) becomes one
    comma-separated value.
    """
    params = {
        key: ",".join(v for v in request.args.getlist(key) if v.strip())
        for key in request.args
        if key not in _PAGE_ARGS
    }
    if any(p.name == "langue" for p in query.parameters) and not params.get("langue"):
        params["langue"] = current_lang()  # only then does the answer depend on Accept-Language
    return params


def _options(query: ReadyQuery, lang: str) -> dict[str, list[tuple[str, str]]]:
    """For each parameter with a closed list of values, the (value, label) pairs of its form field."""
    options = {}
    for parameter in query.parameters:
        if parameter.type == "concept":
            options[parameter.name] = _concept_options(parameter.scheme, lang)
        elif parameter.type in {"lang", "boolean"} or parameter.choices:
            values = parameter.choices or (LANGUAGES if parameter.type == "lang" else ("true", "false"))
            options[parameter.name] = [(value, value) for value in values]
    return options


def _concept_options(scheme_id: str, lang: str) -> list[tuple[str, str]]:
    grid = load_grid()
    if scheme_id == "dispositifs":
        return [(s.id, f"{s.acronym} — {getattr(s.label, lang)}") for s in grid.public_schemes]
    return [(c.id, getattr(c.label, lang)) for c in grid.scheme(scheme_id).concepts]


def _alternates(name: str, params: dict[str, str]) -> list[dict[str, Any]]:
    query_string = ("?" + urlencode(sorted(params.items()))) if params else ""
    return [
        {
            "media_type": media_type,
            "path": f"/requetes/{name}.{suffix}{query_string}",
            "label": suffix.upper(),
            "lang": None,
        }
        for suffix, media_type in TWIN_FORMATS.items()
    ]


# How a moment reads in each language (the twins keep xsd:dateTime as it is).
_MOMENTS = {"fr": "%d/%m/%Y %H:%M", "en": "%Y-%m-%d %H:%M"}


def _cell(value: Any, lang: str) -> dict[str, str | None]:
    """A table cell: its text in the page's language, and a link when the value is an IRI this server answers for."""
    if value is None:
        return {"text": "", "href": None, "path": None}
    if isinstance(value, bool):  # not Python's True and False on a French page
        return {"text": t("value.yes" if value else "value.no", lang), "href": None, "path": None}
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo else value
        zone = " UTC" if value.tzinfo else ""
        return {"text": moment.strftime(_MOMENTS.get(lang, _MOMENTS["en"])) + zone, "href": None, "path": None}
    if isinstance(value, (Decimal, float)) and Decimal(str(value)).is_finite():  # 66,7 on a French page; twins: 66.7
        return {"text": number(value, lang), "href": None, "path": None}
    text = str(value)
    base = current_app.config["BASE_IRI"]
    if isinstance(value, str) and text.startswith(base):
        return {"text": text, "href": None, "path": "/" + text.removeprefix(base)}
    href = web_link(text) if isinstance(value, str) else None
    return {"text": text, "href": href, "path": None}


def _yasgui_fragment(sparql: str, title: str) -> str:
    """What follows ``/sparql#`` to open the editor on this query (a fragment: the server never runs it)."""
    return urlencode({"query": sparql, "tabTitle": title}, quote_via=quote)


def _lang_suffix() -> str:
    lang = request.args.get("lang")
    return f"?lang={lang}" if lang in LANGUAGES else ""


def _status(exc: Exception) -> int:
    if isinstance(exc, QueryTimeoutError):
        return 503
    if isinstance(exc, QueryTooLargeError):
        return 413
    return 400


def _with_links(response: Response, alternates: list[dict[str, Any]]) -> Response:
    response.headers["Link"] = ", ".join(
        f'<{a["path"]}>; rel="alternate"; type="{a["media_type"]}"' for a in alternates
    )
    return response


def _summary(query: ReadyQuery) -> dict[str, Any]:
    """A query for machines: its texts, columns, SPARQL runnable as it stands, and how to bind each parameter."""
    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "parameters": [parameter.for_machines(query.sparql) for parameter in query.parameters],
        "binding": BINDING,
        "columns": query.columns,
        "sparql": query.sparql,
        "rq": f"/requetes/{query.name}.rq",
        "page": f"/requetes/{query.name}",
        "results": {suffix: f"/requetes/{query.name}.{suffix}" for suffix in TWIN_FORMATS},
    }


# How a program binds a parameter, said once for every query of /requetes.json.
BINDING = {
    "fr": "« sparql » s'exécute tel quel, avec les valeurs par défaut. Pour donner une valeur à un paramètre, "
    "remplacez dans « sparql » son « placeholder » par VALUES ?nom { … } avec, entre les accolades, un terme "
    'RDF en syntaxe SPARQL (« term » : iri → <…>, string → "…", xsd:… → "…"^^<…>), ou plusieurs si « multiple » ; '
    "UNDEF y laisse toutes les valeurs.",
    "en": "“sparql” runs as it stands, with the default values. To give a parameter a value, replace its "
    "“placeholder” in “sparql” with VALUES ?name { … } holding one RDF term in SPARQL syntax (“term”: iri → <…>, "
    'string → "…", xsd:… → "…"^^<…>), or several if “multiple”; UNDEF there leaves every value.',
}
