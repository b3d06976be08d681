"""Fixtures for the browser tests: the app served on 127.0.0.1, Debian's chromium, a page that
records where its requests go.

- ``live_server``: base URL (``http://127.0.0.1:PORT``) of the app on its embedded data, one per module;
- ``browser``: chromium driven by Playwright, one per module;
- ``browser_page``: a fresh page; ``browser_page.hosts`` lists the host of every request it made.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from cap_ptce.web import create_app
from liveserver import serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def live_server() -> Iterator[str]:
    """The app on its embedded data, served by werkzeug on a free port of 127.0.0.1.

    The knowledge base and the site are built before the first request: a browser
    asks for a page and /favicon.ico at once, and rdflib's SPARQL parser (used
    while loading the corpus) is not safe to run in two threads.
    """
    app = create_app()
    with app.test_request_context("/"):
        from cap_ptce.web.site import get_site

        assert get_site().paths
    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "the browser tests need Debian's chromium (make system-deps)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_page(browser) -> Iterator[Page]:
    """A new page; ``browser_page.hosts`` collects the host of every request it makes."""
    page = browser.new_page()
    page.hosts = []
    page.on("request", lambda request: page.hosts.append(urlsplit(request.url).hostname))
    yield page
    page.close()
