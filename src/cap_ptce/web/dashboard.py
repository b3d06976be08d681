"""The dashboards: ``/tableau-de-bord`` (``/dashboard``), each chart's CSV, a selection's SPARQL endpoint, the report.

Each chart is drawn on the server as SVG (no JavaScript needed) beside its
table; its CSV is the query's rows, and its link to the editor opens the
ready-made query's text on the endpoint that gave the figures: the whole
knowledge base's ``/sparql``, or for a selection ``/tableau-de-bord/sparql?…``,
a SPARQL 1.1 endpoint over the selection's own knowledge base, so that running
the query in the editor gives the chart's numbers.

The page, the report and each chart's CSV and JSON are drawn once per selection,
language and version of the store, then served from the page cache, under the
app's limit on drawings (:mod:`.cache`): a report's PDF costs seconds of CPU
(12 to 22 s on the embedded corpus), and a few clients asking for it again and
again once took the server's cores.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, redirect, render_template, request
from markupsafe import Markup

from ..errors import NotFoundError
from ..explorer import Selection
from ..explorer.dashboard import CHARTS, Chart, chart_spec
from ..explorer.report import REPORT_FORMATS, corpus_report, filter_labels, render_report
from ..sparql.csvsafe import needs_neutralising
from . import links
from .cache import limited, pdf_in_own_process, under_limit
from .explorer import (
    DASHBOARD_ROUTES,
    ROUTES,
    canonical_redirect,
    corpus_view,
    drawn_once,
    page_path,
    page_selection,
    route_lang,
    selection_of_request,
    switch_to,
)
from .sparql import protocol_answer, protocol_request

__all__ = ["bp", "REPORT_ROUTES", "static_paths"]

bp = Blueprint("dashboard", __name__)

REPORT_ROUTES = {"fr": DASHBOARD_ROUTES["fr"] + "/rapport", "en": DASHBOARD_ROUTES["en"] + "/report"}
_MEDIA = {"html": "text/html; charset=utf-8", "pdf": "application/pdf", "md": "text/markdown; charset=utf-8"}


@bp.get(DASHBOARD_ROUTES["fr"])
@bp.get(DASHBOARD_ROUTES["en"])
@bp.get(DASHBOARD_ROUTES["fr"] + ".fr.html")  # the static copy's pages
@bp.get(DASHBOARD_ROUTES["fr"] + ".en.html")
def page() -> Response | str | tuple[str, int]:
    lang = route_lang(DASHBOARD_ROUTES)
    selection, error = page_selection()
    if error is not None:  # the whole corpus's dashboards, the message above them: 400, not kept
        return limited(lambda: Response(_render_page(selection, lang, error), status=400))
    canonical = canonical_redirect(selection.sorted_by("nom"))
    if canonical is not None:
        return canonical
    # a selection's page names its endpoint's absolute address: kept per site address (SITE_URL, or the Host)
    site = () if selection.is_everything else (links.public(""),)
    return _drawn_once(selection, lambda: Response(_render_page(selection, lang)), *site)


def _drawn_once(selection: Selection, draw: Callable[[], Response], *depends_on: str) -> Response:
    """The answer of ``draw``, drawn once as the explorer's are; a dashboard's order does not count."""
    return drawn_once(selection, draw, *depends_on, with_sort=False)


def _render_page(selection: Selection, lang: str, error=None) -> str:
    view = corpus_view()
    exploration = view.explore(selection, lang)
    charts = view.dashboard(selection, lang)
    return render_template(
        "dashboard.html",
        error=error,
        x=exploration,
        charts=charts,
        filters=filter_labels(exploration, lang),  # each chart's section names them, as the report's do
        unread=len(view.kb.unread_files()),  # files no figure counts: said, the report names them
        svg=Markup,
        explorer=page_path(ROUTES, lang) + selection.query_string(),
        report=REPORT_ROUTES[lang] + ".{fmt}" + selection.query_string(with_sort=False),
        csv_path=lambda chart: f"{DASHBOARD_ROUTES[lang]}/{chart.spec.id}.csv{selection.query_string(with_sort=False)}",
        editor_links=lambda chart: _editor_links(chart, selection, lang),
        query_path=lambda chart: f"/requetes/{chart.spec.query}",
        switch_url=switch_to(DASHBOARD_ROUTES, lang, selection),
    )


def _editor_links(chart: Chart, selection: Selection, lang: str) -> list[tuple[str, str, str]]:
    """(message key, series, fragment after /sparql#): the chart's query on its selection's endpoint.

    The page's own selection states the endpoint (a cached chart may come from another selection
    of the same projects). The coverage's series are one query's rows, maturity by maturity: one link.
    """
    params = {"query": chart.series[0].sparql, "tabTitle": chart.title}
    if not selection.is_everything:
        params["endpoint"] = selection_endpoint(selection, lang)
    return [("dashboard.editor", "", urlencode(params, quote_via=quote))]


def selection_endpoint(selection, lang: str) -> str:
    """The absolute address of the SPARQL endpoint over ``selection``'s knowledge base."""
    return links.public(DASHBOARD_ROUTES[lang] + "/sparql" + selection.query_string(with_sort=False))


@bp.get(DASHBOARD_ROUTES["fr"] + "/<chart_id>.<any(csv, json):suffix>")
@bp.get(DASHBOARD_ROUTES["en"] + "/<chart_id>.<any(csv, json):suffix>")
def chart_twin(chart_id: str, suffix: str) -> Response:
    """A chart's rows as CSV (the query's columns, plus the series), or its Vega-Lite specification as JSON."""
    lang = route_lang(DASHBOARD_ROUTES)
    chart_spec(chart_id)
    selection = selection_of_request()
    return _drawn_once(selection, lambda: _chart_twin(chart_id, suffix, selection, lang))


def _chart_twin(chart_id: str, suffix: str, selection: Selection, lang: str) -> Response:
    chart = corpus_view().chart(chart_id, selection, lang)
    if suffix == "json":
        return Response(json.dumps(chart.vega_lite, ensure_ascii=False, indent=1), content_type="application/json")
    response = Response(_csv(chart), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="{chart_id}.csv"'
    return response


def _csv(chart: Chart) -> str:
    """The chart's rows under the query's column names, the header even for no row; cells that a spreadsheet
    would run as formulas neutralised, as in the ready-made queries' CSV (a project's name is the user's text)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=chart.csv_columns, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    for row in chart.rows:
        writer.writerow({k: _csv_value(v) for k, v in row.items()})
    return out.getvalue()


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if needs_neutralising(text) else text


@bp.route(DASHBOARD_ROUTES["fr"] + "/sparql", methods=["GET", "POST"])
@bp.route(DASHBOARD_ROUTES["en"] + "/sparql", methods=["GET", "POST"])
def selection_sparql() -> Response:
    """SPARQL 1.1 Protocol over the knowledge base of the selection the URL's filters state."""
    lang = route_lang(DASHBOARD_ROUTES)
    selection = selection_of_request()
    query, formats, raw = protocol_request()
    if query is None:  # no query: the editor, pointed at this endpoint
        fragment = urlencode({"endpoint": selection_endpoint(selection, lang)}, quote_via=quote)
        return redirect(links.relative(request.path, "/sparql") + "#" + fragment, code=303)
    # a selection's knowledge base not kept yet is a copy of its projects' graphs, made in this process
    return protocol_answer(corpus_view().kb_for(selection, making=under_limit), query, formats, raw)


@bp.get(REPORT_ROUTES["fr"] + ".<fmt>")
@bp.get(REPORT_ROUTES["en"] + ".<fmt>")
def report(fmt: str) -> Response:
    """The dashboards of the selection as one document (what ``cap-ptce report`` writes)."""
    lang = route_lang(DASHBOARD_ROUTES)
    if fmt not in REPORT_FORMATS:
        raise NotFoundError(f"aucun rapport en / no report as {fmt!r}", hint=f"{', '.join(REPORT_FORMATS)}")
    selection = selection_of_request()
    # the report says the day it was made: drawn again the next day
    return _drawn_once(selection, lambda: _report(selection, lang, fmt), date.today().isoformat())


def _report(selection: Selection, lang: str, fmt: str) -> Response:
    body = render_report(corpus_report(corpus_view(), selection, lang, served=True), fmt, pdf=pdf_in_own_process)
    response = Response(body, content_type=_MEDIA[fmt])
    name = ("rapport-corpus" if lang == "fr" else "corpus-report") + f".{fmt}"
    response.headers.set("Content-Disposition", "inline" if fmt == "html" else "attachment", filename=name)
    return response


def static_paths() -> list[str]:
    """What the static copy of the site holds of the explorer and the dashboards: the whole corpus's pages
    in both languages, the list's CSV and each chart's CSV (filters, JSON and the report need the app)."""
    paths = ["/static/explorer.css", f"{ROUTES['fr']}.csv"]
    for lang in ("fr", "en"):
        paths += [f"{ROUTES['fr']}.{lang}.html", f"{DASHBOARD_ROUTES['fr']}.{lang}.html"]
        paths += [f"{DASHBOARD_ROUTES[lang]}/{spec.id}.csv" for spec in CHARTS]
    return paths


def static_aliases() -> dict[str, str]:
    """The explorer's and the dashboards' addresses in the static copy, each with its language's document:
    the app answers ``/explorer`` with the English explorer, a web server sends to ``explorateur.en.html``."""
    aliases = {}
    for routes in (ROUTES, DASHBOARD_ROUTES):
        for lang, route in routes.items():
            aliases[route.lstrip("/")] = f"{routes['fr'].lstrip('/')}.{lang}.html"  # as static_paths names it
    return aliases


assert len({spec.id for spec in CHARTS}) == len(CHARTS)  # a chart's id is its address
