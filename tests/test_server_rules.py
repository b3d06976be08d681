"""The content-negotiation rules of the static site, served by real nginx and Apache.

``cap-ptce publish`` writes the site with an ``.htaccess`` for Apache and two
``nginx-cap-ptce-*.conf`` files. Here each server (Debian's ``nginx-light`` and
``apache2``, installed by ``make system-deps``) runs as a foreground process on
a free 127.0.0.1 port, with a generated configuration and its logs in
``tmp_path``, and must answer as the app does, built with the same base and corpus:
the same matrix of paths, Accept and Accept-Language headers (browsers', curl's,
rdflib's, Comunica's, q-value ties, types we do not serve) gives the same status,
target, Vary, Link, CORS and media type on the three; every IRI of the published
dump resolves on the three. A missing server is a failure, not a skip.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF
from werkzeug.http import parse_options_header

from cap_ptce.cli import main
from cap_ptce.resources import data_dir
from cap_ptce.web import create_app

pytestmark = pytest.mark.slow  # publishes a site once (about ten seconds)

BASE_PATH = "/cap-ptce/"
BASE_IRI = "http://127.0.0.1" + BASE_PATH
W3ID = "https://w3id.org/cap-ptce/"
PROJECT = "pole-saveurs-somme"
NGINX = "/usr/sbin/nginx"
APACHE = "/usr/sbin/apache2"
APACHE_MODULES = Path("/usr/lib/apache2/modules")
INSTALL_HINT = "install it: `make system-deps` (as root) or `sudo apt-get install nginx-light apache2`"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _readable_by_others(path: Path) -> None:
    """Let a server that drops root for an unprivileged user reach the site (pytest makes 0700 folders).

    Only the right to pass through is added to the folders above it; the site's files are readable by all.
    """
    for folder in (path, *path.parents):
        folder.chmod(folder.stat().st_mode | stat.S_IXOTH)
        if folder == Path("/tmp") or folder.parent == folder:
            break


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The sample corpus's first project only."""
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copy(data_dir("corpus") / f"{PROJECT}.yaml", folder)
    return folder


@pytest.fixture(scope="module")
def docroot(corpus) -> Iterator[Path]:
    """A web root holding the site published at /cap-ptce/.

    In a folder of its own, not under pytest's: Apache serves it as an unprivileged user,
    and any other pytest session on the machine closes pytest's folder again (mode 0700).
    """
    root = Path(tempfile.mkdtemp(prefix="cap-ptce-www-"))
    root.chmod(0o755)
    site = root / BASE_PATH.strip("/")
    assert main(["publish", str(site), "--base-iri", BASE_IRI, "--corpus", str(corpus)]) == 0
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def app_client(corpus):
    """The app that the site was published from: the same base, corpus and publishing flag."""
    app = create_app({"TESTING": True, "PUBLISHING": True, "BASE_IRI": BASE_IRI, "CORPUS": str(corpus)})
    return app.test_client()


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped ({process.returncode}): {log.read_text(errors='replace')[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the server did not listen on {port}: {log.read_text(errors='replace')[-2000:]}")


def _run(command: list[str], port: int, log: Path, stop_signal: int):
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for(port, process, log)
        yield f"http://127.0.0.1:{port}{BASE_PATH}"
    finally:
        process.send_signal(stop_signal)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


DOC = Path(__file__).resolve().parents[1] / "docs" / "publishing.md"


def documented_nginx_block() -> str:
    """The nginx block of docs/publishing.md, as written (a site published at /cap-ptce/, under /srv/www)."""
    text = DOC.read_text(encoding="utf-8")
    marker = text.index("<!-- tests/test_server_rules.py serves the static site with the block below")
    return re.search(r"```nginx\n(.*?)```", text[marker:], flags=re.DOTALL).group(1)


def nginx_config(prefix: Path, docroot: Path, port: int, block: str | None = None) -> str:
    """nginx in the foreground, its files in ``prefix``, with ``block`` in http {} (default: the documented one,
    its web root made ``docroot`` and its port ``port``)."""
    if block is None:
        block = documented_nginx_block()
        assert "listen 80;" in block and "/srv/www" in block
        block = block.replace("listen 80;", f"listen 127.0.0.1:{port};").replace("/srv/www", str(docroot))
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = " ".join(f"{kind}_temp_path {prefix / kind};" for kind in kinds)
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    return f"""
daemon off;
{user}
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
    access_log {prefix / "access.log"};
    {temp}
    default_type application/octet-stream;
    {block}
}}
"""


def apache_config(prefix: Path, docroot: Path, port: int) -> str:
    modules = ("mpm_event", "authz_core", "dir", "mime", "rewrite", "headers", "env", "alias")
    loads = "\n".join(f"LoadModule {name}_module {APACHE_MODULES / f'mod_{name}.so'}" for name in modules)
    user = "User nobody\nGroup nogroup" if os.geteuid() == 0 else ""  # Apache refuses to serve as root
    return f"""
ServerRoot {prefix}
ServerName http://127.0.0.1:{port}
UseCanonicalName On
Listen 127.0.0.1:{port}
PidFile {prefix / "httpd.pid"}
DefaultRuntimeDir {prefix}
Mutex file:{prefix} default
ErrorLog {prefix / "error.log"}
LogLevel warn
{loads}
TypesConfig /dev/null
AddType text/html .html
AddType text/css .css
{user}
StartServers 1
ServerLimit 1
ThreadsPerChild 8
MaxRequestWorkers 8
DocumentRoot {docroot}
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory {docroot}>
    AllowOverride FileInfo Indexes Options=MultiViews
    Require all granted
</Directory>
RedirectMatch 301 ^{BASE_PATH.rstrip("/")}$ {BASE_PATH}
"""


@pytest.fixture(scope="module")
def nginx(docroot, tmp_path_factory):
    yield from _nginx(tmp_path_factory.mktemp("nginx"), lambda prefix, port: nginx_config(prefix, docroot, port))


def _nginx(prefix: Path, config) -> Iterator[str]:
    assert Path(NGINX).exists(), f"nginx is missing: {INSTALL_HINT}"
    port = _free_port()
    (prefix / "nginx.conf").write_text(config(prefix, port), encoding="utf-8")
    command = [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert "[warn]" not in check.stderr  # with the variables_hash_bucket_size that docs/publishing.md gives
    yield from _run(command, port, prefix / "error.log", signal.SIGQUIT)


@pytest.fixture(scope="module")
def apache(docroot, tmp_path_factory):
    assert Path(APACHE).exists(), f"apache2 is missing: {INSTALL_HINT}"
    prefix = tmp_path_factory.mktemp("apache")
    if os.geteuid() == 0:
        _readable_by_others(docroot)
        prefix.chmod(0o755)
    port = _free_port()
    (prefix / "httpd.conf").write_text(apache_config(prefix, docroot, port), encoding="utf-8")
    command = [APACHE, "-f", str(prefix / "httpd.conf"), "-DFOREGROUND"]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    yield from _run(command, port, prefix / "error.log", signal.SIGTERM)


@pytest.fixture(params=["nginx", "apache"])
def server(request) -> str:
    """The base URL of the site (ending in /cap-ptce/) on each web server."""
    return request.getfixturevalue(request.param)


def _get(url: str, accept: str | None = None, language: str | None = None) -> requests.Response:
    headers = {name: value for name, value in (("Accept", accept), ("Accept-Language", language)) if value is not None}
    return requests.get(url, headers=headers, allow_redirects=False, timeout=30)


def _relative(url: str, here: str, base: str) -> str:
    """``url`` (as found in ``here``'s answer) from the base; absolute IRIs elsewhere are kept."""
    target = urljoin(here, url)
    return target[len(base) :] if target.startswith(base) else target


def _links(value: str, here: str, base: str) -> set[tuple]:
    links = set()
    for part in filter(None, (p.strip() for p in value.split(","))):
        url, _, params = part.partition(">")
        links.add((_relative(url.lstrip("<"), here, base), *sorted(p.strip() for p in params.split(";") if p.strip())))
    return links


def _answer(status: int, headers, here: str, base: str) -> dict:
    """What must not differ between the app and a server: status, target, Vary, Link, CORS, media type."""
    cors = ("Access-Control-Allow-Origin", "Access-Control-Expose-Headers")
    answer = {"status": status, "cors": tuple(headers.get(name) for name in cors)}
    if status == 404:
        return answer
    answer["vary"] = {v.strip().lower() for v in headers.get("Vary", "").split(",") if v.strip()}
    if status in (303, 200):
        answer["link"] = _links(headers.get("Link", ""), here, base)
    if status == 303:
        answer["location"] = _relative(headers["Location"], here, base)
    if status == 200:
        answer["type"] = parse_options_header(headers.get("Content-Type", ""))[0]
    return answer


def app_answer(client, path: str, accept: str | None, language: str | None) -> dict:
    headers = {name: value for name, value in (("Accept", accept), ("Accept-Language", language)) if value is not None}
    response = client.get("/" + path, headers=headers)
    return _answer(response.status_code, response.headers, "http://localhost/" + path, "http://localhost/")


def server_answer(server: str, path: str, accept: str | None, language: str | None) -> dict:
    response = _get(server + path, accept, language)
    return _answer(response.status_code, response.headers, server + path, server)


# What clients send, as they send it.
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7"
)
SAFARI = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CURL = "*/*"
COMUNICA = (
    "application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,application/n-triples;q=0.8,"
    "text/turtle;q=0.6,application/rdf+xml;q=0.5,application/json;q=0.45,text/n3;q=0.35,application/xml;q=0.3,"
    "image/svg+xml;q=0.3,text/xml;q=0.3,text/html;q=0.2,application/xhtml+xml;q=0.18,text/shaclc;q=0.1,"
    "text/shaclc-ext;q=0.05"
)
# rdflib 7's URLInputSource: with a format, and without (every parser's media type).
RDFLIB = {
    "turtle": "text/turtle, application/x-turtle, */*;q=0.1",
    "nt": "text/plain, */*;q=0.1",
    "json-ld": "application/ld+json, application/json;q=0.9, */*;q=0.1",
    "xml": "application/rdf+xml, */*;q=0.1",
    "any": "application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json, "
    "application/n-quads, application/trix, application/trig, application/hext",
}
ACCEPTS = [
    None,
    "",
    FIREFOX,
    CHROME,
    SAFARI,
    CURL,
    COMUNICA,
    *RDFLIB.values(),
    "text/turtle",
    "application/n-triples",
    "text/plain",
    "text/n3",
    "application/xml",
    "application/xml, text/html;q=0.9",
    "text/csv",
    "image/png",
    "text/html;q=0",
    "text/turtle;q=0.5, text/html;q=0.5",
    "application/ld+json;q=0.8, text/turtle;q=0.8",
    "text/html;q=0.1, application/rdf+xml;q=0.9",
    "*/*, text/turtle",
    "text/*",
    "application/*",
    "text/turtle;q=abc, application/n-triples;q=0.3",
    "TEXT/Turtle ; Q=0.4, application/json;q=0.3",
]
LANGUAGES = [None, "en-GB,en;q=0.9", "fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", "fr;q=0.2, en-US", "de-DE, *;q=0.5"]
# An IRI of every kind: the home page, the grid (CSV too), a question, a scheme that is also a folder, the
# ontology and its version, the shapes, the catalogue, pages only, a project and its parts at every depth,
# an organisation of the grid's and one the corpus names; documents; an .html without language; missing resources.
PATHS = [
    "",
    "grille/cap-ptce",
    "grille/question/q01",
    "grille/exemple/q01-1",
    "vocab/axes-thematiques",
    "vocab/dispositifs/pat",
    "def",
    "def/0.1.0",
    "shapes",
    "shapes/registre",
    "grille/cap-ptce/1.0.0",
    "catalog",
    "dataset",
    "projet",
    "grille/futur",
    f"projet/{PROJECT}",
    f"projet/{PROJECT}/acteur/scic-legumerie",
    f"projet/{PROJECT}/territoire",
    f"projet/{PROJECT}/financement/1/financeur",
    # the description's named graph (the subject of its provenance, in the dumps): the project's page, where its
    # section is (a publisher found the rules and the app leading apart, and an anchor that no page had)
    f"projet/{PROJECT}/graphe",
    "organisation/institut-godin",
    # an organisation the corpus names: under the deployment's base, as the projects
    "organisation/siren/459880001",
    "organisation/siren/459880001.ttl",
    "organisation/siren/459880001.fr.html",
    "grille/question/q01.ttl",
    "grille/question/q01.en.html",
    "grille/question/q01.html",
    "index.html",  # a file too (a copy of the home page, for a host without rules): negotiated all the same
    "grille/cap-ptce.csv",
    # tables that are files and no resource's document: no 303, and no Link to documents that do not exist
    "explorateur.csv",
    "tableau-de-bord/acteurs.csv",
    "dashboard/acteurs.csv",
    "tableau-de-bord/acteurs",
    "index.fr.html",
    "nulle-part",
    "grille/question/q99",
    # Folders, with and without their slash: no resource (a web server alone answers 403, or 301 then 403).
    "grille/",
    "grille/cap-ptce/",
    "vocab/",
    "telechargements/",
    "telechargements",
    "static/",
    "dashboard/",
]


@pytest.mark.parametrize("path", PATHS)
def test_the_servers_answer_every_accept_header_as_the_app(server, app_client, path):
    differences = []
    for accept in ACCEPTS:
        expected = app_answer(app_client, path, accept, None)
        found = server_answer(server, path, accept, None)
        if found != expected:
            differences.append((accept, expected, found))
    assert not differences, differences[:3]


@pytest.mark.parametrize(
    "path",
    [
        "",
        "grille/question/q01",
        "grille/question/q01.html",
        f"projet/{PROJECT}/territoire",
        # ?lang= before Accept-Language; only one of our languages, exactly; the first value
        "grille/question/q01?lang=en",
        "grille/question/q01?lang=fr",
        "grille/question/q01.html?lang=en",
        "?lang=en",
        "grille/question/q01?lang=de",
        "grille/question/q01?lang=EN",
        "grille/question/q01?vue=1&lang=en",
        "grille/question/q01?lang=de&lang=en",
    ],
)
def test_the_servers_choose_the_language_as_the_app(server, app_client, path):
    for accept in (None, FIREFOX, "text/turtle"):
        for language in LANGUAGES:
            expected = app_answer(app_client, path, accept, language)
            assert server_answer(server, path, accept, language) == expected, (accept, language)


def test_the_answers_are_those_a_client_needs(app_client):
    """The matrix compares; here what it compares is checked once against what clients expect."""
    assert app_answer(app_client, "grille/question/q01", COMUNICA, None)["location"] == "grille/question/q01.jsonld"
    assert app_answer(app_client, "grille/question/q01", RDFLIB["nt"], None)["location"] == "grille/question/q01.nt"
    assert app_answer(app_client, "grille/question/q01", "image/png", None)["status"] == 406
    graph = app_answer(app_client, f"projet/{PROJECT}/graphe", FIREFOX, "fr")["location"]
    assert graph == f"projet/{PROJECT}.fr.html#graphe"
    page = app_client.get(f"/projet/{PROJECT}.fr.html").get_data(as_text=True)
    assert re.search(rf'id="graphe"[^>]*>.*?{re.escape(BASE_IRI)}projet/{PROJECT}/graphe<', page, re.S)
    answer = app_answer(app_client, f"projet/{PROJECT}/territoire", FIREFOX, "en")
    assert answer["location"] == f"projet/{PROJECT}.en.html#territoire"
    assert answer["cors"] == ("*", "Link") and answer["vary"] == {"accept", "accept-language"}
    assert ("projet/" + PROJECT + ".ttl", 'rel="alternate"', 'type="text/turtle"') in answer["link"]


def _published_iris(docroot: Path) -> set[str]:
    """Every IRI under the base (and under w3id for the grid) that the published dump names, and the catalogue's
    own (its pages and files aside), fragments aside."""
    dump = Graph().parse(docroot / BASE_PATH.strip("/") / "telechargements" / "cap-ptce.nt", format="nt")
    catalog = Graph().parse(docroot / BASE_PATH.strip("/") / "catalog.nt", format="nt")
    iris = {str(term).split("#", 1)[0] for triple in dump for term in triple if isinstance(term, URIRef)}
    iris |= {str(s).split("#", 1)[0] for s in catalog.subjects() if str(s).startswith((W3ID, BASE_IRI))}
    return {iri for iri in iris if iri.startswith((W3ID, BASE_IRI))}


def _resolves(get, iri: str, accept: str) -> str | None:
    """None if ``iri`` 303s to a document that answers 200, else what went wrong."""
    first = get(iri, accept)
    if first[0] != 303:
        return f"{iri} ({accept}): {first[0]}"
    second = get(first[1], accept)
    return None if second[0] == 200 else f"{iri} ({accept}) -> {first[1]}: {second[0]}"


def test_every_iri_of_the_dump_resolves_on_the_app_and_the_servers(docroot, app_client, nginx, apache):
    iris = _published_iris(docroot)
    assert len(iris) > 250
    assert f"{W3ID}def/0.1.0" in iris and f"{BASE_IRI}projet/{PROJECT}/territoire" in iris
    assert {f"{BASE_IRI}catalog", f"{BASE_IRI}dataset"} <= iris  # the publication's own, under its base

    def on_app(url, accept):
        path = "/" + url.split("#")[0].replace(W3ID, "").replace(BASE_IRI, "").replace("http://localhost/", "")
        response = app_client.get(path, headers={"Accept": accept})
        return response.status_code, urljoin("http://localhost" + path, response.headers.get("Location", ""))

    def on(server):
        def get(url, accept):
            response = _get(server + url.replace(W3ID, "").replace(BASE_IRI, "").replace(server, ""), accept)
            return response.status_code, urljoin(response.url, response.headers.get("Location", ""))

        return get

    failures = []
    for get in (on_app, on(nginx), on(apache)):
        for iri in sorted(iris):
            failures += filter(None, [_resolves(get, iri, accept) for accept in ("text/turtle", FIREFOX)])
    assert not failures, failures[:10]


@pytest.mark.parametrize(
    "document, media_type",
    [
        ("grille/question/q01.ttl", "text/turtle"),
        ("grille/question/q01.jsonld", "application/ld+json"),
        ("grille/question/q01.rdf", "application/rdf+xml"),
        ("grille/question/q01.nt", "application/n-triples"),
        ("telechargements/cap-ptce.nq", "application/n-quads"),
        ("grille/question/q01.en.html", "text/html"),
        ("grille/cap-ptce.csv", "text/csv"),
        ("telechargements/cap-ptce.trig", "application/trig"),
        ("static/favicon.svg", "image/svg+xml"),
    ],
)
def test_each_document_has_its_media_type(server, app_client, document, media_type):
    """Documents are answered as they are, even to a browser: they do not vary. Their charset is named as the app
    names it (a publisher's test of 2026-12-06: RDF/XML without it, JSON-LD and N-Triples with it, the other way
    round from the app)."""
    response = _get(server + document, "text/html")
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0].strip() == media_type
    assert response.headers.get("Access-Control-Allow-Origin") == "*"
    app = app_client.get("/" + document).headers["Content-Type"]
    assert _charset(response.headers["Content-Type"]) == _charset(app), (document, app)


def _charset(content_type: str) -> str | None:
    charset = parse_options_header(content_type)[1].get("charset")
    return charset.lower() if charset else None


def test_the_turtle_describes_the_iri(server):
    iri = URIRef("https://w3id.org/cap-ptce/grille/question/q01")
    see_other = _get(server + "grille/question/q01", "text/turtle")
    turtle = _get(urljoin(see_other.url, see_other.headers["Location"]))
    assert (iri, None, None) in Graph().parse(data=turtle.text, format="turtle")


def test_the_catalogue_is_named_under_the_base_it_is_served_at(server, app_client):
    """The catalogue's IRI (not CAP PTCE's own under w3id) is what its document describes, on the three."""
    iri = URIRef(BASE_IRI + "catalog")
    see_other = _get(server + "catalog", "text/turtle")
    assert see_other.status_code == 303
    document = _get(urljoin(see_other.url, see_other.headers["Location"]))
    assert (iri, RDF.type, DCAT.Catalog) in Graph().parse(data=document.text, format="turtle")
    assert f'<{iri}>; rel="describes"' in document.headers["Link"]
    assert f'<{iri}>; rel="describes"' in app_client.get("/catalog.ttl").headers["Link"]


@pytest.mark.parametrize(
    "path",
    [
        "nulle-part",
        "grille/question/q99",
        "grille/question/q99.ttl",
        "grille/question/q01/plus/bas/encore",
        "vocab/a/b/c/d/e.fr.html",
        "vocab/a/b/c/d/e.html",
    ],
)
def test_a_missing_document_gets_the_404_page_at_any_depth(server, docroot, path):
    response = _get(server + path, "text/html")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text == (docroot / BASE_PATH.strip("/") / "404.html").read_text(encoding="utf-8")
    assert f'href="{BASE_PATH}' in response.text  # its links start from the base path, so they work at any depth


@pytest.mark.parametrize(
    "name", [".htaccess", "nginx-cap-ptce-http.conf", "nginx-cap-ptce-server.conf", ".cap-ptce-site"]
)
def test_the_rule_files_are_not_served(server, name):
    assert _get(server + name).status_code == 404


def test_void_discovery_points_at_the_dataset(server):
    response = _get(server + ".well-known/void", "text/turtle")
    assert response.status_code == 303
    assert urljoin(server + ".well-known/void", response.headers["Location"]) == server + "dataset.ttl"


@pytest.mark.parametrize(
    "path, accept",
    [
        ("grille/question/q01.fr.html", "text/html"),  # a page
        ("grille/question/q01.ttl", "text/turtle"),  # a data file, which adds CORS
        ("grille/question/q01", "text/turtle"),  # a 303
        (f"projet/{PROJECT}/acteur/mairie", "text/html"),  # a 303 from a part of a project
        ("", "text/html"),  # the home page's 303
        ("grille/question/q01.html", "text/html"),  # a 303 from a page without a language
        ("nulle-part", "text/html"),  # the 404 page
        ("static/style.css", "text/css"),
    ],
)
def test_every_answer_carries_the_security_headers_of_the_app(server, path, accept):
    from cap_ptce.publish.headers import SECURITY_HEADERS

    response = _get(server + path, accept)
    assert response.status_code in {200, 303, 404}
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (path, name, response.headers)


# A part's segments become the anchor of the 303's Location: nothing but an id's characters may get there.
HOSTILE_PARTS = [
    f"projet/{PROJECT}/%0d%0aSet-Cookie:%20pwn=1",
    f"projet/{PROJECT}/acteur/%0d%0aSet-Cookie:%20pwn=1%0d%0a%0d%0a%3Chtml%3E",
    f"projet/{PROJECT}/acteur/%22%3E%3Cscript%3E",
    f"projet/{PROJECT}/financement/1/a%20b",
    f"projet/{PROJECT}/acteur/%C3%A9",
]


@pytest.mark.parametrize("path", HOSTILE_PARTS)
def test_a_part_that_is_not_an_id_is_not_found_and_injects_nothing(server, app_client, path):
    response = _get(server + path, "text/html")
    assert response.status_code == 404, response.headers
    assert "Set-Cookie" not in response.headers and "Location" not in response.headers
    assert app_client.get("/" + path, headers={"Accept": "text/html"}).status_code == 404


def _preflight(url: str) -> requests.Response:
    """What a browser sends before a cross-origin GET whose Accept is longer than 128 bytes."""
    headers = {
        "Origin": "https://example.org",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "accept,accept-language",
    }
    return requests.options(url, headers=headers, allow_redirects=False, timeout=30)


@pytest.mark.parametrize(
    "path", ["grille/question/q01", f"projet/{PROJECT}/territoire", "grille/question/q01.jsonld", "catalog.ttl"]
)
def test_a_preflight_from_another_origin_is_allowed_on_iris_and_documents(server, app_client, path):
    from cap_ptce.publish.headers import SECURITY_HEADERS

    response = _preflight(server + path)
    assert response.status_code == 204, response.headers
    app = app_client.options("/" + path, headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert {"GET", "HEAD", "OPTIONS"} <= {
        m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")
    }
    for name in ("Access-Control-Allow-Headers", "Access-Control-Max-Age"):
        assert response.headers[name] == app.headers[name], name
    allowed = {h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"accept", "accept-language"} <= allowed
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert _get(server + path, COMUNICA).status_code in (200, 303)  # the GET that follows


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
@pytest.mark.parametrize("path", ["grille/question/q01", f"projet/{PROJECT}/territoire", "grille/question/q01.ttl"])
def test_a_method_that_does_not_read_is_refused_as_by_the_app(server, app_client, path, method):
    """A publisher's finding: nginx answered a POST on an IRI with the 303 of a GET (the app: 405)."""
    response = requests.request(method, server + path, allow_redirects=False, timeout=30)
    app = app_client.open("/" + path, method=method)
    assert response.status_code == app.status_code == 405, response.headers
    assert {"GET", "HEAD"} <= {m.strip() for m in response.headers["Allow"].split(",")}
    assert "Location" not in response.headers


@pytest.mark.parametrize("path", ["grille/question/q01", "grille/question/q01.ttl", "nulle-part"])
def test_scripts_may_read_the_link_header(server, app_client, path):
    response = _get(server + path, "text/turtle")
    assert response.headers["Access-Control-Expose-Headers"] == "Link"
    assert app_client.get("/" + path).headers["Access-Control-Expose-Headers"] == "Link"


@pytest.mark.parametrize("path", ["def", "grille/question/q01.html", f"projet/{PROJECT}/acteur/scic-legumerie"])
def test_a_redirect_never_names_the_host_the_client_gave(server, path):
    response = requests.get(
        server + path, headers={"Host": "evil.example", "Accept": "text/turtle"}, allow_redirects=False, timeout=30
    )
    assert response.status_code == 303
    assert "evil.example" not in response.headers["Location"]
    assert urljoin(server + path, response.headers["Location"]).startswith(server)


def test_the_base_path_without_its_slash_leads_to_the_site(server, request):
    """A web server answers a folder without its slash itself: never with the client's Host.

    nginx's rules add a location of their own for it, with the app's headers; an ``.htaccess`` never sees that
    path, so Apache needs the line that docs/publishing.md gives for its configuration (a 301 without them).
    """
    from cap_ptce.publish.headers import SECURITY_HEADERS

    bare = server.rstrip("/")
    response = requests.get(bare, headers={"Host": "evil.example"}, allow_redirects=False, timeout=30)
    assert response.status_code == 301
    assert "evil.example" not in response.headers["Location"]
    assert urljoin(bare, response.headers["Location"]) == server
    if request.node.callspec.params["server"] == "nginx":
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (name, response.headers)
        assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", ["explorer", "explorateur", "dashboard", "tableau-de-bord"])
def test_the_explorer_and_the_dashboards_answer_at_both_addresses(server, app_client, path):
    """The app serves each language at its own address (/explorer is English); the static site sends there."""
    served = app_client.get("/" + path, headers={"Accept": FIREFOX}).get_data(as_text=True)
    lang = re.search(r'<html lang="([a-z]+)"', served).group(1)
    response = _get(server + path, FIREFOX, "fr-FR,fr;q=0.9" if lang == "en" else "en")  # the address decides
    assert response.status_code == 303
    page = requests.get(urljoin(server + path, response.headers["Location"]), timeout=30)
    assert page.status_code == 200
    assert re.search(r'<html lang="([a-z]+)"', page.text).group(1) == lang


def test_a_refusal_says_its_charset(server):
    response = _get(server + "grille/question/q01", "image/png")
    assert response.status_code == 406
    text = response.content.decode("utf-8")
    assert "représentation" in text
    # one text for every resource: it says which kind offers what, not text/csv for a question (a publisher's read)
    assert "cette ressource peut exister" not in text and "la grille aussi en text/csv" in text
    assert parse_options_header(response.headers["Content-Type"])[1].get("charset", "").lower() == "utf-8"


def test_two_sites_in_one_nginx_keep_apart(docroot, corpus, tmp_path):
    """A publisher's test of 2026-12-06: the maps of two sites included in one nginx took each other's place, without
    a word from ``nginx -t``: the site under /cap-ptce/ answered 404 and described IRIs under the other's base."""
    other = docroot / "autre"
    assert main(["publish", str(other), "--base-iri", "http://127.0.0.1/autre/", "--corpus", str(corpus)]) == 0
    try:
        site = docroot / BASE_PATH.strip("/")

        def config(prefix: Path, port: int) -> str:
            block = f"""
    variables_hash_bucket_size 128;
    include {site / "nginx-cap-ptce-http.conf"};
    include {other / "nginx-cap-ptce-http.conf"};
    server {{
        listen 127.0.0.1:{port};
        root {docroot};
        include {site / "nginx-cap-ptce-server.conf"};
        include {other / "nginx-cap-ptce-server.conf"};
    }}"""
            return nginx_config(prefix, docroot, port, block)

        running = _nginx(tmp_path, config)
        base = next(running)
        try:
            for path in (BASE_PATH, "/autre/"):
                url = urljoin(base, path)
                home = requests.get(url, allow_redirects=False, timeout=30)
                assert home.status_code in (200, 303), (path, home.status_code)
                project = f"projet/{PROJECT}"
                described = requests.get(url + project, headers={"Accept": "text/turtle"}, allow_redirects=False)
                assert described.status_code == 303 and described.headers["Location"] == f"{path}{project}.ttl"
                document = requests.get(f"{url}{project}.ttl", timeout=30)
                assert document.status_code == 200
                assert f'<http://127.0.0.1{path}{project}>; rel="describes"' in document.headers["Link"], path
        finally:
            running.close()
    finally:
        shutil.rmtree(other, ignore_errors=True)


@pytest.mark.parametrize("name", ["telechargements/grille.csv", "telechargements/cap-ptce.trig", "explorateur.csv"])
def test_a_download_is_an_attachment_as_in_the_app(server, app_client, name):
    """A publisher's test of 2026-12-06: the app sends its downloads as attachments; the static site did not.
    The explorer's table too, as the app sends it since a researcher saw it open as text."""
    expected = app_client.get(f"/{name}").headers["Content-Disposition"]
    assert expected == f'attachment; filename="{name.rsplit("/", 1)[-1]}"'
    response = requests.get(f"{server}{name}", timeout=30)
    assert response.status_code == 200 and response.headers.get("Content-Disposition") == expected
    missing = requests.get(f"{server}telechargements/nulle-part.csv", timeout=30)
    assert missing.status_code == 404 and "Content-Disposition" not in missing.headers
    page = requests.get(f"{server}index.html", timeout=30)
    assert "Content-Disposition" not in page.headers


def test_the_icon_browsers_ask_for_leads_to_the_sites_icon(server, app_client):
    """A publisher's test of 2026-12-06: the app answers /favicon.ico with a 301 to its icon; the static site, 404."""
    assert app_client.get("/favicon.ico").status_code == 301
    response = requests.get(f"{server}favicon.ico", allow_redirects=False, timeout=30)
    assert response.status_code == 301
    assert urljoin(f"{server}favicon.ico", response.headers["Location"]) == f"{server}static/favicon.svg"
    assert requests.get(f"{server}static/favicon.svg", timeout=30).headers["Content-Type"].startswith("image/svg+xml")


def test_nginx_writes_no_warning_for_the_answers_it_makes_itself(docroot, tmp_path_factory):
    """A publisher's finding of 2026-12-07: each request for the icon (every visit), VoID's address, the explorer's
    and the dashboards' wrote « using uninitialized "cap_ptce_…_class" variable » to nginx's error log."""
    prefix = tmp_path_factory.mktemp("nginx-log")
    running = _nginx(prefix, lambda prefix, port: nginx_config(prefix, docroot, port))
    base = next(running)
    try:
        for path in ("favicon.ico", ".well-known/void", "explorateur", "explorer", "tableau-de-bord", "dashboard"):
            assert requests.get(base + path, allow_redirects=False, timeout=30).status_code in (301, 303), path
        assert requests.get(base + "grille/question/q01", allow_redirects=False, timeout=30).status_code == 303
    finally:
        running.close()
    assert "uninitialized" not in (prefix / "error.log").read_text(encoding="utf-8")
