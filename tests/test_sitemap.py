"""``/sitemap.xml`` lists every page of the site in both languages, at its address under the base, and each answers."""

from __future__ import annotations

import re

from apphelpers import module_app
from cap_ptce.web import links

app = module_app()

# Pages with an address per language in the app, one document per language in the static copy.
ROUTED_PAGES = ("/explorateur", "/tableau-de-bord")


def _listed(app) -> list[str]:
    """The sitemap's pages, as paths under the base."""
    xml = app.test_client().get("/sitemap.xml")
    assert xml.status_code == 200 and xml.mimetype == "application/xml"
    base = links.base_iri(app.config).rstrip("/")
    locations = re.findall(r"<loc>([^<]+)</loc>", xml.get_data(as_text=True))
    assert locations and all(location.startswith(base + "/") for location in locations)
    return [location.removeprefix(base) for location in locations]


def test_the_sitemap_lists_the_explorer_and_the_dashboards_in_both_languages(app):
    listed = _listed(app)
    for path in ROUTED_PAGES:
        for lang in ("fr", "en"):
            assert links.html_document(path, lang) in listed
    assert len(listed) == len(set(listed))  # each page once


def test_every_page_of_the_static_copy_is_in_the_sitemap_and_each_listed_page_answers(app):
    from cap_ptce.web.export import site_documents

    listed = set(_listed(app))
    pages = {path for path in site_documents(app) if path.endswith((".fr.html", ".en.html"))}
    assert pages - listed == set()
    client = app.test_client()
    for path in sorted(listed)[:40] + [links.html_document(p, "en") for p in ROUTED_PAGES]:
        assert client.get(path).status_code == 200, path


def test_a_base_with_an_accent_is_written_as_a_url_in_the_sitemap_and_the_link_header():
    """A publisher's finding of 2026-12-07: « /données/ » raw in <loc>, and as one Latin-1 byte in Link."""
    from cap_ptce.web import create_app

    client = create_app({"TESTING": True, "BASE_IRI": "https://observatoire.example/données/"}).test_client()
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert "<loc>https://observatoire.example/donn%C3%A9es/index.fr.html</loc>" in sitemap and "données" not in sitemap
    link = client.get("/projet/tiers-lieu-gueret.ttl").headers["Link"]
    assert link.startswith('<https://observatoire.example/donn%C3%A9es/projet/tiers-lieu-gueret>; rel="describes"')
    assert link.isascii()
