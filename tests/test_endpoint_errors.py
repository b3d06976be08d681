"""One error shape everywhere: JSON for machines, a page for people, the right status."""

from __future__ import annotations

import re

import pytest

from cap_ptce import errors
from cap_ptce.web import create_app
from cap_ptce.web.errors import status_of
from kbhelpers import corpus_kb, test_app

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    base = corpus_kb(tmp_path_factory.mktemp("corpus"), 2)
    yield base
    base.close()


@pytest.fixture
def app(kb):
    return test_app(kb, QUERY_TIMEOUT=5.0)


def check_json_shape(response, status):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    error = response.get_json()
    assert set(error) <= {"error", "message", "line", "column", "hint"}
    assert error["error"] and error["message"]
    return error


def check_page_shape(response, status):
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert re.search(rf"<h1>[^<]*{status}", page)
    assert 'class="error-message"' in page
    return page


def _rules():
    app = create_app({"TESTING": True})
    return sorted({rule.rule for rule in app.url_map.iter_rules() if "DELETE" not in rule.methods})


def _concrete(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?[^<>]+>", "zz-inexistant", rule)


@pytest.mark.parametrize("rule", _rules())
def test_every_route_answers_errors_in_the_one_shape(app, rule):
    client = app.test_client()
    url = _concrete(rule)
    check_json_shape(client.delete(url, headers={"Accept": "application/json"}), 405)
    check_page_shape(client.delete(url, headers={"Accept": BROWSER}), 405)


CASES = [
    ("unknown page", {"path": "/pas-de-page-ici"}, 404, "NotFound"),
    ("syntax error", {"path": "/sparql", "query_string": {"query": "ASK {"}}, 400, "QuerySyntaxError"),
    (
        "update",
        {"path": "/sparql", "method": "POST", "data": "CLEAR ALL", "content_type": "application/sparql-update"},
        403,
        "QueryRefusedError",
    ),
    (
        "service",
        {"path": "/sparql", "query_string": {"query": "ASK { SERVICE <http://a/> {} }"}},
        403,
        "QueryRefusedError",
    ),
    (
        "bad content type",
        {"path": "/sparql", "method": "POST", "data": "ASK {}", "content_type": "text/plain"},
        400,
        "InputError",
    ),
    (
        "unknown format",
        {"path": "/sparql", "query_string": {"query": "ASK {}", "format": "png"}},
        400,
        "ParameterError",
    ),
]


@pytest.mark.parametrize("name, request_args, status, error", CASES, ids=[case[0] for case in CASES])
def test_each_kind_of_error_in_json_and_html(app, name, request_args, status, error):
    client = app.test_client()
    as_json = client.open(**request_args, headers={"Accept": "application/json"})
    assert check_json_shape(as_json, status)["error"].startswith(error)  # NotFound or NotFoundError
    check_page_shape(client.open(**request_args, headers={"Accept": BROWSER}), status)


@pytest.mark.parametrize("path", ["/grille/question/q99.fr.html", "/grille/inconnue.html", "/pas-de-page.en.html"])
def test_a_missing_page_without_accept_is_a_page(app, path):
    """The URL names an HTML document: a client that says nothing gets the error as a page."""
    check_page_shape(app.test_client().get(path), 404)
    check_page_shape(app.test_client().get(path, headers={"Accept": "*/*"}), 404)


@pytest.mark.parametrize("path", ["/grille/question/q99.ttl", "/grille/question/q99", "/pas-de-page"])
def test_a_missing_document_without_accept_is_json(app, path):
    check_json_shape(app.test_client().get(path), 404)


def test_a_client_that_prefers_json_gets_json_even_for_a_page_url(app):
    response = app.test_client().get("/grille/question/q99.fr.html", headers={"Accept": "application/json"})
    check_json_shape(response, 404)


def test_a_syntax_error_page_shows_the_position(app):
    page = check_page_shape(
        app.test_client().get("/sparql", query_string={"query": "ASK {"}, headers={"Accept": BROWSER}), 400
    )
    assert re.search(r"ligne 1, colonne \d+", page)


def test_a_timeout_is_503_with_retry_after(app, kb, monkeypatch):
    def too_slow(*args, **kwargs):
        raise errors.QueryTimeoutError("the query ran for more than 5 s and was stopped")

    monkeypatch.setattr(kb, "run", too_slow)
    response = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
    check_json_shape(response, 503)
    assert int(response.headers["Retry-After"]) > 0


def test_a_worker_stopped_by_a_signal_is_503_with_retry_after_and_logged(app, kb, monkeypatch, caplog):
    """The engine crashed or the system killed the worker (memory): the next query gets a fresh one."""

    def killed(*args, **kwargs):
        raise errors.WorkerStoppedError("the query worker was stopped by SIGKILL")

    monkeypatch.setattr(kb, "run", killed)
    response = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
    check_json_shape(response, 503)
    assert int(response.headers["Retry-After"]) > 0
    assert response.json["error"] == "WorkerStoppedError" and "SIGKILL" in response.json["message"]
    assert "SIGKILL" in caplog.text  # the operator sees it


@pytest.mark.parametrize("accept", ["application/json", BROWSER])
def test_an_unexpected_error_is_logged_and_shows_no_detail(app, kb, monkeypatch, caplog, accept):
    secret = "SELECT-secret-user-input-/home/someone/.ssh"

    def broken(*args, **kwargs):
        raise RuntimeError(f"internal failure while running {secret}")

    monkeypatch.setattr(kb, "run", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": accept})
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert secret not in body and "Traceback" not in body and "RuntimeError" not in body
    assert secret in caplog.text  # the operator finds it in the log


DAMAGE = "Corruption: block checksum mismatch: stored = 1, computed = 2  in /srv/cap-ptce/store/000045.sst offset 0"


class _Damaged:
    """The kb's Oxigraph store, with a block of its files altered on disk: RocksDB says so at the first read."""

    def __init__(self, real):
        self._real = real

    def query(self, *args, **kwargs):
        raise RuntimeError(DAMAGE)

    def __getattr__(self, name):
        return getattr(self._real, name)


@pytest.mark.parametrize("accept", ["application/json", BROWSER])
def test_a_store_found_damaged_by_a_page_is_503_with_what_the_visitor_can_know_and_logged_for_the_operator(
    kb, monkeypatch, caplog, accept
):
    """RocksDB finds an altered block long after the store was opened: the visitor is told the operator must load
    the corpus again (no folder, no RocksDB words), the log says which store and how, without a traceback."""
    app = test_app(kb)  # no QUERY_TIMEOUT: the page's queries run in this process, on the store itself
    monkeypatch.setattr(kb._backend, "_store", _Damaged(kb._backend._store))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/explorer", headers={"Accept": accept})
    if accept == BROWSER:
        body = check_page_shape(response, 503)
        assert "endommagée" in body and "damaged" in body
    else:
        assert check_json_shape(response, 503) == {
            "error": "StoreDamagedError",
            "message": "La base de connaissances est endommagée : son exploitant doit la recharger depuis les "
            "fichiers du corpus (consigné dans le journal du serveur). / The knowledge base is damaged: its operator "
            "must load it again from the corpus's files (logged in the server's log).",
        }
        body = response.get_data(as_text=True)
    assert "Retry-After" not in response.headers  # waiting mends nothing
    assert "000045.sst" not in body and "Corruption" not in body and str(kb._backend.path) not in body
    assert "000045.sst" in caplog.text and str(kb._backend.path) in caplog.text and "cap-ptce load" in caplog.text
    assert "Traceback" not in caplog.text


def test_rocksdbs_word_met_outside_the_store_is_still_the_damaged_stores_503(app, kb, monkeypatch, caplog):
    def damaged(*args, **kwargs):
        raise RuntimeError(DAMAGE)

    monkeypatch.setattr(kb, "run", damaged)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
    assert check_json_shape(response, 503)["error"] == "StoreDamagedError"
    assert "000045.sst" in caplog.text and "Traceback" not in caplog.text


@pytest.mark.parametrize(
    "error, status",
    [
        (errors.InputError("x"), 400),
        (errors.YamlError("x"), 400),
        (errors.ParameterError("x"), 400),
        (errors.QuerySyntaxError("x"), 400),
        (errors.QueryRefusedError("x"), 403),
        (errors.QueryTooLargeError("x"), 413),
        (errors.QueryTimeoutError("x"), 503),
        (errors.NotFoundError("x"), 404),
        (errors.StoreError("x"), 500),
        (errors.WorkerStoppedError("x"), 503),
        (errors.StoreDamagedError("x"), 503),
    ],
)
def test_status_of_each_library_error(error, status):
    assert status_of(error) == status


def test_http_errors_speak_french_and_english(app):
    response = app.test_client().delete("/sparql", headers={"Accept": "application/json"})
    assert response.get_json()["message"] == (
        "Cette méthode HTTP n'est pas acceptée ici (voir l'en-tête Allow). / "
        "This HTTP method is not allowed here (see the Allow header)."
    )


def test_a_query_past_the_memory_cap_gets_413_and_the_server_keeps_answering(tmp_path):
    from test_sparql_workers import HUNGRY

    (tmp_path / "vide").mkdir()
    app = create_app(
        {
            "TESTING": True,
            "CORPUS": str(tmp_path / "vide"),
            "QUERY_MEMORY_MB": 64,
            "QUERY_WORKERS": 1,
            "QUERY_TIMEOUT": 60.0,
        }
    )
    client = app.test_client()
    response = client.post("/sparql", data=HUNGRY.text.encode(), headers={"Content-Type": "application/sparql-query"})
    error = check_json_shape(response, 413)
    assert error["error"] == "QueryMemoryError" and "64 MiB" in error["message"] and "LIMIT" in error["hint"]
    response = client.get(
        "/sparql", query_string={"query": "ASK { ?s a ?type }"}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200 and response.get_json()["boolean"] is True
