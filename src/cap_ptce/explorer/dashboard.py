"""The dashboards: each chart is a ready-made query's rows, drawn from one Vega-Lite specification.

A chart names its query, the column it labels bars with and the column(s) it
draws; its table is the query's rows, its CSV those rows, and its SPARQL the
query's text: the numbers a reader sees are the numbers the query gives, on the
whole corpus or on the knowledge base of a selection (:mod:`.subset`). The
coverage of the grid's questions is drawn once per maturity, from one query
that counts each maturity apart (``couverture-par-question-et-maturite``): each
series is what ``couverture-par-question`` gives on the projects of that
maturity, without a knowledge base made for them (at 10,000 descriptions, two
copies of half the corpus each, and 75 s for the first visit of the dashboard).

Régions and départements are ranked bars, not a map: no package from PyPI or
npm that the project can depend on ships the official outlines of France (the
COG package, ``@etalab/decoupage-administratif``, has codes and names only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..charts import bar_chart, matrix_chart, paired_bar_chart, to_svg
from ..grid import load_grid
from ..grid.rdf import concept_iri
from ..i18n import t
from ..queries import build, get_query
from ..queries.results import run_table
from .facets import NONE, Selection

__all__ = ["ChartSpec", "Series", "Chart", "CHARTS", "chart_spec", "build_dashboard", "build_chart", "number"]


@dataclass(frozen=True)
class ChartSpec:
    """What a chart shows: its query, the label column, the value column(s), its shape."""

    id: str
    query: str
    label: str
    value: str
    second: str | None = None  # a second value column, drawn beside the first (paired bars)
    column: str | None = None  # the matrix's column labels (co-occurrences)
    top: int | None = None  # rows per project or place: only the first ones are drawn, the table has them all
    unit: str = ""  # "%" or "€", written after the values
    by_maturity: bool = False  # the query counts each maturity apart (column maturite): one series per maturity


CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec("regions", "projets-par-region", "nom_region", "projets"),
    ChartSpec("departements", "projets-par-departement", "nom_departement", "projets", top=20),
    ChartSpec("maturites", "projets-par-maturite", "libelle", "projets"),
    ChartSpec("dispositifs", "engagement-dispositifs", "sigle", "projets"),
    ChartSpec("axes", "axes-thematiques", "libelle", "projets"),
    ChartSpec("axes-ensemble", "axes-cooccurrences", "libelle", "projets", column="autre_libelle"),
    ChartSpec("acteurs", "acteurs-par-type", "libelle", "acteurs", second="acteurs_ess", top=16),
    ChartSpec("membres-ess", "membres-ess", "nom", "part_ess", top=20, unit="%"),
    ChartSpec("financements", "financements-par-type-de-financeur", "libelle", "montant_total", unit="€"),
    ChartSpec("coordination", "coordination-par-projet", "nom", "etp_total", top=20),
    ChartSpec("stades", "stades-plan-action", "libelle", "actions"),
    ChartSpec("couverture", "couverture-par-question-et-maturite", "numero", "taux", unit="%", by_maturity=True),
    ChartSpec("validation", "bilan-des-validations", "issue", "descriptions"),
)


def chart_spec(chart_id: str) -> ChartSpec:
    """The chart called ``chart_id``; NotFoundError otherwise."""
    from ..errors import NotFoundError

    for spec in CHARTS:
        if spec.id == chart_id:
            return spec
    raise NotFoundError(
        f"aucun graphique ne s'appelle / no chart is called {chart_id!r}",
        key=chart_id,
        hint=f"graphiques / charts: {', '.join(s.id for s in CHARTS)}",
    )


@dataclass
class Series:
    """One run of the chart's query: on which selection, with which text, and its rows."""

    key: str  # "" for the chart's only series, else the maturity's identifier
    label: str
    selection: Selection
    sparql: str
    variables: list[str]  # the query's result columns, known even when no row comes
    rows: list[dict[str, Any]]


@dataclass
class Chart:
    """A chart made: its title and description, its series (rows), its table's columns and its SVG."""

    spec: ChartSpec
    title: str
    description: str
    summary: str  # the figures in a sentence: the chart's text alternative
    columns: list[tuple[str, str]]
    series: list[Series]
    vega_lite: dict = field(default_factory=dict)
    svg: str = ""

    @property
    def rows(self) -> list[dict[str, Any]]:
        """Every series' rows, each with its series' key when there are several (the CSV's rows)."""
        if len(self.series) == 1:
            return self.series[0].rows
        return [{"serie": s.key, **row} for s in self.series for row in s.rows]

    @property
    def csv_columns(self) -> list[str]:
        """The CSV's header: the query's variables (the series' key first when there are several), rows or none."""
        return (["serie"] if len(self.series) > 1 else []) + self.series[0].variables

    def table(self, lang: str) -> list[list[str]]:
        """The rows as the table beside the chart shows them: labels for the absent, numbers written out."""
        return [[self.cell(row, column, lang) for column, _ in self.columns] for row in self.rows]

    def cell(self, row: dict, column: str, lang: str) -> str:
        value = row.get(column)
        if column == "serie":
            return next(s.label for s in self.series if s.key == value)
        if value is None and column == self.spec.label:
            return none_label(self.spec, lang)
        if value is None and column == _MATURITY_LABEL and self.spec.by_maturity:  # the projects that give none
            return t("dashboard.none.maturites", lang)
        if column == "issue" and value is not None:
            return t(f"dashboard.issue.{value}", lang)
        return number(value, lang)


def none_label(spec: ChartSpec, lang: str) -> str:
    return t(f"dashboard.none.{spec.id}", lang)


def number(value: Any, lang: str) -> str:
    """A value as a person reads it: 1 234,5 in French, 1,234.5 in English; dates as ISO; text as it is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return t("explorer.yes" if value else "explorer.no", lang)
    if isinstance(value, (int, float, Decimal)):
        text = f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
        return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def build_dashboard(kb_for: Callable[[Selection], Any], selection: Selection, lang: str) -> list[Chart]:
    """Every chart of the dashboard for ``selection``; ``kb_for`` gives the knowledge base of a selection."""
    return [build_chart(spec, kb_for, selection, lang) for spec in CHARTS]


def build_chart(spec: ChartSpec, kb_for: Callable[[Selection], Any], selection: Selection, lang: str) -> Chart:
    """One chart: its query run on the selection (once per maturity for the coverage), drawn as SVG."""
    query = get_query(spec.query)
    params = {"langue": lang} if any(p.name == "langue" for p in query.parameters) else {}
    sparql = build(spec.query, params)
    variables, rows = run_table(kb_for(selection), sparql, ready_made=True)
    series = _series(spec, selection, sparql, variables, rows, lang)
    if len(series) > 1:  # a maturity that no project of the selection has draws no series of zeros
        series = [s for s in series if any(row.get("projets") for row in s.rows)] or series[:1]
    columns = [(c, texts.get(lang) or texts["fr"]) for c, texts in query.columns.items() if not _is_iri(c, series)]
    if len(series) > 1:  # the series' column says the maturity, once
        columns = [("serie", t("explorer.facet.maturite", lang))] + [c for c in columns if c[0] != _MATURITY_LABEL]
    chart = Chart(spec, query.text(lang, "title"), query.text(lang, "description"), "", columns, series)
    chart.vega_lite = _vega_lite(chart, lang)
    chart.summary = chart.vega_lite["description"]
    chart.svg = to_svg(chart.vega_lite)
    return chart


_MATURITY, _MATURITY_LABEL = "maturite", "libelle_maturite"  # the columns of a query that counts each maturity


def _series(spec: ChartSpec, selection: Selection, sparql: str, variables: list[str], rows: list, lang: str):
    """The chart's series: its rows, or each maturity's rows (in the grid's order, the selection's maturities),
    then those of the projects that give none (when some do, or when the selection asks for them)."""
    if not spec.by_maturity:
        return [Series("", "", selection, sparql, variables, rows)]
    scheme = load_grid().scheme("maturites")
    chosen = selection.values("maturite")
    series = [
        Series(concept.id, concept.label.get(lang), selection, sparql, variables, own)
        for concept in scheme.concepts
        if not chosen or concept.id in chosen
        for own in [[row for row in rows if row.get(_MATURITY) == str(concept_iri(scheme.id, concept.id))]]
    ]
    without = [row for row in rows if row.get(_MATURITY) is None]
    if NONE in chosen or (without and not chosen):
        series.append(Series(NONE, t("dashboard.none.maturites", lang), selection, sparql, variables, without))
    return series


def _is_iri(column: str, series: list[Series]) -> bool:
    """Columns that hold IRIs stay in the CSV but not in the table a person reads."""
    values = [row.get(column) for s in series for row in s.rows if row.get(column) is not None]
    return bool(values) and all(isinstance(v, str) and v.startswith(("http://", "https://")) for v in values)


def _label(spec: ChartSpec, row: dict, lang: str) -> str:
    value = row.get(spec.label)
    if value is None:
        return none_label(spec, lang)
    if spec.id == "validation":
        return t(f"dashboard.issue.{value}", lang)
    if spec.id == "departements" and row.get("code_departement"):
        return f"{value} ({row['code_departement']})"
    return str(value)


def _text(value: Any, spec: ChartSpec, lang: str) -> str:
    return f"{number(value, lang)} {spec.unit}".strip() if value is not None else "—"


def _vega_lite(chart: Chart, lang: str) -> dict:
    spec = chart.spec
    if spec.column:
        return _matrix(chart, lang)
    if spec.second or len(chart.series) > 1:
        return _paired(chart, lang)
    rows = chart.series[0].rows[: spec.top] if spec.top else chart.series[0].rows
    bars = [
        {
            "label": _label(spec, r, lang),
            "value": float(r.get(spec.value) or 0),
            "text": _text(r.get(spec.value), spec, lang),
        }
        for r in rows
    ]
    description = _summary(chart, [(b["label"], b["text"]) for b in bars], lang)
    return bar_chart(bars, title=chart.title, description=description)


def _paired(chart: Chart, lang: str) -> dict:
    spec = chart.spec
    if len(chart.series) > 1:
        names = tuple(s.label for s in chart.series)
        rows = [
            {
                "label": _label(spec, r, lang),
                "series": s.label,
                "value": float(r.get(spec.value) or 0),
                "text": _text(r.get(spec.value), spec, lang),
            }
            for s in chart.series
            for r in s.rows
        ]
    else:
        names = (dict(chart.columns)[spec.value], dict(chart.columns)[spec.second])
        source = chart.series[0].rows[: spec.top] if spec.top else chart.series[0].rows
        rows = [
            {
                "label": _label(spec, r, lang),
                "series": name,
                "value": float(r.get(column) or 0),
                "text": _text(r.get(column), spec, lang),
            }
            for r in source
            for name, column in zip(names, (spec.value, spec.second))
        ]
    if len(names) == 1:  # one maturity chosen: one series
        names = (names[0], "")
    description = _summary(chart, [(f"{r['label']} ({r['series']})", r["text"]) for r in rows], lang)
    return paired_bar_chart(rows, series=names, title=chart.title, description=description)


def _matrix(chart: Chart, lang: str) -> dict:
    spec = chart.spec
    rows = [{"row": r[spec.label], "column": r[spec.column], "value": int(r[spec.value])} for r in chart.series[0].rows]
    pairs = [(f"{r['row']} × {r['column']}", number(r["value"], lang)) for r in rows if r["row"] < r["column"]]
    return matrix_chart(rows, title=chart.title, description=_summary(chart, pairs, lang))


def _summary(chart: Chart, figures: list[tuple[str, str]], lang: str, shown: int = 12) -> str:
    """The chart in words: its title, then its first figures, and where the others are."""
    if not figures:
        return t("dashboard.summary_empty", lang, title=chart.title)
    listed = "; ".join(f"{label} : {text}" if lang == "fr" else f"{label}: {text}" for label, text in figures[:shown])
    more = t("dashboard.summary_more", lang, count=len(figures) - shown) if len(figures) > shown else ""
    return t("dashboard.summary", lang, title=chart.title, figures=listed, more=more)
