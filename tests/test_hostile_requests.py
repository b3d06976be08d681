"""No request makes the app fail: every URL rule, swept with hostile input, answers below 500.

Each rule of ``app.url_map`` gets its path variables filled with hostile values
(parent segments, NUL, bytes that are not UTF-8, very long names, stacked or
unknown suffixes), hostile query strings, ``Accept`` and ``Accept-Language``
headers, every other method, random and oversized bodies. The answer must be a
client error or a success, never a server error, and never show a traceback.
Raw bytes that a test client cannot send go through the server of
``cap-ptce serve`` (waitress, with its limits: :mod:`cap_ptce.web.server`). Then SPARQL: nothing a query says reaches a local file or a
socket.
"""

from __future__ import annotations

import json
import random
import re
import socket
import threading

import pytest

from cap_ptce.queries import list_queries
from cap_ptce.web import create_app
from cap_ptce.web.server import make_server

# A valid value for each path variable, so that one hostile part is tried at a time.
VALID = {
    "path": "grille/question/q01",
    "filename": "style.css",
    "name": list_queries()[0].name,
    "chart_id": "regions",
    "fmt": "md",
}

HOSTILE_SEGMENTS = (
    "..",
    "../../../etc/passwd",
    "%2e%2e/%2e%2e/etc/passwd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..%2f..%2fsettings.py",
    "//etc/passwd",
    "\\..\\..\\boot.ini",
    "%00",
    "a%00b",
    "grille/question/q01%00.ttl",
    "%ff%fe",
    "%c3%28",
    "%",
    "%zz",
    "a" * 5000,
    "%C3%A9" * 2000,
    "é",
    "€" * 300,
    "a;b",
    "a b",
    "~",
    ".html",
    ".ttl",
    "x.unknown",
    "x.ttl.html",
    "grille/question/q01.ttl.html",
    "grille/question/q01.fr.en.html",
    "grille/question/q01.FR.HTML",
    "grille/question/q01.en-GB.html",
    "grille/question/q01.",
    "grille/question/.fr.html",
    "def.fr.html.ttl",
    "projet/..",
    "projet/%ff",
    "projet/x/acteur/%00",
    "telechargements/..%2f..",
    "static/../../pyproject.toml",
)
HOSTILE_ACCEPT = (
    "text/turtle;q=abc",
    ";;;,,",
    "*/*;q=0",
    "text/html;q=0",
    "image/png",
    "text/*",
    "application/ld+json;q=2",
    "application/json;q=nan",
    "*/*;q=-1",
    "text/html;q=1e400",
    "text/html;level=1;q=0.5, " * 300,
    "\x7f",
)
HOSTILE_LANGUAGE = ("xx", "*;q=abc", "fr;q=0, en;q=0", ",,,", "en-" + "x" * 3000, "fr;q=nan", "*")
HOSTILE_QUERY_STRINGS = (
    "lang=xx&lang=fr&lang=en",
    "lang=%00",
    "lang=" + "e" * 100_000,
    "temps=futur&temps=passe&temps=%ff",
    "format=ttl&format=json",
    "format=%ff",
    "output=csv&format=json",
    "query=ASK{}&query=ASK{}",
    "%ff=%ff",
    "&&&===",
    "page=-1",
    "page=99999999999999999999999",
    "limit=abc",
    "departement=%ff",
    "region=%00",
    "a=" + "x" * 1_100_000,
)
OTHER_METHODS = ("PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "PROPFIND")
BODY_TYPES = (
    None,
    "application/x-www-form-urlencoded",
    "application/sparql-query",
    "application/sparql-update",
    "application/ld+json",
    "text/turtle",
    "multipart/form-data; boundary=x",
    "application/sparql-query; charset=latin1",
)
TRACEBACK = re.compile(rb'Traceback \(most recent call last\)|File "[^"\n]{1,500}", line \d+')


@pytest.fixture(scope="module")
def hostile_app():
    app = create_app({"TESTING": False})
    yield app
    kb = app.extensions["cap_ptce"].get("kb")
    if kb is not None:
        kb.close()


def _rules() -> list[str]:
    return sorted({rule.rule for rule in create_app({"TESTING": True}).url_map.iter_rules()})


def _fill(rule: str, hostile: str | None = None) -> str:
    """The rule with its variables filled: each with ``hostile`` if given, else with a valid value."""

    def value(match: re.Match) -> str:
        converter, _, name = match.group(1).rpartition(":")
        if converter.startswith("any("):
            return converter[4:].split(",")[0].strip()
        assert name in VALID, f"give the path variable {name!r} of {rule} a valid value in VALID"
        return VALID[name] if hostile is None else hostile

    return re.sub(r"<([^<>]+)>", value, rule)


def _assert_no_server_error(response, what: str) -> None:
    body = response.get_data()
    assert response.status_code < 500, f"{what}: {response.status_code} {body[:300]!r}"
    assert not TRACEBACK.search(body), f"{what}: the body shows a traceback"


def _sweep(client, rule: str) -> int:
    """Every hostile request for one rule; the number sent."""
    sent = []

    def send(method: str, url: str, **options) -> None:
        sent.append(url)
        _assert_no_server_error(client.open(url, method=method, **options), f"{method} {url[:100]} {options!r:.200}")

    has_variables = "<" in rule
    for segment in HOSTILE_SEGMENTS if has_variables else ():
        send("GET", _fill(rule, segment))
        send("GET", _fill(rule, segment), headers={"Accept": "text/html"})
    url = _fill(rule)
    for accept in HOSTILE_ACCEPT:
        send("GET", url, headers={"Accept": accept})
    for language in HOSTILE_LANGUAGE:
        send("GET", url, headers={"Accept": "text/html", "Accept-Language": language})
    for query in HOSTILE_QUERY_STRINGS:
        send("GET", f"{url}?{query}")
        send("GET", f"{url}?{query}", headers={"Accept": "text/html"})
    for method in OTHER_METHODS:
        send(method, url, data=random.Random(method).randbytes(2000))
    for body in (random.Random(rule).randbytes(3000), b"\xff\xfe\x00", b"query=%ff", b"x" * 1_100_000):
        for content_type in BODY_TYPES:
            send("POST", url, data=body, content_type=content_type)
    return len(sent)


@pytest.mark.parametrize("rule", _rules())
def test_every_rule_survives_hostile_requests(hostile_app, rule, caplog):
    assert _sweep(hostile_app.test_client(), rule) > 50
    # a name that cannot be an IRI is refused before rdflib sees it (it would warn on each)
    assert not [r for r in caplog.records if "does not look like a valid URI" in r.getMessage()]


def test_the_sweep_covers_every_rule_of_the_app(hostile_app):
    swept = set(_rules())
    assert swept == {rule.rule for rule in hostile_app.url_map.iter_rules()}
    assert {"/sparql", "/<path:path>", "/static/<path:filename>"} <= swept


def test_a_body_over_the_limit_is_413(hostile_app):
    limit = hostile_app.config["MAX_REQUEST_BYTES"]
    response = hostile_app.test_client().post(
        "/sparql", data=b"x" * (limit + 1), content_type="application/sparql-query"
    )
    assert response.status_code == 413
    assert response.get_json()["error"] == "RequestEntityTooLarge"


@pytest.mark.parametrize("header", ["Accept", "Accept-Language", "Accept-Charset", "Accept-Encoding"])
@pytest.mark.parametrize("path", ["/grille/question/q01", "/sparql?query=ASK%7B%7D", "/nulle-part"])
def test_a_negotiation_header_too_long_is_refused_before_anything_reads_it(hostile_app, header, path):
    """werkzeug reads Accept in a time that grows with its square: 200 KB held the server for minutes, 20 KB 1.4 s."""
    import time

    from cap_ptce.publish.headers import SECURITY_HEADERS

    started = time.monotonic()
    response = hostile_app.test_client().get(path, headers={header: "text/turtle" + " " * 20_000 + "x"})
    assert time.monotonic() - started < 1
    assert response.status_code == 431
    # JSON, as every refusal made before the app (an operator's test of 2026-12-06 found plain text here)
    body = response.get_json()
    assert body["error"] == "RequestHeaderFieldsTooLarge"
    assert f"En-tête {header} trop long" in body["message"] and f"{header} header too long" in body["message"]
    assert body["hint"]
    assert all(response.headers.get(name) == value for name, value in SECURITY_HEADERS.items())


def test_a_long_but_honest_accept_header_is_read():
    from cap_ptce.web.negotiation_guard import MAX_NEGOTIATION_HEADER

    every_syntax = ", ".join(f"application/x-syntax-{n};q=0.{n % 10}" for n in range(40)) + ", text/turtle"
    assert 1000 < len(every_syntax) < MAX_NEGOTIATION_HEADER
    response = create_app({"TESTING": True}).test_client().get("/grille/question/q01", headers={"Accept": every_syntax})
    assert response.status_code == 303 and response.headers["Location"].endswith(".ttl")


# --- raw bytes through the real server ------------------------------------------------------


@pytest.fixture(scope="module")
def waitress_port(hostile_app):
    server = make_server(hostile_app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield server.effective_port
    server.close()


def _raw_request(port: int, request_line: bytes, headers: bytes = b"") -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=120) as conn:
        conn.sendall(request_line + b"\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers + b"\r\n")
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


RAW_SEGMENTS = (b"\x00", b"a\x00b.ttl", b"\xff\xfe", b"\xc3\x28.fr.html", b"%ff.ttl", b"..\xff/..", b"a" * 20_000)
RAW_HEADERS = (b"", b"Accept: text/html\r\n", b"Accept: text/turtle;q=abc\r\nAccept-Language: \xff\xfe;q=x\r\n")


@pytest.mark.parametrize("rule", _rules())
def test_raw_bytes_through_waitress_get_no_server_error(waitress_port, rule):
    for segment in RAW_SEGMENTS if "<" in rule else (b"",):
        target = _fill(rule, "\x01").encode().replace(b"\x01", segment) + b"?lang=\xff&format=\x00"
        for headers in RAW_HEADERS:
            answer = _raw_request(waitress_port, b"GET " + target + b" HTTP/1.1", headers)
            status = int(answer.split(b" ", 2)[1])
            assert status < 500, f"GET {target[:80]!r} {headers!r}: {answer[:300]!r}"
            assert not TRACEBACK.search(answer)


@pytest.mark.parametrize("accept", [b"", b"Accept: text/html\r\n"], ids=["json", "page"])
def test_a_head_refused_by_the_server_gets_the_refusal_s_headers_and_no_body(waitress_port, accept):
    """An operator's finding: a HEAD refused with 413 got the JSON or the page after its headers, which a client
    reads as the start of its next answer."""
    too_large = b"Content-Length: 200000000\r\n" + accept
    head = _raw_request(waitress_port, b"HEAD /valider HTTP/1.1", too_large)
    post = _raw_request(waitress_port, b"POST /valider HTTP/1.1", too_large)
    head_headers, _, head_body = head.partition(b"\r\n\r\n")
    post_headers, _, post_body = post.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413") and post.startswith(b"HTTP/1.1 413")
    assert head_body == b"" and post_body  # the same headers, the length of the body a POST gets included
    assert _without_date(head_headers) == _without_date(post_headers)


@pytest.mark.parametrize("coding", [b"gzip", b"gzip, chunked", b"compress"])
def test_a_transfer_coding_the_server_does_not_do_is_the_clients_doing_not_an_internal_error(waitress_port, coding):
    """An operator's finding of 2026-12-07: « Transfer-Encoding: gzip » got a 501 whose body said « Erreur interne
    du serveur, consignée dans son journal », though nothing was logged and the fault was the client's."""
    answer = _raw_request(waitress_port, b"POST /sparql HTTP/1.1", b"Transfer-Encoding: " + coding + b"\r\n")
    headers, _, body = answer.partition(b"\r\n\r\n")
    assert headers.startswith(b"HTTP/1.1 501")
    found = json.loads(body)
    assert found["error"] == "NotImplemented" and "Erreur interne" not in found["message"]
    assert "Content-Length" in found["message"] and "chunked" in found["message"]


def _without_date(headers: bytes) -> list[bytes]:
    return [line for line in headers.split(b"\r\n") if not line.lower().startswith(b"date:")]


# --- SPARQL: nothing a query says reaches a file or a socket -------------------------------


@pytest.fixture
def listening_socket():
    """(URL of a socket listening on 127.0.0.1, list of the connections it received)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    connections, stop = [], threading.Event()

    def watch() -> None:
        while not stop.is_set():
            try:
                connections.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/", connections
    stop.set()
    thread.join(timeout=5)
    listener.close()
    for connection in connections:
        connection.close()


@pytest.fixture
def secret_file(tmp_path):
    """(file: IRI of a Turtle file holding a unique literal, that literal)."""
    secret = f"SECRET-{random.Random().randrange(10**12)}"
    path = tmp_path / "secret.ttl"
    path.write_text(f'<urn:x:s> <urn:x:p> "{secret}" .\n', encoding="utf-8")
    return path.as_uri(), secret


def _reaching_queries(url: str, file_iri: str) -> list[str]:
    folder = file_iri.rsplit("/", 1)[0] + "/"
    return [
        f"SELECT * FROM <{file_iri}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{file_iri}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} FROM <{file_iri}> WHERE {{ ?s ?p ?o }}",
        f"BASE <{folder}> SELECT * FROM <secret.ttl> {{ ?s ?p ?o }}",
        f"PREFIX f: <{folder}> SELECT * FROM f:secret.ttl {{ ?s ?p ?o }}",
        "SELECT * FROM <\\u0066ile://" + file_iri[len("file://") :] + "> { ?s ?p ?o }",
        "SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }",
        f"SELECT * FROM <{url}> {{ ?s ?p ?o }}",
        f"SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"select * {{ service <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * { SERV\\u0049CE <" + url + "> { ?s ?p ?o } }",
        f"PREFIX s: <{url}> SELECT * {{ SERVICE s: {{ ?s ?p ?o }} }}",
        f"SELECT * {{ VALUES ?x {{ <{url}> }} SERVICE ?x {{ ?s ?p ?o }} }}",
        f"# {url}\nSELECT * FROM <{url}> {{ ?s ?p ?o }}",
        f"LOAD <{file_iri}>",
        f"LOAD SILENT <{url}> INTO GRAPH <urn:x:g>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    ]


def _ask_every_way(client, query: str):
    yield client.get("/sparql", query_string={"query": query})
    yield client.post("/sparql", data={"query": query})
    yield client.post("/sparql", data=query.encode(), content_type="application/sparql-query")


def test_queries_that_would_read_a_file_or_call_a_server_are_refused(hostile_app, listening_socket, secret_file):
    url, connections = listening_socket
    file_iri, secret = secret_file
    client = hostile_app.test_client()
    for query in _reaching_queries(url, file_iri):
        for response in _ask_every_way(client, query):
            assert response.status_code == 403, (query, response.status_code, response.get_data()[:200])
            assert response.get_json()["error"] == "QueryRefusedError"
            assert secret.encode() not in response.get_data()
    assert connections == [], "a query opened a connection"


def test_the_protocol_dataset_names_files_and_servers_without_reading_them(hostile_app, listening_socket, secret_file):
    url, connections = listening_socket
    file_iri, secret = secret_file
    client = hostile_app.test_client()
    query = f'SELECT * {{ {{ ?s ?p "{secret}" }} UNION {{ GRAPH ?g {{ ?s ?p "{secret}" }} }} }}'
    for name in ("default-graph-uri", "named-graph-uri"):
        for target in (file_iri, url):
            response = client.get("/sparql", query_string={"query": query, name: target})
            assert response.status_code == 200
            assert response.get_json()["results"]["bindings"] == []  # a graph not in the store is empty
    assert connections == []


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/ld+json", '{{"@context": "{url}", "@id": "urn:x:a"}}'),
        ("text/turtle", "@prefix x: <{url}> . x:a x:b x:c ."),
        ("application/n-quads", "<urn:x:a> <urn:x:b> <{url}> <{url}> ."),
        ("application/sparql-update", "LOAD <{url}>"),
        ("application/x-www-form-urlencoded", "update=LOAD%20%3C{url}%3E"),
        (
            "multipart/form-data; boundary=b",
            '--b\r\nContent-Disposition: form-data; name="query"; filename="q.rq"\r\n\r\n'
            "SELECT * FROM <{url}> {{ ?s ?p ?o }}\r\n--b--\r\n",
        ),
    ],
)
def test_data_sent_to_the_endpoint_is_never_loaded(hostile_app, listening_socket, content_type, body):
    url, connections = listening_socket
    response = hostile_app.test_client().post("/sparql", data=body.format(url=url), content_type=content_type)
    assert 400 <= response.status_code < 500
    assert connections == []


def test_a_hosts_name_never_reaches_the_addresses_the_site_writes_once_its_address_is_set():
    """An operator's test of 2026-12-06: « Host: evil.example » gave sd:endpoint <http://evil.example/sparql>, and a
    dashboard's editor link pointed the query editor at evil.example, for a cache in front of the site to keep."""
    evil = {"Host": "evil.example"}
    exposed = create_app({"TESTING": True}).test_client()  # no SITE_URL: the request's Host, as before
    assert "evil.example" in exposed.get("/sparql", headers={**evil, "Accept": "text/turtle"}).get_data(as_text=True)
    client = create_app({"TESTING": True, "SITE_URL": "https://cap-ptce.example.org"}).test_client()
    for path in ("/sparql", "/tableau-de-bord/sparql?region=32", "/dashboard/sparql?region=32", "/"):
        assert client.get(path, headers=evil).status_code == 400, path
    described = client.get("/sparql", headers={"Accept": "text/turtle", "Host": "127.0.0.1:5000"})
    assert "<https://cap-ptce.example.org/sparql>" in described.get_data(as_text=True)
    moved = client.get("/tableau-de-bord/sparql?region=32", headers={"Host": "127.0.0.1:5000"})
    assert "endpoint=https%3A%2F%2Fcap-ptce.example.org%2Ftableau-de-bord%2Fsparql%3Fregion%3D32" in moved.location
    page = client.get("/sparql", headers={"Accept": "text/html", "Host": "cap-ptce.example.org"})
    assert page.status_code == 200 and "https://cap-ptce.example.org/sparql" in page.get_data(as_text=True)
    # a host name has no case (an operator's finding of 2026-12-07: 400 for the site's own name in capitals)
    assert client.get("/sparql", headers={"Accept": "text/html", "Host": "CAP-PTCE.Example.ORG"}).status_code == 200
    assert client.get("/sparql", headers={"Host": "EVIL.example"}).status_code == 400


def test_a_page_drawn_for_one_host_is_never_served_to_another_with_its_address():
    """The page of a selection's dashboards names its endpoint's absolute address, and pages are drawn once: drawn
    first for « Host: evil.example », it kept that address for every later visitor (without SITE_URL)."""
    client = create_app({"TESTING": True}).test_client()
    first = client.get("/tableau-de-bord?region=32", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" in first  # the request's own Host: what SITE_URL is for
    later = client.get("/tableau-de-bord?region=32", headers={"Host": "127.0.0.1:5000"}).get_data(as_text=True)
    assert "evil.example" not in later and "127.0.0.1%3A5000" in later


def test_the_explorers_address_to_share_never_comes_from_a_host():
    """A publisher's test of 2026-12-06: the explorer's « share this selection » address was the request's Host,
    kept in the page cache: drawn first for « Host: evil.example », every later visitor was given evil.example."""
    client = create_app({"TESTING": True, "WARM_PAGES": False}).test_client()
    client.get("/explorateur?maturite=emergent", headers={"Host": "evil.example"})
    later = client.get("/explorateur?maturite=emergent", headers={"Host": "127.0.0.1:5000"}).get_data(as_text=True)
    assert "evil.example" not in later
    assert 'value="https://w3id.org/cap-ptce/explorateur?maturite=emergent"' in later  # under the base, as canonical
    site = create_app({"TESTING": True, "SITE_URL": "https://cap-ptce.example.org"}).test_client()
    page = site.get("/explorer?maturite=emergent", headers={"Host": "127.0.0.1:5000"}).get_data(as_text=True)
    assert 'value="https://cap-ptce.example.org/explorer?maturite=emergent"' in page
