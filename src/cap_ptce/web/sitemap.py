"""``/sitemap.xml``: every page of the site in both languages, for search engines (sitemaps.org 0.9).

Each page is listed with its twin in the other language (``xhtml:link rel="alternate"
hreflang``), at its address under the base, dated by the grid's last change.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from ..i18n import LANGUAGES
from . import links
from .explorer import DASHBOARD_ROUTES, ROUTES
from .site import Site

__all__ = ["sitemap_xml"]


def sitemap_xml(site: Site) -> bytes:
    """The sitemap of ``site``: one ``<url>`` per page and language."""
    base = links.base_iri(site.config).rstrip("/")
    modified = site.grid.modified.isoformat()
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    # the explorer and the dashboards, an address per language, are one document per language like the others
    for path in sorted({*site.paths, ROUTES["fr"], DASHBOARD_ROUTES["fr"]}):
        pages = {lang: base + links.html_document(path, lang) for lang in LANGUAGES}
        for page in pages.values():
            lines.append(f"  <url><loc>{_text(page)}</loc><lastmod>{modified}</lastmod>")
            lines += [
                f'    <xhtml:link rel="alternate" hreflang="{lang}" href={quoteattr(other)}/>'
                for lang, other in pages.items()
            ]
            lines.append("  </url>")
    return ("\n".join([*lines, "</urlset>", ""])).encode("utf-8")


def _text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
