"""The knowledge base on Virtuoso Open Source (Debian's virtuoso-opensource-7-bin), started on 127.0.0.1.

The server is a throwaway one: its database, ini and log in a temporary folder,
both its ports (SQL and HTTP) bound to 127.0.0.1, the settings that
docs/large-corpora.md recommends. Loading goes through the authenticated Graph
Store (``/sparql-graph-crud-auth``, HTTP Digest as ``dba``), as ``cap-ptce load``
does it; every ready-made query must then give the embedded store's rows.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import requests

from cap_ptce.cli import main
from cap_ptce.errors import QueryTimeoutError, QueryTooLargeError, StoreError
from cap_ptce.queries import run_query
from cap_ptce.resources import data_dir
from cap_ptce.sparql import QueryRequest
from cap_ptce.store import INDICATORS_GRAPH, KnowledgeBase
from cap_ptce.store.indicators import check_complete
from cap_ptce.store.remote import RemoteStore, default_graph_store, split_credentials
from cap_ptce.store.virtuoso import check_answer, standard_json
from kbhelpers import PROJECT, free_port, project_turtle
from queries_helpers import CASE_IDS, CASES, without_load_times

VIRTUOSO = shutil.which("virtuoso-t")
needs_virtuoso = pytest.mark.skipif(
    VIRTUOSO is None,
    reason="virtuoso-t is not installed: `make system-deps` installs Debian's virtuoso-opensource-7-bin",
)

INI = """\
[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = www
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
"""


@contextmanager
def virtuoso_server(folder: Path, *, max_rows: int = 1_000_000):
    """``virtuoso-t`` on free ports of 127.0.0.1, its files in ``folder``; yields its SPARQL URL."""
    (folder / "www").mkdir(parents=True)  # an empty folder: Virtuoso serves the files under ServerRoot
    http_port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(sql_port=free_port(), http_port=http_port, max_rows=max_rows), encoding="utf-8")
    with open(folder / "server.log", "wb") as log:
        process = subprocess.Popen(
            [VIRTUOSO, "+foreground", "+configfile", str(ini)], cwd=folder, stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        _wait_until_up(url, process, folder / "server.log")
        yield url
    finally:
        process.terminate()  # Virtuoso's quick shutdown: about a second
        process.wait(30)


def _wait_until_up(url: str, process: subprocess.Popen, log: Path | None = None) -> None:
    deadline = time.monotonic() + 120  # a new database takes 3 to 5 s, and up to 30 s on a busy machine
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = log.read_text(errors="replace")[-2000:] if log else ""
            raise RuntimeError(f"{process.args[0]} stopped: {said}")
        try:
            if requests.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within 120 s")


def graph_store(url: str) -> str:
    """The authenticated Graph Store beside ``url``, as the new database's administrator."""
    return url.replace("http://", "http://dba:dba@").replace("/sparql", "/sparql-graph-crud-auth")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if VIRTUOSO is None:
        pytest.skip(needs_virtuoso.kwargs["reason"])
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as url:
        yield url


@pytest.fixture(scope="module")
def loaded(server):
    """The sample corpus loaded by ``cap-ptce load``, with validation, as a user would."""
    assert main(["load", str(data_dir("corpus")), "--store", server, "--graph-store", graph_store(server)]) == 0
    return server


@pytest.fixture(scope="module")
def embedded():
    with KnowledgeBase.open() as kb:
        kb.load_reference_graphs()
        assert kb.load_corpus(data_dir("corpus")).ok
        yield kb


@pytest.fixture(scope="module")
def served_rows(loaded):
    with KnowledgeBase.open(loaded) as kb:
        return [without_load_times(run_query(kb, name, params)) for name, params in CASES]


@pytest.mark.parametrize("index", range(len(CASES)), ids=CASE_IDS)
def test_every_ready_made_query_gives_the_embedded_stores_rows(served_rows, embedded, index):
    name, params = CASES[index]
    assert served_rows[index] == without_load_times(run_query(embedded, name, params))


def test_the_graphs_are_the_knowledge_bases_without_the_servers_own(loaded, embedded):
    with KnowledgeBase.open(loaded) as kb:
        assert kb.graph_names() == embedded.graph_names()
        assert sorted(record.source for record in kb.records()) == sorted(r.source for r in embedded.records())


def test_cap_ptce_serve_answers_from_virtuoso(loaded):
    port = free_port()
    serve = [str(Path(sys.executable).with_name("cap-ptce")), "serve", "--store", loaded, "--port", str(port)]
    process = subprocess.Popen(serve, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/sparql", process)
        page = requests.get(f"{base}/requetes/membres-ess.json", timeout=60)
        assert page.status_code == 200 and len(page.json()["results"]["bindings"]) == 15
        ask = "ASK { ?s a <https://w3id.org/cap-ptce/def#Project> }"
        answer = requests.get(
            f"{base}/sparql", params={"query": ask}, headers={"Accept": "application/json"}, timeout=60
        )
        assert answer.status_code == 200 and answer.json()["boolean"] is True
    finally:
        process.terminate()
        process.wait(30)


def test_blank_nodes_booleans_and_false_asks_come_back_as_sparql_says(loaded, embedded):
    query = (
        "PREFIX sh: <http://www.w3.org/ns/shacl#> SELECT ?report ?ok { ?report sh:conforms ?ok } ORDER BY ?ok LIMIT 1"
    )
    with KnowledgeBase.open(loaded) as kb:
        row = kb.select(query)[0]
        assert type(row["report"]).__name__ == "BlankNode" and row["ok"].value == "true"
        assert (
            kb.run(QueryRequest("ASK { ?s <urn:x-absent> ?o }")).body
            == embedded.run(QueryRequest("ASK { ?s <urn:x-absent> ?o }")).body
        )


def test_a_wrong_password_is_a_store_error_that_does_not_show_it(server):
    store = RemoteStore(server, graph_store(server).replace("dba:dba@", "dba:secret-word@"))
    with pytest.raises(StoreError, match="401") as caught:
        store.replace_graph("http://example.org/g", b"<http://a> <http://b> <http://c> .\n")
    assert "secret-word" not in str(caught.value)


def test_writing_without_the_grant_is_refused_not_ignored(server):
    """The anonymous Graph Store, derived from /sparql, needs a grant the server's administrator gives."""
    store = RemoteStore(server)
    assert store.graph_store == server.replace("/sparql", "/sparql-graph-crud")
    with pytest.raises(StoreError, match="403"):
        store.replace_graph("http://example.org/g", b"<http://a> <http://b> <http://c> .\n")


def test_a_selection_cut_by_the_server_is_refused(tmp_path):
    if VIRTUOSO is None:
        pytest.skip(needs_virtuoso.kwargs["reason"])
    with virtuoso_server(tmp_path / "small", max_rows=10) as url:
        with pytest.raises(QueryTooLargeError, match="ResultSetMaxRows"):
            RemoteStore(url).select("SELECT ?s ?p ?o { ?s ?p ?o } LIMIT 50")
        # a CONSTRUCT is cut without a word: the indicators' own check refuses to write them
        with KnowledgeBase.open(url, graph_store=graph_store(url)) as kb:
            for index in range(5):  # 5 graphs and Virtuoso's 3 own: the graph list stays under 10 rows
                kb.load_graph(f"{PROJECT}p{index}/graphe", project_turtle(f"p{index}", f"Projet {index}"))
            with pytest.raises(StoreError, match=r"indicators count \d+ projects of 5"):
                kb.refresh_indicators()
            assert INDICATORS_GRAPH not in kb.graph_names()


# --- without a server -----------------------------------------------------------------------


def test_virtuosos_layout_is_known():
    assert default_graph_store("http://h:8890/sparql") == "http://h:8890/sparql-graph-crud"
    assert default_graph_store("http://h:3030/ds/sparql") == "http://h:3030/ds/data"


def test_credentials_are_taken_out_of_the_graph_store_url():
    assert split_credentials("http://dba:p%40ss@h:8890/sparql-graph-crud-auth") == (
        "http://h:8890/sparql-graph-crud-auth",
        ("dba", "p@ss"),
    )
    assert split_credentials("http://h:7878/store") == ("http://h:7878/store", None)
    assert split_credentials(None) == (None, None)


def test_virtuosos_json_becomes_standard():
    bnode_and_boolean = (
        b'{"head":{"vars":["b","ok"]},"results":{"bindings":[{"b":{"type":"bnode","value":"nodeID://b10007"},'
        b'"ok":{"type":"typed-literal","datatype":"http://www.w3.org/2001/XMLSchema#boolean","value":"0"}}]}}'
    )
    assert b'"value": "b10007"' in standard_json(bnode_and_boolean)
    assert b'"value": "false"' in standard_json(bnode_and_boolean)
    ask_true = b'{"head":{"vars":["__ASK_RETVAL"]},"results":{"bindings":[{"__ASK_RETVAL":{"value":"1"}}]}}'
    ask_false = b'{"head":{"vars":["__ASK_RETVAL"]},"results":{"bindings":[]}}'
    assert standard_json(ask_true) == b'{"head": {}, "boolean": true}'
    assert standard_json(ask_false) == b'{"head": {}, "boolean": false}'
    other = b'{"head":{"vars":["x"]},"results":{"bindings":[]}}'
    assert standard_json(other) is other


def test_answers_the_server_marks_incomplete_are_refused():
    with pytest.raises(QueryTimeoutError):
        check_answer({"X-SQL-State": "S1TAT"}, "http://h/sparql")
    with pytest.raises(QueryTooLargeError):
        check_answer({"X-SPARQL-MaxRows": "10000"}, "http://h/sparql")
    check_answer({"Content-Type": "application/sparql-results+json"}, "http://h/sparql")


def test_indicators_that_miss_projects_are_refused():
    counts = (
        b'<https://w3id.org/cap-ptce/projet/a> <https://w3id.org/cap-ptce/def#memberCount> "3" .\n'
        b'_:t <https://w3id.org/cap-ptce/def#memberCount> "1" .\n'
    )
    check_complete(counts, 1)
    with pytest.raises(StoreError, match="ResultSetMaxRows"):
        check_complete(counts, 2)


def test_a_graph_store_that_asks_for_basic_gets_it():
    """Fuseki's way (Basic), beside Virtuoso's Digest: answer the challenge the server sends."""
    seen = []

    class BasicOnly(BaseHTTPRequestHandler):
        def do_PUT(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(self.headers.get("Authorization"))
            expected = "Basic " + base64.b64encode(b"admin:pw").decode()
            self.send_response(201 if self.headers.get("Authorization") == expected else 401)
            self.send_header("WWW-Authenticate", 'Basic realm="store"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), BasicOnly)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        port = httpd.server_port
        store = RemoteStore(f"http://127.0.0.1:{port}/query", f"http://admin:pw@127.0.0.1:{port}/store")
        store.replace_graph("http://example.org/g", b"<http://a> <http://b> <http://c> .\n")
        assert seen[0] is None and seen[-1].startswith("Basic ")
    finally:
        httpd.shutdown()
        thread.join(10)


def test_the_coverage_of_projects_without_a_maturity_is_the_embedded_stores_on_virtuoso(tmp_path):
    """The rows of the projects that give no maturity (a branch of their own in couverture-par-question-et-
    maturite) are the embedded store's on Virtuoso too: the sample corpus has no such project."""
    import re

    if VIRTUOSO is None:
        pytest.skip(needs_virtuoso.kwargs["reason"])
    folder = tmp_path / "corpus"
    shutil.copytree(data_dir("corpus"), folder)
    for path in sorted(folder.glob("*.yaml"))[:2]:
        path.write_text(re.sub(r"(?m)^maturite: \S+\n", "", path.read_text(encoding="utf-8")), encoding="utf-8")
    with KnowledgeBase.open() as kb:
        kb.load_reference_graphs()
        assert kb.load_corpus(folder).ok
        embedded_rows = run_query(kb, "couverture-par-question-et-maturite")
    assert sum(row.get("maturite") is None for row in embedded_rows) == 18  # the branch gives rows
    with virtuoso_server(tmp_path / "virtuoso") as url:
        assert main(["load", str(folder), "--store", url, "--graph-store", graph_store(url)]) == 0
        with KnowledgeBase.open(url) as kb:
            assert run_query(kb, "couverture-par-question-et-maturite") == embedded_rows
