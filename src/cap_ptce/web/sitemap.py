"""``/sitemap.xml``: every page of the site in both languages, for search engines (sitemaps.org 0.9).

Each page is listed with its twin in the other language (``xhtml:link rel="alternate"
hreflang``), at its address under the base, dated by the last change of what it shows
(:func:`page_dates`): a project's page by its description's date, the grid's pages by the
grid's last change or that of a project they list, whichever is newer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from xml.sax.saxutils import quoteattr

from rdflib import URIRef
from werkzeug.urls import iri_to_uri

from ..i18n import LANGUAGES
from ..rdf.namespaces import BASE
from . import links
from .explorer import DASHBOARD_ROUTES, ROUTES
from .site import Site

__all__ = ["sitemap_xml", "page_dates"]


def sitemap_xml(site: Site) -> bytes:
    """The sitemap of ``site``: one ``<url>`` per page and language."""
    base = links.base_iri(site.config).rstrip("/")
    dated = page_dates(site)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    # the explorer and the dashboards, an address per language, are one document per language like the others
    for path in sorted({*site.paths, ROUTES["fr"], DASHBOARD_ROUTES["fr"]}):
        # URLs, not IRIs: a base with an accent (/données/) is written /donn%C3%A9es/, as the protocol asks
        pages = {lang: iri_to_uri(base + links.html_document(path, lang)) for lang in LANGUAGES}
        modified = dated(path).isoformat()
        for page in pages.values():
            lines.append(f"  <url><loc>{_text(page)}</loc><lastmod>{modified}</lastmod>")
            lines += [
                f'    <xhtml:link rel="alternate" hreflang="{lang}" href={quoteattr(other)}/>'
                for lang, other in pages.items()
            ]
            lines.append("  </url>")
    return ("\n".join([*lines, "</urlset>", ""])).encode("utf-8")


def page_dates(site: Site) -> Callable[[str], date]:
    """When the page at ``path`` last changed: the newest of the grid's change and of the descriptions it shows."""
    grid = site.grid.modified

    def newest(refs) -> date:
        return max([grid, *(ref.modified for ref in refs if ref.modified)])

    by_project = {f"/projet/{ref.id}": ref for ref in site.projects}
    fixed = {
        "/": newest(site.projects),
        "/catalog": newest(site.projects),
        "/dataset": newest(site.projects),
        "/projet": newest(site.projects),
        "/registre": newest(site.register_projects),
    }

    def dated(path: str) -> date:
        if path in fixed:
            return fixed[path]
        if path in by_project:
            return newest([by_project[path]])
        organisation = site.organisation(path.removeprefix("/organisation/"))
        if path.startswith("/organisation/") and organisation is not None:
            return newest(
                by_project[f"/projet/{pid}"] for pid in organisation.project_ids if f"/projet/{pid}" in by_project
            )
        return newest(site.projects_pointing_at(URIRef(BASE + path.lstrip("/"))))

    return dated


def _text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
