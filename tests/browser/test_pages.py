"""The published pages in a real browser: the grid, the language switch, a question, without JavaScript."""

from __future__ import annotations

import pytest

from cap_ptce.grid import load_grid

pytestmark = pytest.mark.browser


def test_grid_switch_language_then_follow_a_question(live_server, browser_page):
    page = browser_page
    grid = load_grid()
    page.set_extra_http_headers({"Accept-Language": "fr-FR,fr;q=0.9"})
    page.goto(live_server + "/grille/" + grid.id)
    assert page.url.endswith(f"/grille/{grid.id}.fr.html")
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator("table.grid thead th").all_inner_texts()[0] == "Entrées"

    page.click(".lang-switch a")
    assert page.url.endswith(f"/grille/{grid.id}.en.html")
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("table.grid thead th").all_inner_texts()[0] == "Entries"

    question = grid.questions[2]
    page.click(f"tr#{question.id} td:first-of-type a")
    assert page.url.endswith(f"/grille/question/{question.id}.en.html")
    assert page.inner_text("h1") == question.text.en
    assert set(page.hosts) == {"127.0.0.1"}


def test_pages_work_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto(live_server + "/")
    assert page.url.endswith("/index.en.html")
    page.click("text=See the grid in the future tense (emerging projects)")
    assert page.url.endswith("/grille/futur.en.html")
    first = load_grid().questions[0]
    assert first.future.en in page.inner_text("table.grid")
    context.close()
