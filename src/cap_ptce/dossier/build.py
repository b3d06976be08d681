"""From a loaded description to a rendered dossier: the layout, the annex (checks, standing), the bytes."""

from __future__ import annotations

from markupsafe import Markup

from ..grid import load_grid
from ..validation.origins import origin_counts
from ..validation.report import Unreadable
from .checks import SEVERITY_SYMBOLS, completeness_svg, for_the_reader, items_named, result_groups
from .model import Dossier, build_dossier
from .render import render_dossier

__all__ = ["annex_of", "by_origin", "dossier_of", "dossier_bytes"]


def annex_of(report=None, standing=None, lang: str = "fr", text: str | None = None) -> dict | None:
    """The annex's parts: the validation report (with its chart) and the standing among the corpus."""
    if report is None and standing is None:
        return None
    annex: dict = {"symbols": SEVERITY_SYMBOLS, "for_the_reader": for_the_reader}
    if report is not None:
        annex.update(report=report, groups=result_groups(report, text), chart=Markup(completeness_svg(report, lang)))
        annex["origins"] = by_origin(report)
    if standing is not None:
        from .compare import standing_svg

        chart = Markup(standing_svg(standing, lang)) if standing.measures else None
        annex.update(standing=standing, standing_chart=chart)
    return annex


# What the verdict's reader must tell apart: the law's conditions, the décret's, the grid's questions, the form.
_ORIGIN_GROUPS = (("law", ("law-art1", "law")), ("decree", ("decree",)), ("grid", ("grid",)), ("format", ("format",)))


def by_origin(report) -> list[tuple[str, int, int]]:
    """(origin, violations, warnings) for the law (articles 1 and 9), the décret, the grid and the structure and
    formats, every one of them, in that order (:func:`~cap_ptce.validation.origins.origin_counts`, the law's two
    articles together). Without them, « Non conforme » for seven questions without an answer read as a legal
    failure: nothing said that the law found nothing."""
    violations, warnings = (dict(origin_counts(report.results, severity)) for severity in ("violation", "warning"))
    return [
        (group, sum(violations.get(o, 0) for o in origins), sum(warnings.get(o, 0) for o in origins))
        for group, origins in _ORIGIN_GROUPS
    ]


def dossier_of(description, lang: str, *, register: bool = False) -> Dossier:
    """The dossier of a loaded :class:`cap_ptce.project.Description` (``register``: a record of the register)."""
    return build_dossier(description.data, lang, grid=load_grid(), register=register)


def dossier_bytes(
    description,
    fmt: str,
    lang: str,
    *,
    report=None,
    standing=None,
    register: bool = False,
    text: str | None = None,
    pdf=None,
) -> bytes:
    """A description's dossier in ``fmt`` (html, pdf, md), with its checks and standing as an annex.

    ``text``: the description's YAML, whose lines tell which actor (funding…) a check is about: the annex
    then names it, as its table does (« SCIC Entraide : Code de commune 80000 : … »). ``pdf``: what turns
    the HTML into the PDF (:func:`.render.to_pdf`).
    """
    dossier = dossier_of(description, lang, register=register)
    if report is not None and text is not None and not isinstance(report, Unreadable):
        report = items_named(report, text, description.data, lang)
    return render_dossier(dossier, fmt, annex=annex_of(report, standing, lang), pdf=pdf)
