"""The explorer of the projects: ``/explorateur`` (``/explorer``) and its ``.csv`` and ``.json`` twins.

A GET form of facets, a search box and an order: it works without JavaScript,
and each state of it is an address (``/explorateur?region=32&dispositif=pat``)
whose twins give the same list as CSV or JSON. The library
(:mod:`cap_ptce.explorer`) does the work; this module reads the request and
renders. The app keeps one :class:`~cap_ptce.explorer.CorpusView` of its
knowledge base, built on first use.
"""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Callable

from flask import Blueprint, Response, current_app, g, redirect, render_template, request

from ..errors import ParameterError
from ..explorer import CorpusView, Selection, parse_selection
from ..explorer.dashboard import number
from ..explorer.facets import FACETS, SORTS
from ..publish.static_rules import table_link_value
from . import links
from .cache import cached, limited
from .site import get_site
from .sparql import get_kb

__all__ = [
    "bp",
    "ROUTES",
    "DASHBOARD_ROUTES",
    "canonical_redirect",
    "corpus_view",
    "drawn_once",
    "page_path",
    "page_selection",
    "route_lang",
    "selection_of_request",
    "switch_to",
]

bp = Blueprint("explorer", __name__)

ROUTES = {"fr": "/explorateur", "en": "/explorer"}
DASHBOARD_ROUTES = {"fr": "/tableau-de-bord", "en": "/dashboard"}
# Parameters of the SPARQL protocol: a selection's endpoint reads its filters beside them.
PROTOCOL_PARAMS = {"query", "format", "output", "default-graph-uri", "named-graph-uri"}
_LOCK = threading.Lock()
_COLUMNS = (
    "id",
    "nom",
    "jeu",
    "regions",
    "departements",
    "maturite",
    "dispositifs",
    "axes",
    "completude",
    "conforme",
    "iri",
)


def corpus_view() -> CorpusView:
    """The app's view of its knowledge base, built on first use and again after a write to the store.

    The view keeps the project table, selections' bases and dashboards of one version of the store.
    The one it replaces is not closed: a request may still be reading it; its in-memory bases go with it.
    """
    state = current_app.extensions["cap_ptce"]
    kb = get_kb()
    with _LOCK:
        view = state.get("explorer")
        if view is None or view.version != kb.version:
            view = state["explorer"] = CorpusView(kb)
        return view


def page_path(routes: dict[str, str], lang: str) -> str:
    """The page's path in ``lang``: as served (``/explorateur``, ``/explorer``), or as the static copy writes
    its pages, one name in two languages (``/explorateur.fr.html``, ``/explorateur.en.html``)."""
    if current_app.config.get("PUBLISHING"):
        return f"{routes['fr']}.{lang}.html"
    return routes[lang]


def route_lang(routes: dict[str, str]) -> str:
    """The language of the route the request came by (its ``.fr.html`` or ``.en.html`` first), fixed for the page."""
    suffixed = [code for code in ("fr", "en") if request.path.endswith(f".{code}.html")]
    lang = suffixed[0] if suffixed else next(code for code, path in routes.items() if request.path.startswith(path))
    g.lang = lang
    return lang


def selection_of_request() -> Selection:
    """The selection the URL's query string states (the SPARQL protocol's own parameters aside)."""
    return parse_selection([(k, v) for k, v in request.args.items(multi=True) if k not in PROTOCOL_PARAMS])


def canonical_redirect(selection: Selection) -> Response | None:
    """A redirect to the one address of ``selection`` when the form sent another spelling of it.

    The form sends every field (``q=&tri=nom``) in its own order: the address bar, the
    one people share, then says only what narrows or orders the list.
    """
    wanted = selection.query_string()
    lang = request.args.get("lang")
    if lang in ("fr", "en"):
        wanted += ("&" if wanted else "?") + f"lang={lang}"
    if ("?" + request.query_string.decode("utf-8", "replace")).rstrip("?") == wanted:
        return None
    return redirect(links.relative(request.path, request.path) + (wanted or "?"), code=303)


def switch_to(routes: dict[str, str], lang: str, selection: Selection) -> str:
    """The same state in the other language, relative to the current page."""
    other = "en" if lang == "fr" else "fr"
    return links.relative(request.path, page_path(routes, other)) + selection.query_string()


@bp.get(ROUTES["fr"])
@bp.get(ROUTES["en"])
@bp.get(ROUTES["fr"] + ".fr.html")  # the static copy's pages
@bp.get(ROUTES["fr"] + ".en.html")
def page() -> Response:
    lang = route_lang(ROUTES)
    selection, error = page_selection()
    if error is not None:  # the page with the message beside the form, as a query's page does: 400, not kept
        return limited(lambda: Response(_render_page(selection, lang, error), status=400))
    canonical = canonical_redirect(selection)
    if canonical is not None:
        return canonical
    return drawn_once(selection, lambda: Response(_render_page(selection, lang)))


def drawn_once(
    selection: Selection, draw: Callable[[], Response], *depends_on: str, with_sort: bool = True
) -> Response:
    """The answer of ``draw``, drawn once per path, selection, language and version of the store, in its turn.

    The path names the language and the format; the selection is keyed by its one address, so that
    ``?region=32&dispositif=crte`` and ``?dispositif=crte&region=32`` share their answer (its order
    apart, unless ``with_sort``). A write to the store empties the site's cache. Only filters the
    explorer accepts get here: a bad one is a 400 first. At 10,000 descriptions the whole corpus's
    page (4 MB) took 0.7 s of the server's processor at each request.
    """
    key = "#".join((request.path + selection.query_string(with_sort=with_sort), g.lang, *depends_on))
    return cached(get_site().documents, key, draw)


def page_selection() -> tuple[Selection, ParameterError | None]:
    """The selection of a page's address, or the whole corpus and the error when its filters are refused.

    A page answers a bad filter with itself and the message, where the reader can correct it;
    the twins (``.csv``, ``.json``) answer with the error alone.
    """
    try:
        return selection_of_request(), None
    except ParameterError as exc:
        return Selection(), exc


def _render_page(selection: Selection, lang: str, error: ParameterError | None = None) -> str:
    exploration = corpus_view().explore(selection, lang)
    return render_template(
        "explorer.html",
        error=error,
        x=exploration,
        facets=FACETS,
        sorts=SORTS,
        here=page_path(ROUTES, lang),
        dashboard=page_path(DASHBOARD_ROUTES, lang),
        report=DASHBOARD_ROUTES[lang] + ("/rapport" if lang == "fr" else "/report"),
        switch_url=switch_to(ROUTES, lang, selection),
        project_href=lambda p: links.relative(request.path, links.html_document(f"/projet/{p.id}", lang)),
        number=lambda value: number(value, lang),
        alternates=_alternates(lang, selection),
        shared=links.shared,
        fictional=get_site().fictional,  # (projects, fictional ones) of the corpus: what its intro may say of it
        unread=get_site().unread,  # files no figure counts: said, as on the dashboards
    )


@bp.get(ROUTES["fr"] + ".<any(csv, json):suffix>")
@bp.get(ROUTES["en"] + ".<any(csv, json):suffix>")
def twin(suffix: str) -> Response:
    """The list of the page with the same query string, as CSV or JSON."""
    lang = route_lang(ROUTES)
    selection = selection_of_request()
    return drawn_once(selection, lambda: _twin(suffix, selection, lang))


def _twin(suffix: str, selection: Selection, lang: str) -> Response:
    exploration = corpus_view().explore(selection, lang)
    records = [_record(p) for p in exploration.projects]
    if suffix == "json":
        body = json.dumps(
            {
                "selection": dict(_grouped(selection)),
                "count": len(records),
                "total": exploration.total,
                "projects": records,
            },
            ensure_ascii=False,
            indent=1,
        )
        response = Response(body, content_type="application/json")
    else:
        response = Response(_csv(records), content_type="text/csv; charset=utf-8")
        # a spreadsheet's file is downloaded, as the queries' tables are
        name = request.path.rsplit("/", 1)[-1]  # explorateur.csv or explorer.csv: the route allows no other
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    page = links.relative(request.path, request.path.rsplit(".", 1)[0])  # relative: right under any path prefix
    response.headers["Link"] = table_link_value(page + selection.query_string())
    return response


def _alternates(lang: str, selection: Selection) -> list[dict]:
    """The list's twins; the static copy holds only the whole list's CSV, under the French name."""
    if current_app.config.get("PUBLISHING"):
        return [{"media_type": "text/csv", "path": f"{ROUTES['fr']}.csv", "label": "CSV", "lang": None}]
    return [
        {
            "media_type": media_type,
            "path": f"{ROUTES[lang]}.{suffix}{selection.query_string()}",
            "label": suffix.upper(),
            "lang": None,
        }
        for suffix, media_type in (("csv", "text/csv"), ("json", "application/json"))
    ]


def _grouped(selection: Selection):
    yield from ((name, list(values)) for name, values in selection.chosen.items())
    if selection.words:
        yield "q", selection.words
    yield "tri", selection.sort


def _record(project) -> dict:
    """A project as a row of the twins: codes and identifiers joined by « ; », the same as the page shows.

    ``jeu`` says where the pole comes from (registre, fictif, corpus); a register record, which is no
    application, has no completeness and no conformity to the grid (empty, null in JSON).
    """
    joined = {name: " ; ".join(sorted(project.values.get(facet, ()))) for name, facet in _TWIN_FACETS.items()}
    conforms = next(iter(project.values.get("conformite", ())), None) if project.is_application else None
    return {
        "id": project.id,
        "nom": project.name,
        "jeu": project.dataset,
        **joined,
        "completude": project.completeness,
        "conforme": None if conforms is None else conforms == "oui",
        "iri": project.iri,
    }


_TWIN_FACETS = {
    "regions": "region",
    "departements": "departement",
    "maturite": "maturite",
    "dispositifs": "dispositif",
    "axes": "axe",
}


def _csv(records: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for record in records:
        writer.writerow(
            {k: "" if v is None else str(v).lower() if isinstance(v, bool) else v for k, v in record.items()}
        )
    return out.getvalue()
