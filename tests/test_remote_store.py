"""The same knowledge base on a real SPARQL 1.1 server: Oxigraph server, started on 127.0.0.1."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from cap_ptce.errors import ParameterError, StoreError
from cap_ptce.sparql import QueryRequest, choose_format
from cap_ptce.store import GRID_GRAPH, KnowledgeBase
from cap_ptce.store.remote import default_graph_store
from kbhelpers import (
    PROJECT,
    ConnectionRecorder,
    TurtleLoader,
    count_validator,
    free_port,
    reference_sources,
    test_app,
    write_corpus,
)

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")


@contextmanager
def oxigraph_server(folder: Path):
    """``oxigraph serve`` on a free port with a union default graph; yields its query URL."""
    assert OXIGRAPH, "the oxigraph server (PyPI package oxigraph) is a test dependency"
    port = free_port()
    process = subprocess.Popen(
        [OXIGRAPH, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def _wait_until_up(url, process):
    deadline = time.monotonic() + 20
    while True:
        try:
            requests.get(url, params={"query": "ASK {}"}, timeout=1)
            return
        except requests.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("oxigraph serve did not start") from None
            time.sleep(0.1)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("corpus"), 3)


@pytest.fixture(scope="module")
def remote(server, corpus):
    kb = KnowledgeBase.open(server)
    kb.load_reference_graphs(reference_sources())
    kb.load_corpus(corpus, loader=TurtleLoader(), validator=count_validator)
    yield kb
    kb.close()


@pytest.fixture(scope="module")
def local(corpus):
    kb = KnowledgeBase.open()
    kb.load_reference_graphs(reference_sources())
    kb.load_corpus(corpus, loader=TurtleLoader(), validator=count_validator)
    yield kb
    kb.close()


QUERIES = [
    "PREFIX cap: <https://w3id.org/cap-ptce/def#> SELECT ?p (COUNT(?m) AS ?n) { ?p cap:member ?m } GROUP BY ?p ORDER BY ?p",
    "SELECT ?g { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?source { GRAPH ?g { ?x dcterms:source ?source } } ORDER BY ?source",
]


def test_graph_store_urls_are_derived_for_known_servers():
    assert default_graph_store("http://h:7878/query") == "http://h:7878/store"
    assert default_graph_store("http://h:3030/ds/sparql") == "http://h:3030/ds/data"
    assert default_graph_store("http://h:3030/ds/query") == "http://h:3030/ds/data"
    assert default_graph_store("http://h:8890/something") is None


def test_loading_goes_through_the_graph_store_protocol(remote):
    names = remote.graph_names()
    assert GRID_GRAPH in names
    assert {f"{PROJECT}p{i}/graphe" for i in range(3)} <= names


@pytest.mark.parametrize("query", QUERIES)
def test_queries_give_the_same_rows_as_the_embedded_store(remote, local, query):
    assert remote.select(query) == local.select(query)


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_results_are_written_in_every_table_format_like_the_embedded_store(remote, local, fmt):
    request = QueryRequest(QUERIES[0])
    chosen = choose_format("SELECT", None, [fmt])
    assert remote.run(request, chosen).body == local.run(request, chosen).body


def test_construct_and_ask_through_the_server(remote, local):
    construct = QueryRequest(f"CONSTRUCT WHERE {{ <{PROJECT}p0> ?p ?o }}")
    ntriples = choose_format("CONSTRUCT", None, ["ntriples"])
    assert sorted(remote.run(construct, ntriples).body.splitlines()) == sorted(
        local.run(construct, ntriples).body.splitlines()
    )
    assert remote.run(QueryRequest("ASK { ?s ?p ?o }")).body == local.run(QueryRequest("ASK { ?s ?p ?o }")).body


def test_the_protocol_dataset_is_passed_to_the_server(remote):
    query = "PREFIX cap: <https://w3id.org/cap-ptce/def#> SELECT (COUNT(?p) AS ?n) { ?p a cap:Project }"
    request = QueryRequest(query, default_graphs=(f"{PROJECT}p1/graphe",), named_graphs=())
    assert remote.run(request).body.count(b'"value":"1"') == 1


def test_reloading_a_remote_store_touches_only_changed_files(tmp_path):
    corpus = write_corpus(tmp_path / "c", 2)
    with oxigraph_server(tmp_path / "oxigraph") as url, KnowledgeBase.open(url) as kb:
        kb.load_corpus(corpus, loader=TurtleLoader(), validator=count_validator)
        (corpus / "projet-1.ttl").unlink()
        loader = TurtleLoader()
        report = kb.load_corpus(corpus, loader=loader, validator=count_validator)
        assert loader.calls == [] and report.counts["removed"] == 1 and report.counts["unchanged"] == 1
        assert f"{PROJECT}p1/graphe" not in kb.graph_names()


def test_the_endpoint_serves_a_remote_store_and_still_refuses_service(remote):
    client = test_app(remote).test_client()
    response = client.get("/sparql", query_string={"query": QUERIES[0]}, headers={"Accept": "text/csv"})
    assert response.status_code == 200 and response.data.count(b"\r\n") == 4
    recorder = ConnectionRecorder()
    try:
        query = f"SELECT * {{ SERVICE <http://127.0.0.1:{recorder.port}/> {{ ?s ?p ?o }} }}"
        assert client.get("/sparql", query_string={"query": query}).status_code == 403
    finally:
        recorder.close()
    assert recorder.connections == 0


def test_a_syntax_error_said_by_the_server_is_ours_at_the_users_own_line(remote):
    """Oxigraph server's « error at 3:15: expected … » counted the line of our BASE before the query: the endpoint
    said it raw, a line too far, in English only."""
    error = (
        test_app(remote).test_client().get("/sparql", query_string={"query": "SELECT *\nWHERE { ?s ?p }"}).get_json()
    )
    assert error["error"] == "QuerySyntaxError" and error["line"] == 2, error
    assert (
        error["message"].startswith("erreur de syntaxe SPARQL, attendu")
        and " / SPARQL syntax error: " in error["message"]
    )


def test_an_unreachable_server_is_a_store_error():
    with pytest.raises(StoreError, match="cannot reach"):
        KnowledgeBase.open(f"http://127.0.0.1:{free_port()}/query").graph_names()


def test_loading_without_a_known_graph_store_asks_for_one(server):
    kb = KnowledgeBase.open(server.replace("/query", "/elsewhere"))
    with pytest.raises(ParameterError, match="Graph Store"):
        kb.load_graph("http://example.org/g", "<http://a> <http://b> <http://c> .")


def test_cap_ptce_load_writes_to_a_sparql_server(tmp_path, capsys):
    from cap_ptce.cli import main
    from cap_ptce.resources import data_dir

    names = sorted(path.name for path in data_dir("corpus").glob("*.yaml"))
    with oxigraph_server(tmp_path / "oxigraph") as url:
        assert main(["load", str(data_dir("corpus")), "--store", url, "--no-validate"]) == 0
        assert f"{len(names)} ajoutés / added" in capsys.readouterr().out
        with KnowledgeBase.open(url) as kb:
            assert sorted(record.source for record in kb.records()) == names
            assert all(record.validation is None for record in kb.records())


@contextmanager
def sparql_server(body: bytes, *, status: int = 200, media_type: str = "application/sparql-results+json", delay=0.0):
    """A SPARQL server that answers every request with ``body`` and ``status``, after ``delay`` seconds."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Answering(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("Content-Type", media_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped waiting: what a slow server's test wants

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answering)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/query"
    finally:
        server.shutdown()
        server.server_close()


def slow_sparql_server(delay: float):
    """A SPARQL server that answers every request, with no rows, after ``delay`` seconds."""
    return sparql_server(b'{"head": {"vars": ["g"]}, "results": {"bindings": []}}', delay=delay)


def test_a_slow_server_gets_the_store_timeout_for_our_own_requests():
    from cap_ptce.errors import QueryTimeoutError

    with slow_sparql_server(delay=1.0) as url:
        assert KnowledgeBase.open(url, store_timeout=10).graph_names() == set()  # 60 s was the fixed limit
        with pytest.raises(QueryTimeoutError, match=r"within 0\.3 s") as refused:
            KnowledgeBase.open(url, store_timeout=0.3).graph_names()
        assert "STORE_TIMEOUT" in refused.value.hint


def test_cap_ptce_load_takes_the_store_timeout_setting(tmp_path, capsys, monkeypatch):
    from cap_ptce.cli import main

    write_corpus(tmp_path / "corpus", 1)
    monkeypatch.setenv("CAP_PTCE_STORE_TIMEOUT", "0.3")
    with slow_sparql_server(delay=1.0) as url:
        assert main(["load", str(tmp_path / "corpus"), "--store", url, "--no-validate"]) == 2
    err = capsys.readouterr().err
    assert "within 0.3 s" in err and "STORE_TIMEOUT" in err and "Traceback" not in err


@pytest.mark.parametrize("named", ["StoreDamagedError", "LoadRefusedError", "QueryTimeoutError", "object", "Nope"])
def test_a_server_s_json_refusal_names_no_error_of_ours_but_a_query_s(named, capsys):
    """A server's JSON error is told as our own (our endpoint's, by its name): a server that names another of our
    errors (a damaged store, a refused load, made otherwise) or something else gets the words of a query refused,
    exit 2, never a traceback."""
    import json

    from cap_ptce.cli import main
    from cap_ptce.errors import QueryError, StoreDamagedError

    body = json.dumps({"error": named, "message": "pas ainsi / not so", "line": 1, "column": 3}).encode()
    with sparql_server(body, status=400, media_type="application/json") as url:
        with pytest.raises((QueryError, StoreError)) as refused:
            KnowledgeBase.open(url).select("SELECT * WHERE { ?s ?p ?o }")
        assert not isinstance(refused.value, StoreDamagedError) and "not so" in str(refused.value)
        assert main(["query", "--store", url, "SELECT * WHERE { ?s ?p ?o }"]) == 2
    told = capsys.readouterr().err
    assert "not so" in told and "Traceback" not in told
