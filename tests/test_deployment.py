"""The nginx configuration of docs/deployment.md, run as written in front of a live ``cap-ptce serve``.

Debian's nginx (``nginx-light``, installed by ``make system-deps``) runs in the
foreground on a free port of 127.0.0.1 with the documented block, its
``listen`` and upstream port changed to the test's; ``cap-ptce serve`` trusts
it as its proxy. A missing nginx is a failure, not a skip.
"""

from __future__ import annotations

import os
import pwd
import re
import select
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from servehelpers import cap_ptce_serve, session_from
from test_public_endpoint import CROSS_PRODUCT, MEGABYTE, closed_within, connect, send_body
from test_server_rules import NGINX, _free_port, _run

pytestmark = pytest.mark.slow

DOC = Path(__file__).resolve().parents[1] / "docs" / "deployment.md"
ASK = {"query": "ASK { ?s ?p ?o }"}


def documented_block() -> str:
    text = DOC.read_text(encoding="utf-8")
    marker = text.index("<!-- tests/test_deployment.py runs the block below")
    return re.search(r"```nginx\n(.*?)```", text[marker:], flags=re.DOTALL).group(1)


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("behind-nginx")
    settings = ("TRUSTED_PROXY=127.0.0.1", "REQUESTS_PER_CLIENT=2", "QUERY_TIMEOUT=4")
    with cap_ptce_serve(tmp, *(arg for s in settings for arg in ("--set", s))) as live:
        yield live


@pytest.fixture(scope="module")
def nginx(app_server, tmp_path_factory):
    assert Path(NGINX).exists(), "nginx is missing: make system-deps (as root) or apt-get install nginx-light"
    prefix = tmp_path_factory.mktemp("nginx")
    port = _free_port()
    block = documented_block()
    assert "listen 80;" in block and "server 127.0.0.1:5000;" in block
    block = block.replace("listen 80;", f"listen 127.0.0.1:{port};")
    block = block.replace("server 127.0.0.1:5000;", f"server 127.0.0.1:{app_server.port};")
    (prefix / "cap-ptce.conf").write_text(block, encoding="utf-8")
    temp = " ".join(
        f"{kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(
        f"""
daemon off;
{user}
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    access_log {prefix / "access.log"};
    {temp}
    include {prefix / "cap-ptce.conf"};
}}
""",
        encoding="utf-8",
    )
    command = [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    for url in _run(command, port, prefix / "error.log", signal.SIGQUIT):
        yield url.removesuffix("/cap-ptce/"), port, prefix


def test_answers_come_through_with_the_apps_security_headers(nginx):
    from cap_ptce.publish.headers import SECURITY_HEADERS

    url, _, _ = nginx
    response = requests.get(url + "/sparql", params=ASK, timeout=30)
    assert response.status_code == 200 and response.json()["boolean"] is True
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


def test_each_client_is_known_by_its_own_address_through_the_proxy(nginx):
    url, _, _ = nginx
    answers = []

    def slow() -> None:
        spoofing = session_from("127.0.8.1")  # what it says of itself is not believed
        answers.append(
            spoofing.get(
                url + "/sparql", params={"query": CROSS_PRODUCT}, headers={"X-Forwarded-For": "10.9.9.9"}, timeout=60
            )
        )

    threads = [threading.Thread(target=slow) for _ in range(2)]  # REQUESTS_PER_CLIENT
    for thread in threads:
        thread.start()
    time.sleep(1)
    third = session_from("127.0.8.1").get(
        url + "/sparql", params=ASK, headers={"X-Forwarded-For": "10.1.1.1"}, timeout=30
    )
    assert third.status_code == 429 and third.json()["error"] == "TooManyRequests"
    other = session_from("127.0.8.2").get(url + "/sparql", params=ASK, timeout=30)
    assert other.status_code == 200  # another address is served meanwhile
    for thread in threads:
        thread.join(60)


def test_idle_connections_to_nginx_leave_a_new_client_answered_within_a_second(nginx):
    url, port, _ = nginx
    idle = [connect(port, f"127.0.9.{1 + index // 25}") for index in range(150)]
    try:
        started = time.monotonic()
        response = session_from("127.0.9.200").get(url + "/sparql", params=ASK, timeout=30)
        assert response.status_code == 200 and time.monotonic() - started < 1.0
    finally:
        for conn in idle:
            conn.close()


def test_a_200_megabyte_body_is_refused_by_nginx_with_nothing_written(nginx):
    _, port, prefix = nginx
    headers = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 200000000\r\n\r\n"
    answer, _ = send_body(port, headers, (MEGABYTE for _ in range(200)), lambda: [])
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    spooled = list((prefix / "client_body").rglob("*")) if (prefix / "client_body").exists() else []
    assert spooled == []


def test_a_client_trickling_its_headers_is_cut_off_by_nginx(nginx):
    _, port, _ = nginx
    conn = connect(port, "127.0.10.1")
    started = time.monotonic()
    try:
        conn.send(b"GET /sparql HTTP/1.1\r\nHost: x\r\n")
        while time.monotonic() - started < 20:
            readable, _, _ = select.select([conn], [], [], 1)
            if readable:
                break
            conn.send(b"X")  # a byte a second, never the end of the headers
        assert closed_within(conn, 3) is not None
    except (BrokenPipeError, ConnectionResetError):
        pass
    finally:
        conn.close()
    assert 9 <= time.monotonic() - started < 16  # client_header_timeout 10s
