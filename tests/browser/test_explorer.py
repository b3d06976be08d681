"""The explorer and the dashboards in Debian's chromium: filter by région and public scheme, see the count and
the charts change, share the address, open a chart's query in the editor and get the same numbers.

Screenshots go to test-output/screenshots/ (explorateur-*, tableau-de-bord-*, editeur-graphique); axe-core
finds no violation on either page in French and English; both fit a 360-pixel phone; the
filters work without JavaScript.
"""

from __future__ import annotations

import re

import pytest

from cap_ptce.resources import data_dir
from carrier_helpers import axe_violations, screenshot

pytestmark = pytest.mark.browser
# Every pole the explorer lists: the register's real ones and the sample corpus's fictional ones.
TOTAL = len(list((data_dir("registre") / "poles").glob("*.yaml"))) + len(list(data_dir("corpus").rglob("*.yaml")))


def _count(page) -> str:
    return page.inner_text(".match-count")


def _table(page, chart_id: str) -> list[list[str]]:
    return [row.split("\t") for row in page.locator(f"#{chart_id}-chiffres tbody tr").all_inner_texts()]


def test_filter_share_and_see_the_charts_change(live_server, browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server + "/explorateur?jeu=fictif")  # the sample corpus, without the register's real poles
    assert _count(page) == f"15 pôle(s) sur {TOTAL}"
    screenshot(page, "explorateur-tout")
    with page.expect_navigation():
        page.check("#f-region-32")  # explorer.js submits the form on change
    assert "region=32" in page.url and _count(page) == f"2 pôle(s) sur {TOTAL}"
    with page.expect_navigation():
        page.check("#f-dispositif-pat")
    assert "dispositif=pat" in page.url and _count(page) == f"1 pôle(s) sur {TOTAL}"
    screenshot(page, "explorateur-hauts-de-france-pat")
    shared = page.input_value("#adresse")
    assert shared == page.url == live_server + "/explorateur?jeu=fictif&region=32&dispositif=pat"  # tidied

    other = context.new_page()  # the shared address gives the same state
    other.goto(shared)
    assert (
        _count(other) == f"1 pôle(s) sur {TOTAL}"
        and other.is_checked("#f-region-32")
        and other.is_checked("#f-dispositif-pat")
    )
    other.close()

    page.goto(live_server + "/tableau-de-bord")
    whole = _table(page, "regions")
    page.goto(shared.replace("/explorateur", "/tableau-de-bord"))
    narrowed = _table(page, "regions")
    assert len(whole) > 1 and narrowed == [["32", "Hauts-de-France", "1"]]
    assert (
        page.locator("#regions svg[role=img]")
        .get_attribute("aria-label")
        .startswith("Projets par région. Hauts-de-France : 1")
    )
    screenshot(page, "tableau-de-bord-hauts-de-france-pat")
    context.close()


def test_a_charts_query_opens_in_the_editor_with_the_same_numbers(live_server, browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(live_server + "/tableau-de-bord?region=32&dispositif=crte")
    chart = {row[0]: row[2] for row in _table(page, "dispositifs")}  # sigle, libellé, projets engagés…
    with page.expect_navigation():
        page.click("#dispositifs a.editor")
    page.wait_for_selector(".yasqe .CodeMirror")
    text = page.evaluate("() => window.capPtceYasgui.getTab().getYasqe().getValue()")
    assert "cap:schemeInstance" in text
    endpoint = page.evaluate("() => window.capPtceYasgui.getTab().getEndpoint()")
    assert endpoint.endswith("/tableau-de-bord/sparql?region=32&dispositif=crte")
    _run(page)
    headers = page.locator(".yasr table.dataTable thead th").all_inner_texts()
    rows = [r.split("\t") for r in page.locator(".yasr table.dataTable tbody tr").all_inner_texts()]
    sigle, projets = headers.index("sigle"), headers.index("projets")
    got = {_literal(row[sigle]): _literal(row[projets]) for row in rows if row[sigle].strip()}
    assert got and all(got[key] == value for key, value in chart.items() if key in got)
    assert set(got) == {key for key in chart if key != "Aucun dispositif de la grille"}
    screenshot(page, "editeur-graphique")
    context.close()


def _literal(cell: str) -> str:
    """A literal as YASR writes it ("PAT"@fr, "2"^^xsd:integer, or 2) reduced to its lexical form."""
    found = re.fullmatch(r'"(.*)"(@[\w-]+|\^\^\S+)?', cell.strip())
    return found[1] if found else cell.strip()


def _run(page) -> None:
    """Run the editor's query: YASGUI runs a query given in its address by itself; else press its button."""
    try:
        page.wait_for_selector(".yasr table.dataTable tbody tr", timeout=8000)
    except Exception:  # noqa: BLE001 - not run yet (or still running): press the button once it is idle
        page.wait_for_selector(".yasqe_queryButton:not(.busy)")
        page.click(".yasqe_queryButton")
        page.wait_for_selector(".yasr table.dataTable tbody tr")


def test_the_filters_work_without_javascript(live_server, browser):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/explorateur")
    page.check("#f-maturite-emergent")
    with page.expect_navigation():
        page.click("#filtres button[type=submit]")
    assert "maturite=emergent" in page.url and _count(page) == f"6 pôle(s) sur {TOTAL}"
    context.close()


PAGES = {"explorateur": {"fr": "/explorateur?region=32", "en": "/explorer?region=32"}}
PAGES["tableau-de-bord"] = {"fr": "/tableau-de-bord?dispositif=crte", "en": "/dashboard?dispositif=crte"}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_serious_accessibility_violation(live_server, browser, name, lang):
    context = browser.new_context(locale=f"{lang}-FR", bypass_csp=True)
    page = context.new_page()
    page.goto(live_server + PAGES[name][lang])
    assert axe_violations(page) == []
    screenshot(page, f"{name}-{lang}")
    context.close()


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_pages_fit_a_phone(live_server, browser, name):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    page = context.new_page()
    page.goto(live_server + PAGES[name]["fr"])
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"{name} is {width} pixels wide on a 360-pixel phone"
    screenshot(page, f"{name}-telephone")
    context.close()
