"""The dossier as a self-contained HTML file, as Markdown, and as an A4 PDF (WeasyPrint).

The HTML body (``templates/body.html``) is the same on the project page of the
web app, in the HTML file and in the PDF; the file carries its styles inside
and its charts as inline SVG, so it opens anywhere, offline, and prints on A4
with page numbers. Markdown is written from the same :class:`Dossier`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ..errors import ParameterError
from ..i18n import t
from ..rdf.namespaces import GRILLE
from ..resources import tool_version
from .model import Dossier
from .values import readable_date

__all__ = ["DOSSIER_FORMATS", "render_body", "to_html", "to_markdown", "to_pdf", "render_dossier", "MEDIA_TYPES"]

DOSSIER_FORMATS = ("html", "pdf", "md")
MEDIA_TYPES = {"html": "text/html", "pdf": "application/pdf", "md": "text/markdown"}
_TEMPLATES = Path(__file__).with_name("templates")


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(_TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=False,
        finalize=_unbreakable_quotes,
    )


def _unbreakable_quotes(value):
    """A text whose « guillemets » keep to their words: a line (a PDF's, a narrow screen's) never breaks
    between « and the word it opens (a carrier's walk found « L'instance doit avoir un nom (le champ «
    Instances… » cut so)."""
    if isinstance(value, str):
        return value.replace("« ", "«\u00a0").replace(" »", "\u00a0»")
    return value


def permanent_question(qid: str) -> str:
    return f"{GRILLE}question/{qid}"


def permanent_entry(entry_id: str) -> str:
    return f"{GRILLE}entree/{entry_id}"


def render_body(
    dossier: Dossier,
    *,
    annex: dict | None = None,
    question_href: Callable[[str], str] = permanent_question,
    entry_href: Callable[[str], str | None] = permanent_entry,
    heading_level: int = 1,
) -> Markup:
    """The dossier's body as HTML (everything under its title), for a page or a file."""
    template = _environment().get_template("body.html")
    html = template.render(
        d=dossier,
        t=lambda key, **params: t(key, dossier.lang, **params),
        question_href=question_href,
        entry_href=entry_href,
        heading_level=heading_level,
        annex=annex,
    )
    return Markup(html)


def to_html(dossier: Dossier, *, annex: dict | None = None, today: date | None = None, screen: bool = True) -> str:
    """One HTML file: styles inside, charts inline, no script and nothing loaded from elsewhere.

    ``screen``: with the styles of a narrow screen too (not for the PDF, whose engine reads no media feature).
    """
    env = _environment()
    words = {"page_word": t("dossier.page", dossier.lang), "title_for_margin": _css_string(dossier.name)}
    style = env.get_template("dossier.css").render(**words)
    if screen:
        style += env.get_template("dossier-narrow.css").render()
    return env.get_template("document.html").render(
        d=dossier,
        t=lambda key, **params: t(key, dossier.lang, **params),
        style=Markup(style),
        body=render_body(dossier, annex=annex),
        today=readable_date(today or date.today(), dossier.lang),
        version=tool_version(),
    )


def _css_string(text: str) -> str:
    """A text safe inside a CSS string in a <style> element."""
    return "".join(ch for ch in text if ch not in '\\"<>\n\r')


def to_pdf(
    dossier: Dossier, *, annex: dict | None = None, today: date | None = None, pdf: Callable[[str], bytes] | None = None
) -> bytes:
    """The dossier as an A4 PDF with page numbers, through WeasyPrint (fonts and images from the HTML only).

    ``pdf`` turns the HTML into the PDF: by default WeasyPrint in this process (the server gives
    :func:`.pdf_process.pdf_in_process`)."""
    html = to_html(dossier, annex=annex, today=today, screen=False)
    return (pdf or pdf_from_html)(html)


def pdf_from_html(html: str) -> bytes:
    try:
        from weasyprint import HTML
    except OSError as exc:  # WeasyPrint's system libraries (pango) are missing
        raise ParameterError(
            "le PDF demande les bibliothèques de WeasyPrint / the PDF needs WeasyPrint's libraries",
            hint="make system-deps, ou / or apt-get install libpango-1.0-0 libpangoft2-1.0-0",
        ) from exc
    return HTML(string=html, url_fetcher=_no_fetch, base_url=None).write_pdf()


def _no_fetch(url: str, *args, **kwargs):
    """WeasyPrint fetches nothing: the dossier carries everything it shows."""
    raise ValueError(f"nothing is fetched for a dossier: {url[:80]}")


def render_dossier(
    dossier: Dossier, fmt: str, *, annex: dict | None = None, pdf: Callable[[str], bytes] | None = None
) -> bytes:
    """The dossier in ``fmt`` (html, pdf or md), as bytes; ``pdf``: see :func:`to_pdf`."""
    if fmt == "html":
        return to_html(dossier, annex=annex).encode("utf-8")
    if fmt == "pdf":
        return to_pdf(dossier, annex=annex, pdf=pdf)
    if fmt == "md":
        from .markdown import to_markdown

        return to_markdown(dossier, annex=annex).encode("utf-8")
    raise ParameterError(
        f"format de dossier inconnu / unknown dossier format {fmt!r}",
        key="format",
        hint=f"au choix / one of: {', '.join(DOSSIER_FORMATS)}",
    )


def to_markdown(dossier: Dossier, *, annex: dict | None = None) -> str:
    from .markdown import to_markdown as markdown

    return markdown(dossier, annex=annex)
