"""A ready-made query's page in a real browser: its editor link opens YASGUI on the query,
with its parameters bound, and the editor's results are the page's results."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from cap_ptce.queries import build, run_query
from cap_ptce.store.build import build_kb
from cap_ptce.web import create_app
from cap_ptce.web.sparql import set_kb
from liveserver import serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def kb():
    base = build_kb({})
    yield base
    base.close()


@pytest.fixture(scope="module")
def server(kb):
    app = create_app({"TESTING": True})
    set_kb(app, kb)
    with serving(app) as url:
        yield url


def test_the_editor_link_opens_the_query_with_its_parameters(server, browser, kb):
    page = browser.new_page()
    hosts = []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).hostname))
    page.goto(server + "/requetes/projets-par-dispositif?dispositif=pat&lang=fr", wait_until="networkidle")
    expected_rows = run_query(kb, "projets-par-dispositif", {"dispositif": "pat"})
    assert page.locator("table.results tbody tr").count() == len(expected_rows)
    page.click("text=Ouvrir cette requête dans l’éditeur SPARQL")
    page.wait_for_selector(".yasqe .CodeMirror")
    text = page.evaluate("() => window.capPtceYasgui.getTab().getYasqe().getValue()")
    assert text == build("projets-par-dispositif", {"dispositif": "pat"})
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table.dataTable tbody tr")
    assert page.locator(".yasr table.dataTable tbody tr").count() == len(expected_rows)
    assert set(hosts) == {"127.0.0.1"}
    page.close()
