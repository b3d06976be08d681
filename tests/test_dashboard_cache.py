"""The dashboards and their downloads (report, charts' CSV and JSON) are drawn once per selection, language and
version of the store, under the app's limit on drawings, as the other pages are.

A report's PDF costs seconds of CPU: a few clients asking for it again and again
once took the server's cores. Drawings are counted, not timed.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import pytest

from apphelpers import module_app
from cap_ptce.web import create_app
from cap_ptce.web import dashboard as dashboard_view
from cap_ptce.web import pages as pages_view

app = module_app()


@pytest.fixture
def reports(monkeypatch):
    """The reports drawn: (format, filters, language), in order."""
    drawn = []
    real = dashboard_view.render_report

    def counted(report, fmt, **options):
        drawn.append((fmt, tuple(report.filters), report.lang))
        return real(report, fmt, **options)

    monkeypatch.setattr(dashboard_view, "render_report", counted)
    return drawn


@pytest.fixture
def views(monkeypatch):
    """How many answers of the dashboards' routes were drawn: each asks for the corpus view once."""
    asked = []
    real = dashboard_view.corpus_view

    def counted():
        asked.append(1)
        return real()

    monkeypatch.setattr(dashboard_view, "corpus_view", counted)
    return asked


def test_the_report_pdf_is_drawn_once_per_selection(app, reports):
    client = app.test_client()
    first = client.get("/tableau-de-bord/rapport.pdf?region=32")
    second = client.get("/tableau-de-bord/rapport.pdf?region=32")
    assert first.status_code == second.status_code == 200 and first.data.startswith(b"%PDF")
    assert second.data == first.data and second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Content-Disposition"] == first.headers["Content-Disposition"]
    assert (
        client.get(
            "/tableau-de-bord/rapport.pdf?region=32", headers={"If-None-Match": first.headers["ETag"]}
        ).status_code
        == 304
    )
    assert len(reports) == 1
    other = client.get("/tableau-de-bord/rapport.pdf?region=28")
    assert other.status_code == 200 and other.data != first.data
    assert [fmt for fmt, _, _ in reports] == ["pdf", "pdf"] and reports[0][1] != reports[1][1]


def test_the_same_selection_spelled_otherwise_is_the_same_report(app, reports):
    client = app.test_client()
    one = client.get("/tableau-de-bord/rapport.md?region=32&dispositif=crte")
    other = client.get("/tableau-de-bord/rapport.md?dispositif=crte&region=32&tri=completude")
    assert one.status_code == other.status_code == 200 and one.data == other.data
    english = client.get("/dashboard/report.md?region=32&dispositif=crte")
    assert english.status_code == 200 and english.data != one.data
    assert [(fmt, lang) for fmt, _, lang in reports] == [("md", "fr"), ("md", "en")]


@pytest.mark.parametrize(
    "path",
    [
        "/tableau-de-bord?region=32",
        "/tableau-de-bord/rapport.html?region=32",
        "/tableau-de-bord/regions.csv?region=32",
        "/dashboard/regions.json?region=32",
    ],
)
def test_each_dashboard_answer_is_drawn_once(app, views, path):
    client = app.test_client()
    first, second = client.get(path), client.get(path)
    assert first.status_code == second.status_code == 200 and first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]
    assert len(views) == 1


def test_a_write_to_the_store_draws_the_dashboards_again_from_the_new_data():
    app = create_app({"TESTING": True})
    client = app.test_client()
    try:
        before = client.get("/tableau-de-bord/rapport.md").get_data(as_text=True)
        assert "Un pôle ajouté pour l’essai" not in client.get("/explorateur").get_data(as_text=True)
        with app.app_context():
            from cap_ptce.web.sparql import get_kb

            get_kb().load_graph(
                "http://example.org/un-pole",
                "<http://example.org/un-pole> a <https://w3id.org/cap-ptce/def#Project> ;"
                ' <https://schema.org/name> "Un pôle ajouté pour l’essai" .',
            )
        assert "Un pôle ajouté pour l’essai" in client.get("/explorateur").get_data(as_text=True)
        after = client.get("/tableau-de-bord/rapport.md").get_data(as_text=True)
        assert after != before
    finally:
        app.extensions["cap_ptce"]["kb"].close()


@contextmanager
def one_drawing_under_way(monkeypatch):
    """An app that draws one document at a time (waiting 0.2 s for its turn), a report being drawn for 1 s.

    Yields the app and a function that waits for the report's end; the report answers 200; the app's knowledge
    base is closed after the block.
    """
    busy_app = create_app({"TESTING": True, "RENDERS": 1, "RENDER_WAIT": 0.2})
    client = busy_app.test_client()
    client.get("/tableau-de-bord/rapport.md")  # the knowledge base and the whole corpus's view, made first
    real = dashboard_view.render_report
    started = threading.Event()

    def slow(report, fmt, **options):
        started.set()
        time.sleep(1)
        return real(report, fmt, **options)

    monkeypatch.setattr(dashboard_view, "render_report", slow)
    answers = {}
    first = threading.Thread(target=lambda: answers.setdefault("first", client.get("/tableau-de-bord/rapport.html")))
    try:
        first.start()
        assert started.wait(30)
        yield busy_app, first.join
        first.join()
        assert answers["first"].status_code == 200
    finally:
        first.join()
        busy_app.extensions["cap_ptce"]["kb"].close()


def test_reports_not_drawn_yet_wait_their_turn_and_a_long_wait_is_a_503(monkeypatch):
    with one_drawing_under_way(monkeypatch) as (busy_app, _):
        report = busy_app.test_client().get(
            "/tableau-de-bord/rapport.md?region=32", headers={"Accept": "application/json"}
        )
        page = busy_app.test_client().get("/grille/question/q08.fr.html?lang=fr")
    assert report.status_code == 503 and report.headers["Retry-After"]
    assert report.get_json()["error"] == "ServerBusyError"
    # a document asked with options is not kept (its variants are unbounded) but waits its turn too
    assert page.status_code == 503 and page.headers["Retry-After"]


def test_a_document_asked_with_options_is_drawn_each_time_under_the_limit(app, monkeypatch):
    drawn = []
    real = pages_view.render_page

    def counted(resource, lang):
        drawn.append(resource.path)
        return real(resource, lang)

    monkeypatch.setattr(pages_view, "render_page", counted)
    client = app.test_client()
    for _ in range(2):
        assert client.get("/grille/question/q09.fr.html?x=1").status_code == 200
    assert drawn == ["/grille/question/q09"] * 2
    with app.test_request_context():
        from cap_ptce.web.site import get_site

        assert not [key for key in get_site().documents._entries if "q09" in key]


def test_a_selections_endpoint_makes_its_knowledge_base_under_the_limit_and_a_long_wait_is_a_503(monkeypatch):
    ask = {"data": {"query": "ASK { ?s ?p ?o }"}, "headers": {"Accept": "application/json"}}
    with one_drawing_under_way(monkeypatch) as (busy_app, drawn):
        # a selection's knowledge base is a copy of its projects' graphs: made in this process, like a drawing
        busy = busy_app.test_client().post("/tableau-de-bord/sparql?region=32", **ask)
        drawn()
        then = busy_app.test_client().post("/tableau-de-bord/sparql?region=32", **ask)
    assert busy.status_code == 503 and busy.headers["Retry-After"]
    assert busy.get_json()["error"] == "ServerBusyError"
    assert then.status_code == 200 and then.get_json()["boolean"] is True
