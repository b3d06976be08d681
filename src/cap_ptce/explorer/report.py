"""The dashboards as one document, for a report or a board meeting: HTML, Markdown or an A4 PDF.

The document says when it was made, by which version, from which descriptions
(the knowledge base's provenance records: how many, where from, when loaded),
with which filters, and credits the grid to the Institut Godin. Each chart
comes with its table and the name of the ready-made query behind it, so a
reader can check a figure against the published query. The HTML carries its
styles and charts inside (inline SVG, no script); the PDF is that HTML printed
by WeasyPrint, through the dossier's writer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ..errors import ParameterError
from ..i18n import t
from ..resources import tool_version
from ..store import REGISTER_SCOPE
from .dashboard import Chart
from .facets import Selection
from .view import CorpusView

__all__ = ["REPORT_FORMATS", "CorpusReport", "corpus_report", "render_report"]

REPORT_FORMATS = ("html", "pdf", "md")
_TEMPLATES = Path(__file__).with_name("templates")


@dataclass
class CorpusReport:
    """What the report shows: the charts of a selection, and where its figures come from."""

    lang: str
    selection: Selection
    filters: list[str]  # the filters, as a person reads them
    count: int
    total: int
    datasets: dict[str, int]  # the selection's poles by dataset: what the charts count, what they leave aside
    charts: list[Chart]
    records: int  # the knowledge base's descriptions, whatever the selection
    register_records: int  # those of the register of real PTCEs
    sources: list[str]  # the files of the selection's poles
    unread: list  # (UnreadFile, when its previous version was loaded, if it stays) of every folder
    last_loaded: str
    store: str  # where the store is ("" in a report served to a visitor)
    today: str
    version: str


def corpus_report(
    view: CorpusView, selection: Selection, lang: str, *, today: date | None = None, served: bool = False
) -> CorpusReport:
    """The report of ``selection`` over the view's knowledge base; ``served``: for a visitor of the site, who
    is not told where the server keeps its store."""
    exploration = view.explore(selection, lang)
    records = view.kb.records()  # the base's provenance, whatever the selection: not the selection's subset
    register = sum(1 for record in records if record.scope == REGISTER_SCOPE)
    chosen = sorted(view.kb_for(selection).records(), key=lambda r: r.source)
    return CorpusReport(
        lang=lang,
        selection=selection,
        filters=filter_labels(exploration, lang),
        count=len(exploration.projects),
        total=exploration.total,
        datasets=exploration.datasets,
        charts=view.dashboard(selection, lang),
        records=len(records),
        register_records=register,
        sources=[r.source for r in chosen],
        unread=_unread(view.kb, records),
        last_loaded=max((r.loaded_at for r in records), default=None).isoformat() if records else "—",
        store="" if served else view.kb.location or t("report.corpus.memory_store", lang),
        today=(today or date.today()).isoformat(),
        version=tool_version(),
    )


def filter_labels(exploration, lang: str) -> list[str]:
    """Each chosen filter as « Facet : value », then the search words."""
    found = [
        f"{t(f'explorer.facet.{name}', lang)} : {value.label}"
        if lang == "fr"
        else f"{t(f'explorer.facet.{name}', lang)}: {value.label}"
        for name, values in exploration.facets.items()
        for value in values
        if value.chosen
    ]
    if exploration.selection.words:
        found.append(f"« {exploration.selection.words} »" if lang == "fr" else f"“{exploration.selection.words}”")
    return found


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(["html"]))


def to_html(report: CorpusReport) -> str:
    env = _environment()
    words = {"page_word": t("dossier.page", report.lang), "title": t("report.corpus.title", report.lang)}
    return env.get_template("report.html").render(
        r=report,
        t=lambda key, **params: t(key, report.lang, **params),
        style=Markup(env.get_template("report.css").render(**words)),
        svg=Markup,
    )


def to_markdown(report: CorpusReport) -> str:
    return (
        _environment()
        .get_template("report.md")
        .render(r=report, t=lambda key, **params: t(key, report.lang, **params), cell=_md_cell)
    )


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _unread(kb, records) -> list[tuple]:
    """Each file the loads could not read, with when its previous version was loaded if that one stays (and is
    counted): a file that loaded once, then broke, keeps its last good version."""
    loaded = {(record.source, record.scope): record.loaded_at.isoformat() for record in records}
    return [(file, loaded.get((file.source, file.scope))) for file in kb.unread_files()]


def render_report(report: CorpusReport, fmt: str, *, pdf: Callable[[str], bytes] | None = None) -> bytes:
    """The report in ``fmt`` (html, pdf or md), as bytes; ``pdf`` turns the HTML into the PDF (by default
    WeasyPrint in this process; the server gives :func:`cap_ptce.dossier.pdf_process.pdf_in_process`)."""
    if fmt == "html":
        return to_html(report).encode("utf-8")
    if fmt == "md":
        return to_markdown(report).encode("utf-8")
    if fmt == "pdf":
        from ..dossier.render import pdf_from_html

        return (pdf or pdf_from_html)(to_html(report))
    raise ParameterError(
        f"format de rapport inconnu / unknown report format {fmt!r}",
        key="format",
        hint=f"au choix / one of: {', '.join(REPORT_FORMATS)}",
    )
