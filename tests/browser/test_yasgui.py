"""The query editor in a real browser: YASGUI runs a query against /sparql and shows the results,
and every request the page makes goes to 127.0.0.1."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kbhelpers import corpus_kb, test_app
from liveserver import serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    kb = corpus_kb(tmp_path_factory.mktemp("corpus"), 3)
    with serving(test_app(kb)) as url:
        yield url
    kb.close()


def test_yasgui_runs_a_query_and_shows_its_results(server, browser):
    page = browser.new_page()
    hosts = []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).hostname))
    page.goto(server + "/sparql", wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror")
    query = (
        "PREFIX cap: <https://w3id.org/cap-ptce/def#> SELECT ?projet WHERE { ?projet a cap:Project } ORDER BY ?projet"
    )
    page.evaluate("q => window.capPtceYasgui.getTab().getYasqe().setValue(q)", query)
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table.dataTable tbody tr")
    cells = page.locator(".yasr table.dataTable tbody tr").all_inner_texts()
    assert len(cells) == 3
    assert "projet/p0" in cells[0]
    page.wait_for_load_state("networkidle")
    assert hosts and set(hosts) == {"127.0.0.1"}, hosts
    page.close()


def test_a_bad_query_shows_the_endpoints_message_position_and_what_to_do(server, browser):
    # a researcher saw « BAD REQUEST (#400) » and the message alone: the JSON's line, column and hint were lost
    page = browser.new_page()
    page.goto(server + "/sparql?lang=fr", wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror")
    query = "SELECT ?s WHERE {\n  ?s ?p ?o\n  FILTER(?o = 1\n}"
    page.evaluate("q => window.capPtceYasgui.getTab().getYasqe().setValue(q)", query)
    page.click(".yasqe_queryButton")
    shown = page.wait_for_selector(".yasr .errorResult .sparql-error")
    text = " ".join(shown.inner_text().split())
    assert "« ( » ouverte ligne 3, colonne 9, jamais fermée" in text
    assert "Position : ligne 3, colonne 9" in text  # in the page's words
    assert "Que faire : ajoutez « ) » là où elle se termine" in text
    # an answer that is not the endpoint's JSON error keeps YASGUI's own rendering
    page.evaluate("q => window.capPtceYasgui.getTab().getYasqe().setValue(q)", "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table.dataTable tbody tr")
    assert page.locator(".yasr .sparql-error").count() == 0
    page.close()


def test_the_ready_made_queries_are_offered_as_examples(server, browser):
    from cap_ptce.queries import list_queries

    page = browser.new_page()
    page.goto(server + "/sparql", wait_until="networkidle")
    options = page.locator("#examples option[data-name]")
    assert options.count() == len(list_queries()) >= 12
    name = options.first.get_attribute("data-name")
    page.select_option("#examples", index=1)
    text = page.evaluate("() => window.capPtceYasgui.getTab().getYasqe().getValue()")
    assert text.strip() and text == next(q for q in list_queries() if q.name == name).build()
    page.close()


VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " " + (event.sample || ""));
});
"""


def test_the_editor_keeps_to_the_content_security_policy(server, browser):
    page = browser.new_page()
    page.add_init_script(VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    response = page.goto(server + "/sparql", wait_until="networkidle")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".yasqe .CodeMirror")
    page.select_option("#examples", index=1)
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr .yasr_results")
    page.wait_for_load_state("networkidle")
    for label in ("Response", "Table"):  # every view of the results draws under the policy
        tab = page.locator(f".yasr .select_{label.lower()}")
        if tab.count():
            tab.first.click()
    grip = page.locator(".grip-handle .grip-resizable").first
    grip.wait_for(state="attached")
    box = grip.bounding_box()
    page.mouse.move(box["x"] + 2, box["y"] + 2)
    page.mouse.down()  # dragging a column's border adds YASGUI's cursor style
    page.mouse.move(box["x"] + 40, box["y"] + 2)
    created = page.evaluate("() => Array.from(document.head.querySelectorAll('style')).map(s => s.textContent)")
    page.mouse.up()
    assert any("grip-resizable" in text for text in created) and any("cursor:" in text[:12] for text in created)
    page.wait_for_timeout(500)
    violations = page.evaluate("() => window.cspViolations")
    assert violations == [], violations
    assert not [text for text in console if "Content Security Policy" in text], console


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[str]:
    """What axe-core (npm axe-core, test-only) finds on the page as it is now: rule and element.

    The page must come from a context that bypasses the CSP (``axe_page``): axe is an inline script of ours.
    """
    assert AXE.is_file(), f"{AXE} is missing: run `npm ci` (make install)"
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        "async () => (await axe.run()).violations.flatMap(v => v.nodes.map(n => v.id + ': ' + n.target.join(' ')))"
    )


def axe_page(browser):
    """A page where axe-core may be added as an inline script, which the site's CSP forbids."""
    return browser.new_page(bypass_csp=True)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_editor_speaks_the_page_language_and_axe_finds_nothing(server, browser, lang):
    page = axe_page(browser)
    page.goto(f"{server}/sparql?lang={lang}", wait_until="networkidle")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.evaluate("q => window.capPtceYasgui.getTab().getYasqe().setValue(q)", "SELECT * WHERE { ?s ?p ?o } LIMIT 3")
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table.dataTable tbody tr")
    labels = page.evaluate(
        "() => Array.from(document.querySelectorAll('#yasgui [title], #yasgui [aria-label]'))"
        ".map(e => e.getAttribute('title') || e.getAttribute('aria-label'))"
    )
    words = {"fr": ("Lancer la requête", "Ouvrir les réglages"), "en": ("Run query", "Open settings")}[lang]
    assert all(any(word == label for label in labels) for word in words), labels
    if lang == "fr":
        assert not {"Run query", "Open settings", "Share query", "Add a new tab"} & set(labels)
        assert page.locator(".tabsList .tab a span").first.inner_text() == "Requête"
        # « 3 results in 0.026 seconds », in English on the French page (the verification walk of 2026-12-06)
        timing = page.locator(".yasr .yasr_response_chip").inner_text()
        assert re.fullmatch(r"3 résultat\(s\) en [0-9]+,?[0-9]* s", timing.strip()), timing
    assert axe_violations(page) == []
    page.close()


@pytest.mark.parametrize(
    "path",
    [
        "/index.fr.html",
        "/grille/cap-ptce.en.html",
        "/grille/question/q01.fr.html",
        "/catalog.fr.html",
        "/recherche.fr.html?q=circuits",
        "/requetes.en.html",
    ],
)
def test_axe_finds_nothing_on_the_main_pages(server, browser, path):
    page = axe_page(browser)
    page.goto(server + path, wait_until="networkidle")
    assert axe_violations(page) == []
    page.close()
