"""The endpoint over real HTTP: SPARQLWrapper in every format, and the time limit under load."""

from __future__ import annotations

import threading
import time

import pyoxigraph as ox
import pytest
import requests
from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from kbhelpers import PROJECT, corpus_kb, test_app
from liveserver import serving
from servehelpers import session_from

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    base = corpus_kb(tmp_path_factory.mktemp("corpus"), 20, members=4)
    yield base
    base.close()


@pytest.fixture(scope="module")
def server(kb):
    """The app on 127.0.0.1, on a free port, in a thread; its /sparql URL."""
    app = test_app(kb, QUERY_TIMEOUT=1.0, QUERY_WORKERS=2)
    with serving(app) as url:
        yield url + "/sparql"


SELECT = f"SELECT ?title WHERE {{ <{PROJECT}p3> <http://purl.org/dc/terms/title> ?title }}"
ASK = f"ASK {{ <{PROJECT}p3> ?p ?o }}"
CONSTRUCT = f"CONSTRUCT {{ <{PROJECT}p3> ?p ?o }} WHERE {{ GRAPH <{PROJECT}p3/graphe> {{ <{PROJECT}p3> ?p ?o }} }}"


def wrapper(url, query, fmt, method):
    sparql = SPARQLWrapper(url)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method)
    return sparql.query()


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_and_ask_in_every_table_format(server, fmt, method):
    select = wrapper(server, SELECT, fmt, method)
    ask = wrapper(server, ASK, fmt, method)
    if fmt == JSON:
        assert select.convert()["results"]["bindings"][0]["title"]["value"] == "Projet 3"
        assert ask.convert()["boolean"] is True
    elif fmt == XML:
        titles = [node.firstChild.data for node in select.convert().getElementsByTagName("literal")]
        assert titles == ["Projet 3"]
        assert ask.convert().getElementsByTagName("boolean")[0].firstChild.data == "true"
    else:
        separator = "," if fmt == CSV else "\t"
        lines = select.convert().decode().splitlines()
        assert lines[0].lstrip("?") == "title"
        assert lines[1].split(separator)[0] in {"Projet 3", '"Projet 3"@fr'}
        assert ask.convert().decode().strip().splitlines()[-1] == "true"


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, JSONLD, "ntriples"])
def test_sparqlwrapper_construct_in_every_graph_format(server, fmt, method):
    if fmt == "ntriples":  # SPARQLWrapper has no N-Triples constant: ask for it by Accept
        sparql = SPARQLWrapper(server)
        sparql.setQuery(CONSTRUCT)
        sparql.setMethod(method)
        sparql.setOnlyConneg(True)
        sparql.addCustomHttpHeader("Accept", "application/n-triples")
        response = sparql.query().response
        assert response.headers["Content-Type"] == "application/n-triples"
        graph = list(ox.parse(response.read(), format=ox.RdfFormat.N_TRIPLES))
    elif fmt in (TURTLE, N3):  # SPARQLWrapper hands Turtle back as bytes
        graph = list(ox.parse(wrapper(server, CONSTRUCT, fmt, method).convert(), format=ox.RdfFormat.TURTLE))
    else:
        graph = wrapper(server, CONSTRUCT, fmt, method).convert()
    assert len(graph) == 6  # type, title, four members


def test_sparqlwrapper_reads_the_service_description(server):
    response = requests.get(server, headers={"Accept": "text/turtle"}, timeout=10)
    triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
    assert any(t.object == ox.NamedNode("http://www.w3.org/ns/sparql-service-description#Service") for t in triples)


CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?q ?r ?s }"


def test_a_runaway_query_is_stopped_while_another_client_is_served(server):
    outcome = {}

    def slow():
        start = time.monotonic()
        response = requests.get(server, params={"query": CROSS_PRODUCT}, timeout=30)
        outcome["slow"] = (response, time.monotonic() - start, time.monotonic())

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.2)  # the slow query is running in one worker
    quick = session_from("127.0.0.2").get(server, params={"query": ASK}, timeout=30)  # another client
    quick_done = time.monotonic()
    thread.join()
    slow_response, slow_elapsed, slow_done = outcome["slow"]
    assert quick.status_code == 200 and quick.json()["boolean"] is True
    assert quick_done < slow_done  # answered while the runaway query was still running
    assert slow_response.status_code == 503
    assert slow_response.headers["Retry-After"]
    error = slow_response.json()
    assert error["error"] == "QueryTimeoutError" and "1 s" in error["message"]
    assert 1.0 <= slow_elapsed < 10
    # the killed worker was replaced: the endpoint still answers
    assert requests.get(server, params={"query": ASK}, timeout=30).json()["boolean"] is True


def test_the_killed_worker_process_is_gone(kb, server):
    pool = kb._backend._pool
    before = {worker.process.pid for worker in pool._all}
    requests.get(server, params={"query": CROSS_PRODUCT}, timeout=30)
    time.sleep(0.5)
    after = {worker.process.pid for worker in pool._all}
    gone = before - after
    assert len(gone) == 1
    import os

    [pid] = gone
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
