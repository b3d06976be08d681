"""``cap-ptce serve`` stopped as a service manager stops it (SIGTERM) ends cleanly and leaves nothing behind."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
import requests

from cap_ptce.store import KnowledgeBase
from servehelpers import cap_ptce_serve

ASK = {"query": "ASK { ?s ?p ?o }"}


def _group_ended(pgid: int, timeout: float = 10) -> bool:
    """Whether every process of the server's group (the server, its copy, its workers) has ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def _stopped_with(live, number: int = signal.SIGTERM) -> int:
    live.process.send_signal(number)
    return live.process.wait(60)


# SIGHUP: an operator's finding of 2026-12-07: a terminal closed on « make run » killed the server on the spot
# (exit 129, no log), leaving the memory store's N-Quads copy and the readers' checkpoint behind
@pytest.mark.parametrize(
    ("where", "number"),
    [("memory", signal.SIGTERM), ("folder", signal.SIGTERM), ("memory", signal.SIGHUP), ("folder", signal.SIGHUP)],
)
def test_sigterm_ends_the_server_its_copy_and_workers_and_removes_the_files_they_read(tmp_path, where, number):
    temporary = tmp_path / "tmp"  # the N-Quads copy of a memory store for its readers goes here
    temporary.mkdir()
    args = ["--set", "WARM_PAGES=false"]
    folder = tmp_path / "store"
    if where == "folder":
        with KnowledgeBase.open(folder) as kb:
            kb.load_graph(
                "http://example.org/g", "<http://example.org/a> <http://example.org/b> <http://example.org/c> ."
            )
        args += ["--store", str(folder)]
    with cap_ptce_serve(tmp_path, *args, env={"TMPDIR": str(temporary)}) as live:
        answer = requests.post(f"{live.url}/sparql", data=ASK, headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200 and answer.json()["boolean"] is True
        if where == "memory":
            assert [p.name for p in temporary.glob("cap-ptce-snapshot-*.nq")]  # what its readers read
        else:
            assert (tmp_path / "store.readers").is_dir()
        code = _stopped_with(live, number)
        log = live.log_text()
    assert code == 0, log
    assert "Traceback" not in log
    assert signal.Signals(number).name in log  # it says why it stopped
    assert _group_ended(live.process.pid), "a process of the server outlived it"
    assert not list(temporary.glob("cap-ptce-snapshot-*")), "the N-Quads copy was left in the temporary folder"
    assert not (tmp_path / "store.readers").exists(), "the readers' checkpoint was left beside the store"
    if where == "folder":
        with KnowledgeBase.open(folder) as kb:  # the store was closed, not cut: it opens and holds its data
            assert "http://example.org/g" in kb.graph_names()


def test_serve_refuses_a_corpus_with_a_file_that_cannot_be_read(tmp_path):
    """The server counted one project less without a word (« 20 description(s) » for 21 files)."""
    import subprocess

    from servehelpers import CAP_PTCE

    (tmp_path / "casse.yaml").write_text(
        'format: 2\nid: casse\nnom: "Pôle cassé"\nacteurs:\n  - id: a\n    nom: "A"\n    type: autre\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [CAP_PTCE, "serve", "--port", "0", "--corpus", str(tmp_path), "--set", "WARM_PAGES=false"],
        capture_output=True,
        text=True,
        timeout=120,  # it ends at once; a server that started would be cut here
    )
    assert done.returncode == 2 and "casse.yaml:7" in done.stderr and "Traceback" not in done.stderr


def test_sigterm_to_the_whole_group_as_systemd_sends_it_logs_no_error(tmp_path):
    """systemd stops a service by sending SIGTERM to each of its processes at once: the copy of the store ended
    with the server, and the log said « ERROR … the process holding the in-memory copy of the store ended
    (exit -15) » on every restart."""
    with cap_ptce_serve(tmp_path) as live:  # the pages drawn ahead as it starts (each logged an error past the stop)
        answer = requests.post(f"{live.url}/sparql", data=ASK, headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200
        deadline = time.monotonic() + 60
        while "store copied into memory" not in live.log_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "store copied into memory" in live.log_text()
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # runs until its time limit
        running = [
            threading.Thread(target=_ask_quietly, args=(live.url, slow), daemon=True) for _ in range(3)
        ]  # queries in flight as it stops, in the workers (an operator's finding: each logged an ERROR)
        for thread in running:
            thread.start()
        time.sleep(1.5)
        os.killpg(live.process.pid, signal.SIGTERM)
        code = live.process.wait(60)
        log = live.log_text()
    assert code == 0, log
    assert " ERROR " not in log and "Traceback" not in log, log
    stopped_at = log.index("SIGTERM")
    assert "store copied into memory" not in log[stopped_at:], log  # no copy made again during the stop
    assert _group_ended(live.process.pid)


def _ask_quietly(url: str, query: str) -> None:
    try:
        requests.post(f"{url}/sparql", data={"query": query}, timeout=30)
    except requests.RequestException:
        pass  # the server stops under it
