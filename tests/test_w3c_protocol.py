"""The W3C SPARQL 1.1 Protocol test suite, run against /sparql.

The suite lives beside the repository (``../shared/w3c/sparql11-protocol``, see
:mod:`shared_material`) and stays out of it. It must be there: a missing suite
fails these tests, it is not skipped, and the rest of the suite still runs. We run its 20 query tests and its 7 negative update tests (a read-only
endpoint refuses every update, which is what those expect; the positive update
tests do not apply to it).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from rdflib import RDFS, Graph, Namespace
from rdflib.collection import Collection

from cap_ptce.store import KnowledgeBase
from cap_ptce.web import create_app
from cap_ptce.web.sparql import set_kb
from shared_material import find, missing

SUITE_PATH = "w3c/sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")


_MANIFEST_FILE = find(SUITE_PATH + "/manifest.ttl")
SUITE = _MANIFEST_FILE.parent if _MANIFEST_FILE else None


def _manifest() -> Graph:
    if SUITE is None:
        return Graph()
    return Graph().parse(SUITE / "manifest.ttl", format="turtle", publicID=SUITE.as_uri() + "/")


MANIFEST = _manifest()


def test_the_suite_is_there():
    assert SUITE is not None, missing(SUITE_PATH, "the W3C SPARQL 1.1 Protocol suite")


def _entries():
    head = next(MANIFEST.objects(None, MF.entries), None)
    if head is None:
        return
    for test in Collection(MANIFEST, head):
        name = str(test).rsplit("#", 1)[-1]
        if name.startswith(("query_", "bad_query", "bad_update", "bad_multiple_queries", "bad_multiple_updates")):
            yield pytest.param(test, id=name)


CASES = list(_entries())


def test_the_suite_has_the_tests_we_claim_to_pass():
    names = [case.id for case in CASES]
    assert len([n for n in names if "update" not in n]) == 20
    assert len([n for n in names if "update" in n]) == 7


def _requests(test):
    action = MANIFEST.value(test, MF.action)
    return list(Collection(MANIFEST, MANIFEST.value(action, HT.requests)))


def _graph_data(test):
    for data in MANIFEST.objects(test, UT.graphData):
        yield str(MANIFEST.value(data, RDFS.label)), Path(urlsplit(str(MANIFEST.value(data, UT.graph))).path)


@pytest.fixture(scope="module")
def kb():
    """One store with every graph the suite names (each test names a subset of the same three)."""
    base = KnowledgeBase.temporary(workers=1)
    loaded = {}
    for case in CASES:
        for label, path in _graph_data(case.values[0]):
            loaded[label] = path
    for label, path in loaded.items():
        base.load_graph(label, path.read_bytes(), "application/n-triples")
    yield base
    base.close()


@pytest.fixture
def client(kb):
    app = create_app({"TESTING": True})
    set_kb(app, kb)
    return app.test_client()


def _send(client, req):
    method = str(MANIFEST.value(req, HT.methodName))
    target = urlsplit(str(MANIFEST.value(req, HT.absolutePath)))
    headers = {}
    for header in Collection(MANIFEST, MANIFEST.value(req, HT.headers)) if MANIFEST.value(req, HT.headers) else ():
        headers[str(MANIFEST.value(header, HT.fieldName))] = str(MANIFEST.value(header, HT.fieldValue))
    body = MANIFEST.value(req, HT.body)
    data = str(MANIFEST.value(body, CNT.chars)).encode("utf-8") if body is not None else None
    content_type = headers.pop("content-type", None)
    return client.open(
        target.path, method=method, query_string=target.query, data=data, headers=headers, content_type=content_type
    )


def _check(response, expected):
    statuses = {str(code).rsplit("StatusCode", 1)[-1] for code in MANIFEST.objects(expected, MF.expectedStatus)}
    status_class = f"{response.status_code // 100}xx"
    assert status_class in statuses, (response.status_code, response.data[:300])
    fmt = MANIFEST.value(expected, MF.expectedFormat)
    media_type = response.mimetype
    if fmt is not None and str(fmt) in {"boolean", "tabular"}:
        results = ox.parse_query_results(response.data, ox.QueryResultsFormat.from_media_type(media_type))
        if str(fmt) == "boolean":
            assert isinstance(results, ox.QueryBoolean)
        else:
            assert isinstance(results, ox.QuerySolutions)
            list(results)
    elif fmt is not None:
        list(ox.parse(response.data, format=ox.RdfFormat.from_media_type(media_type)))
    boolean = MANIFEST.value(expected, MF.expectedBoolean)
    if boolean is not None:
        results = ox.parse_query_results(response.data, ox.QueryResultsFormat.from_media_type(media_type))
        assert bool(results) is boolean.toPython()


@pytest.mark.parametrize("test", CASES)
def test_w3c_protocol(client, test):
    requests = _requests(test)
    # Negative update tests and query tests each send their requests in order;
    # an update test's follow-up query only makes sense after a successful update.
    for req in requests[:1] if "update" in str(test) else requests:
        _check(_send(client, req), MANIFEST.value(req, HT.resp))
