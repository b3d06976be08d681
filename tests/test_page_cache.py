"""Pages and documents are drawn once per version of the store, served from memory, revalidated with ETag."""

from __future__ import annotations

import threading

import pytest

from apphelpers import module_app, runs_of
from cap_ptce.web import create_app
from cap_ptce.web import pages as pages_view

PAGE = "/grille/question/q01.fr.html"


app = module_app()


@pytest.fixture
def draws(monkeypatch):
    """The documents drawn, in order."""
    drawn = []
    real_page, real_data = pages_view.render_page, pages_view.render_data

    def page(resource, lang):
        drawn.append((resource.path, lang))
        return real_page(resource, lang)

    def data(resource, rep):
        drawn.append((resource.path, rep.name))
        return real_data(resource, rep)

    monkeypatch.setattr(pages_view, "render_page", page)
    monkeypatch.setattr(pages_view, "render_data", data)
    return drawn


def test_a_document_is_drawn_once_and_served_the_same(app, draws):
    client = app.test_client()
    first = client.get("/grille/question/q02.en.html")
    second = client.get("/grille/question/q02.en.html")
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data() and first.headers["ETag"] == second.headers["ETag"]
    assert first.headers["Link"] == second.headers["Link"]
    assert draws == [("/grille/question/q02", "en")]


def test_if_none_match_gets_304_without_a_body(app, draws):
    client = app.test_client()
    etag = client.get(PAGE).headers["ETag"]
    again = client.get(PAGE, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert client.get(PAGE, headers={"If-None-Match": '"autre"'}).status_code == 200
    data = client.get("/grille/question/q01.ttl")
    assert client.get("/grille/question/q01.ttl", headers={"If-None-Match": data.headers["ETag"]}).status_code == 304


def test_many_asking_at_once_for_a_page_not_drawn_get_it_drawn_once(app, draws):
    client_answers = []
    barrier = threading.Barrier(12)

    def ask(visitor: int) -> None:
        barrier.wait()
        page = app.test_client().get("/grille/question/q03.fr.html", environ_base={"REMOTE_ADDR": f"10.0.0.{visitor}"})
        client_answers.append(page)

    threads = [threading.Thread(target=ask, args=(visitor,)) for visitor in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {answer.status_code for answer in client_answers} == {200}
    assert len({answer.get_data() for answer in client_answers}) == 1
    assert draws == [("/grille/question/q03", "fr")]


def test_a_write_to_the_store_empties_the_cache(app, draws):
    from cap_ptce.web.sparql import get_kb

    client = app.test_client()
    client.get("/grille/question/q04.fr.html")
    client.get("/grille/question/q04.fr.html")
    with app.app_context():
        get_kb().load_graph("http://example.org/un-graphe", "<http://example.org/a> <http://example.org/b> 1 .")
    client.get("/grille/question/q04.fr.html")
    assert draws == [("/grille/question/q04", "fr")] * 2


def test_errors_and_redirects_are_not_kept(app, draws):
    client = app.test_client()
    assert client.get("/grille/question/q99.fr.html").status_code == 404
    assert client.get("/grille/question/q99.fr.html").status_code == 404
    see_other = client.get("/grille/question/q05", headers={"Accept": "text/turtle"})
    assert see_other.status_code == 303 and see_other.headers["Location"].endswith("q05.ttl")
    with app.test_request_context():
        from cap_ptce.web.site import get_site

        assert not [key for key in get_site().documents._entries if "q99" in key]


def test_pages_not_drawn_yet_wait_their_turn_and_a_long_wait_is_a_503():
    import time

    slow_app = create_app({"TESTING": True, "RENDERS": 1, "RENDER_WAIT": 0.2})
    client = slow_app.test_client()
    client.get("/")  # the knowledge base and the site, built first
    real = pages_view.render_page
    answers = {}

    def slow(resource, lang):
        time.sleep(1)
        return real(resource, lang)

    pages_view.render_page = slow
    try:
        first = threading.Thread(target=lambda: answers.setdefault("first", client.get("/grille/question/q06.fr.html")))
        first.start()
        time.sleep(0.3)
        answers["second"] = slow_app.test_client().get(
            "/grille/question/q07.fr.html", headers={"Accept": "application/json"}
        )
        first.join()
    finally:
        pages_view.render_page = real
        slow_app.extensions["cap_ptce"]["kb"].close()
    assert answers["first"].status_code == 200
    assert answers["second"].status_code == 503 and answers["second"].headers["Retry-After"]
    assert answers["second"].get_json()["error"] == "ServerBusyError"


def test_a_ready_made_querys_page_is_run_once_per_store_version(app, monkeypatch):
    from cap_ptce.web import queries as view

    runs = []
    real = view.run_table

    def counted(*args, **kwargs):
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(view, "run_table", counted)
    client = app.test_client()
    assert client.get("/requetes/projets-par-maturite?lang=fr").status_code == 200
    assert client.get("/requetes/projets-par-maturite?lang=fr").status_code == 200
    assert client.get("/requetes/projets-par-maturite?lang=en").status_code == 200
    assert len(runs) == 2  # one per language


def test_the_warm_up_draws_pages_while_the_cache_keeps_them_and_leaves_the_catalogue_to_its_visitor(
    app, draws, monkeypatch
):
    from cap_ptce.web import export
    from cap_ptce.web.site import get_site

    with app.app_context():
        cache = get_site().documents
    kept_before = len(cache)
    monkeypatch.setattr(cache, "budget", cache.size + 300_000)  # room for a few pages, not the site
    export.warm_in_background(app).join(300)
    pages = [path for path in export.site_documents(app) if path.endswith(".html")]
    assert 3 <= len(draws) < len(pages) / 2  # it stopped once the cache was full
    assert cache.size <= cache.budget and len(cache) >= kept_before + len(draws) - 1  # at most one pushed out
    assert not any(path == "/catalog" for path, _ in draws)
    client = app.test_client()
    assert client.get("/catalog.fr.html").status_code == 200  # drawn for its first visitor


def test_the_warm_up_stops_at_the_first_page_that_finds_the_store_damaged_and_says_so_once(app, monkeypatch, caplog):
    from cap_ptce.errors import StoreDamagedError
    from cap_ptce.web import export

    tried = []

    def damaged(resource, lang):
        tried.append(resource.path)
        raise StoreDamagedError.of(RuntimeError("Corruption: block checksum mismatch"), "/srv/cap-ptce/store")

    monkeypatch.setattr(pages_view, "render_page", damaged)
    export.warm_in_background(app).join(300)
    assert len(tried) == 1  # not one error a page: 762 of them for the sample corpus
    damage = [r for r in caplog.records if "damaged" in r.getMessage()]
    assert len(damage) == 2 and "cap-ptce load FOLDER --store /srv/cap-ptce/store" in damage[0].getMessage()
    assert "no longer drawn ahead" in damage[1].getMessage()


def test_a_server_stopped_while_the_warm_up_lists_its_pages_ends_it_without_a_traceback(app, monkeypatch, caplog):
    """Found on a slower machine: stopped by systemd seconds after its start, the server's log held a traceback
    of the warm-up thread, « ServerStoppingError: the knowledge base is closed », raised as it listed the pages."""
    import threading

    from cap_ptce.errors import ServerStoppingError
    from cap_ptce.web import export

    def stopping(_app):
        raise ServerStoppingError("the knowledge base is closed")

    caplog.set_level("INFO")
    uncaught = []
    monkeypatch.setattr(threading, "excepthook", uncaught.append)
    monkeypatch.setattr(export, "site_documents", stopping)
    export.warm_in_background(app).join(300)
    assert not uncaught
    assert [r.getMessage() for r in caplog.records if "drawn ahead" in r.getMessage()] == [
        "pages not drawn ahead: the server is stopping"
    ]
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def test_a_ready_made_querys_text_posted_to_the_endpoint_is_run_once_per_store_version_and_format(app, monkeypatch):
    from cap_ptce.queries import get_query

    runs = runs_of(app, monkeypatch)
    text = get_query("projets-par-maturite").build({})
    client = app.test_client()
    json_accept = {"Accept": "application/sparql-results+json"}
    first = client.post("/sparql", data={"query": text}, headers=json_accept)
    again = client.get("/sparql", query_string={"query": text}, headers=json_accept)  # GET or POST: one answer
    assert first.status_code == again.status_code == 200
    assert first.get_data() == again.get_data() and first.headers["ETag"] == again.headers["ETag"]
    assert first.headers["Vary"] == "Accept" and again.content_type.startswith("application/sparql-results+json")
    assert len(runs) == 1
    unchanged = client.get(
        "/sparql", query_string={"query": text}, headers={**json_accept, "If-None-Match": first.headers["ETag"]}
    )
    assert unchanged.status_code == 304 and len(runs) == 1
    csv = client.post("/sparql", data={"query": text}, headers={"Accept": "text/csv"})
    raw = client.post("/sparql", data={"query": text, "raw": "true"}, headers={"Accept": "text/csv"})
    assert csv.content_type.startswith("text/csv") and raw.status_code == 200
    assert len(runs) == 3  # one per format, and CSV cells as they are apart
    for _ in range(2):  # a visitor's text, even one space away, is run each time
        assert client.post("/sparql", data={"query": text + " "}, headers=json_accept).status_code == 200
    assert len(runs) == 5
    with app.app_context():
        from cap_ptce.web.sparql import get_kb

        get_kb().load_reference_graphs(license=app.config["LICENSE"])  # a write: the store's next version
    assert client.post("/sparql", data={"query": text}, headers=json_accept).get_data() == first.get_data()
    assert len(runs) == 6
