"""The content-negotiation rules of the static site, served by real nginx and Apache.

``cap-ptce publish`` writes the site with an ``.htaccess`` for Apache and two
``nginx-cap-ptce-*.conf`` files. Here each server (Debian's ``nginx-light`` and
``apache2``, installed by ``make system-deps``) runs as a foreground process on
a free 127.0.0.1 port, with a generated configuration and its logs in
``tmp_path``, and must answer IRIs as the app does: 303 See Other to the
document that ``Accept`` and ``Accept-Language`` ask for, the document with its
media type, and the site's 404 page at any depth. A missing server is a failure,
not a skip.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import time
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from rdflib import Graph, URIRef

from cap_ptce.cli import main
from cap_ptce.resources import data_dir

pytestmark = pytest.mark.slow  # publishes a site once (about ten seconds)

BASE_PATH = "/cap-ptce/"
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
def docroot(tmp_path_factory) -> Path:
    """A web root holding the site published at /cap-ptce/ (the sample corpus's first project only)."""
    root = tmp_path_factory.mktemp("www")
    corpus = tmp_path_factory.mktemp("corpus")
    shutil.copy(data_dir("corpus") / f"{PROJECT}.yaml", corpus)
    site = root / BASE_PATH.strip("/")
    assert main(["publish", str(site), "--base-iri", "http://127.0.0.1" + BASE_PATH, "--corpus", str(corpus)]) == 0
    return root


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


def nginx_config(prefix: Path, docroot: Path, port: int) -> str:
    site = docroot / BASE_PATH.strip("/")
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
    include {site / "nginx-cap-ptce-http.conf"};
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {docroot};
        include {site / "nginx-cap-ptce-server.conf"};
    }}
}}
"""


def apache_config(prefix: Path, docroot: Path, port: int) -> str:
    modules = ("mpm_event", "authz_core", "dir", "mime", "rewrite", "headers", "env")
    loads = "\n".join(f"LoadModule {name}_module {APACHE_MODULES / f'mod_{name}.so'}" for name in modules)
    user = "User nobody\nGroup nogroup" if os.geteuid() == 0 else ""  # Apache refuses to serve as root
    return f"""
ServerRoot {prefix}
ServerName 127.0.0.1
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
"""


@pytest.fixture(scope="module")
def nginx(docroot, tmp_path_factory):
    assert Path(NGINX).exists(), f"nginx is missing: {INSTALL_HINT}"
    prefix = tmp_path_factory.mktemp("nginx")
    port = _free_port()
    (prefix / "nginx.conf").write_text(nginx_config(prefix, docroot, port), encoding="utf-8")
    command = [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
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
    headers = {name: value for name, value in (("Accept", accept), ("Accept-Language", language)) if value}
    return requests.get(url, headers=headers, allow_redirects=False, timeout=30)


def _see_other(url: str, accept: str | None, language: str | None = None) -> str:
    """The path (from the base) that a 303 from ``url`` points at."""
    response = _get(url, accept, language)
    assert response.status_code == 303, (url, accept, response.status_code, response.text[:300])
    assert "Accept" in response.headers.get("Vary", ""), response.headers
    target = urljoin(url, response.headers["Location"])
    assert target.startswith(url.split(BASE_PATH)[0] + BASE_PATH), target
    return target.split(BASE_PATH, 1)[1]


NEGOTIATION = [
    ("grille/question/q01", "text/turtle", None, "grille/question/q01.ttl"),
    ("grille/question/q01", "application/ld+json", None, "grille/question/q01.jsonld"),
    ("grille/question/q01", "application/rdf+xml", None, "grille/question/q01.rdf"),
    ("grille/question/q01", "application/n-triples", None, "grille/question/q01.nt"),
    ("grille/question/q01", "text/html", "en", "grille/question/q01.en.html"),
    ("grille/question/q01", "text/html", "fr-FR,fr;q=0.9,en;q=0.5", "grille/question/q01.fr.html"),
    ("grille/question/q01", None, None, "grille/question/q01.fr.html"),
    (
        "grille/question/q01",
        "text/html,application/xhtml+xml,*/*;q=0.8",
        "en-GB,en;q=0.9",
        "grille/question/q01.en.html",
    ),
    ("grille/question/q01.html", "text/html", "en", "grille/question/q01.en.html"),
    ("grille/question/q01.html", None, None, "grille/question/q01.fr.html"),
    ("grille/cap-ptce", "text/csv", None, "grille/cap-ptce.csv"),
    ("vocab/entrees", "text/turtle", None, "vocab/entrees.ttl"),
    ("def", "application/ld+json", None, "def.jsonld"),
    (f"projet/{PROJECT}", "text/turtle", None, f"projet/{PROJECT}.ttl"),
    (f"projet/{PROJECT}", "text/html", "en", f"projet/{PROJECT}.en.html"),
    (f"projet/{PROJECT}/acteur/mairie", "text/html", None, f"projet/{PROJECT}.fr.html#acteur-mairie"),
    (f"projet/{PROJECT}/acteur/mairie", "text/turtle", None, f"projet/{PROJECT}.ttl"),
    ("", "text/html", "en", "index.en.html"),
    ("", None, None, "index.fr.html"),
]


@pytest.mark.parametrize("path, accept, language, document", NEGOTIATION)
def test_an_iri_is_303_to_the_document_asked_for(server, path, accept, language, document):
    assert _see_other(server + path, accept, language) == document


@pytest.mark.parametrize(
    "document, media_type",
    [
        ("grille/question/q01.ttl", "text/turtle"),
        ("grille/question/q01.jsonld", "application/ld+json"),
        ("grille/question/q01.rdf", "application/rdf+xml"),
        ("grille/question/q01.nt", "application/n-triples"),
        ("grille/question/q01.en.html", "text/html"),
        ("grille/cap-ptce.csv", "text/csv"),
    ],
)
def test_each_document_has_its_media_type(server, document, media_type):
    """Documents are answered as they are, even to a browser: they do not vary."""
    response = _get(server + document, "text/html")
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0].strip() == media_type
    if media_type != "text/html":
        assert response.headers.get("Access-Control-Allow-Origin") == "*"


def test_the_turtle_and_json_ld_describe_the_iri(server):
    iri = URIRef("https://w3id.org/cap-ptce/grille/question/q01")
    turtle = _get(server + _see_other(server + "grille/question/q01", "text/turtle"))
    assert (iri, None, None) in Graph().parse(data=turtle.text, format="turtle")
    jsonld = _get(server + _see_other(server + "grille/question/q01", "application/ld+json"))
    assert (iri, None, None) in Graph().parse(data=json.dumps(jsonld.json()), format="json-ld")


def test_the_english_page_is_in_english(server):
    page = _get(server + _see_other(server + "grille/question/q01", "text/html", "en"))
    assert page.status_code == 200 and '<html lang="en"' in page.text


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
