"""A fresh app served by a real threaded server survives simultaneous first requests.

A browser asks for a page and ``/favicon.ico`` at the same moment: both threads
need the knowledge base, whose first build validates the corpus with rdflib's
SPARQL parser, which is not thread-safe. It must be built once, by one thread.
"""

from __future__ import annotations

import threading

import pytest
import requests

from cap_ptce.web import create_app
from cap_ptce.web import sparql as web_sparql
from liveserver import serving

FIRST_REQUESTS = (
    ("/", "text/html"),
    ("/favicon.ico", "image/avif,image/webp,*/*"),
    ("/grille/question/q01", "text/turtle"),
    ("/grille/question/q01.fr.html", "text/html"),
    ("/projet", "text/html"),
    ("/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D", "application/sparql-results+json"),
)


@pytest.fixture
def live_app(monkeypatch):
    """(base URL, list of knowledge-base builds) of a fresh app behind a threaded werkzeug server."""
    builds = []
    original = web_sparql.build_kb

    def counted_build(config):
        builds.append(threading.get_ident())
        return original(config)

    monkeypatch.setattr(web_sparql, "build_kb", counted_build)
    app = create_app({"TESTING": False})
    with serving(app) as url:
        yield url, builds
    kb = app.extensions["cap_ptce"].get("kb")
    if kb is not None:
        kb.close()


def _fire_together(base: str) -> dict[str, requests.Response]:
    barrier = threading.Barrier(len(FIRST_REQUESTS))
    answers: dict[str, requests.Response | BaseException] = {}

    def ask(path: str, accept: str) -> None:
        barrier.wait()
        try:
            answers[path] = requests.get(base + path, headers={"Accept": accept}, timeout=300, allow_redirects=False)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            answers[path] = exc

    threads = [threading.Thread(target=ask, args=request) for request in FIRST_REQUESTS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_simultaneous_first_requests_get_no_server_error(live_app):
    base, builds = live_app
    answers = _fire_together(base)
    statuses = {path: getattr(answer, "status_code", repr(answer)) for path, answer in answers.items()}
    assert all(isinstance(status, int) and status < 500 for status in statuses.values()), statuses
    assert statuses["/"] == 303 and statuses["/favicon.ico"] == 301  # to the site's icon
    assert statuses["/grille/question/q01"] == 303
    assert len(builds) == 1, "the knowledge base must be built once"
