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
