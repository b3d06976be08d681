"""The query editor in a real browser: YASGUI runs a query against /sparql and shows the results,
and every request the page makes goes to 127.0.0.1."""

from __future__ import annotations

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
    page.close()
