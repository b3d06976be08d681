"""Worker processes: they see the store's data, stop at the time limit, and come back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from cap_ptce.errors import QueryTimeoutError, StoreError
from cap_ptce.sparql import QueryRequest, WorkerPool, choose_format, inspect_query
from cap_ptce.store import KnowledgeBase
from cap_ptce.validation.processes import _held
from kbhelpers import corpus_kb, reference_sources

COUNT = QueryRequest("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
SLOW = QueryRequest("SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?q ?r ?s }")


def count(kb, **kwargs) -> int:
    body = kb.run(COUNT, choose_format("SELECT", None, ["csv"]), **kwargs).body
    return int(body.split(b"\r\n")[1])


@pytest.mark.parametrize("in_memory", [True, False], ids=["copied-into-memory", "read-only-folder"])
def test_workers_on_a_folder_see_what_the_process_sees(tmp_path, in_memory):
    with corpus_kb(tmp_path / "c", 3, workers_in_memory=in_memory) as kb:
        assert count(kb, timeout=10) == count(kb) == len(kb)


def test_workers_of_a_memory_store_read_a_copy_of_it():
    with KnowledgeBase.open(workers=1) as kb:
        kb.load_reference_graphs(reference_sources())
        assert count(kb, timeout=10) == 3


def test_the_copy_of_a_memory_store_is_removed_and_so_are_copies_whose_writer_died(monkeypatch, tmp_path):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    orphan = tmp_path / f"cap-ptce-snapshot-{gone.stdout.strip()}-x.nq"  # its writer has ended
    living = tmp_path / f"cap-ptce-snapshot-{os.getppid()}-y.nq"  # its writer is alive
    orphan.write_text(""), living.write_text("")
    with KnowledgeBase.open(workers=1) as kb:
        kb.load_reference_graphs(reference_sources())
        assert count(kb, timeout=10) == 3
        ours = list(tmp_path.glob(f"cap-ptce-snapshot-{os.getpid()}-*.nq"))
        assert len(ours) == 1 and not orphan.exists() and living.exists()
        assert _held(ours[0])  # another server sharing /tmp, to which our pid means nothing, leaves it alone
    assert not ours[0].exists()


def test_loading_restarts_the_workers_on_the_new_data(tmp_path):
    with KnowledgeBase.open(workers=1) as kb:
        kb.load_reference_graphs(reference_sources())
        assert count(kb, timeout=10) == 3
        kb.load_graph("http://example.org/g", "<http://a> <http://b> <http://c> .")
        assert count(kb, timeout=10) == 4


def test_the_time_limit_kills_the_worker_and_a_fresh_one_answers(tmp_path):
    with corpus_kb(tmp_path / "c", 10, workers=1) as kb:
        kb.start_workers(wait=30)
        pool = kb._backend.start_workers()
        [first] = [worker.process.pid for worker in pool._all]
        start = time.monotonic()
        with pytest.raises(QueryTimeoutError, match="more than 0.5 s") as caught:
            kb.run(SLOW, timeout=0.5)
        assert 0.5 <= time.monotonic() - start < 5
        assert "LIMIT" in caught.value.hint
        assert caught.value.message == (
            "la requête a duré plus de 0.5 s et a été arrêtée / the query ran for more than 0.5 s and was stopped"
        )
        assert count(kb, timeout=30) > 0  # waits for the replacement
        with pytest.raises(ProcessLookupError):
            os.kill(first, 0)


def test_a_ready_made_query_past_the_limit_is_not_told_to_add_limit(tmp_path):
    """A researcher's test of 2026-12-06: a ready-made table, past the limit on a large store while the copy was
    being made, was told to « simplify it, add LIMIT », which its reader cannot do."""
    with corpus_kb(tmp_path / "c", 10, workers=1, workers_in_memory=False) as kb:
        with pytest.raises(QueryTimeoutError) as caught:
            kb.run(replace(SLOW, ready_made=True), timeout=0.5)
    assert "LIMIT" not in caught.value.hint and "QUERY_TIMEOUT" in caught.value.hint


def test_a_worker_that_cannot_open_the_store_is_a_store_error(tmp_path):
    pool = WorkerPool(str(tmp_path / "missing.nq"), 1)
    try:
        with pytest.raises(StoreError, match="could not start|cannot open"):
            pool.run(COUNT, inspect_query(COUNT.text), choose_format("SELECT", None), timeout=5, max_rows=10)
    finally:
        pool.close()


def test_closed_workers_refuse_work(tmp_path):
    with corpus_kb(tmp_path / "c", 1) as kb:
        pool = kb._backend.start_workers()
        pool.close()
        with pytest.raises(StoreError, match="stopped"):
            pool.run(COUNT, inspect_query(COUNT.text), choose_format("SELECT", None), timeout=1, max_rows=10)


def test_an_unexpected_error_in_a_worker_is_reported_and_the_worker_lives_on(tmp_path):
    with corpus_kb(tmp_path / "c", 1, workers=1) as kb:
        pool = kb._backend.start_workers()
        pool.wait_until_ready(30)
        [pid] = [worker.process.pid for worker in pool._all]
        broken = QueryRequest("ASK {}", default_graphs=("not an IRI",), named_graphs=())
        with pytest.raises(StoreError, match="unexpected ValueError"):
            pool.run(broken, inspect_query(broken.text), choose_format("ASK", None), timeout=10, max_rows=10)
        assert count(kb, timeout=10) > 0
        assert [worker.process.pid for worker in pool._all] == [pid]


def test_the_knowledge_base_refuses_a_dataset_that_is_not_made_of_iris(tmp_path):
    from cap_ptce.errors import ParameterError

    with corpus_kb(tmp_path / "c", 1) as kb:
        with pytest.raises(ParameterError, match="not a graph IRI"):
            kb.run(QueryRequest("ASK {}", default_graphs=("not an IRI",), named_graphs=()), timeout=10)


# 2.25 million distinct strings of ~80 characters: a few hundred MiB of hash set in the engine
HUNGRY = QueryRequest(
    "SELECT (COUNT(DISTINCT ?x) AS ?n) { "
    f"VALUES ?a {{ {' '.join(map(str, range(1500)))} }} VALUES ?b {{ {' '.join(map(str, range(1500)))} }} "
    'BIND(CONCAT(STR(?a), "-", STR(?b), "-", "une chaîne assez longue pour occuper de la mémoire, encore") AS ?x) }'
)


def snapshot(tmp_path) -> str:
    path = tmp_path / "petit.nq"
    path.write_text(
        "<http://example.org/s> <http://example.org/p> <http://example.org/o> <http://example.org/g> .\n",
        encoding="utf-8",
    )
    return str(path)


def run_csv(pool: WorkerPool, request: QueryRequest) -> bytes:
    return pool.run(
        request, inspect_query(request.text), choose_format("SELECT", None, ["csv"]), timeout=60, max_rows=10
    ).body


def test_a_query_past_the_memory_cap_is_stopped_and_the_next_one_answers(tmp_path):
    from cap_ptce.errors import QueryMemoryError, QueryTooLargeError

    pool = WorkerPool(snapshot(tmp_path), 1, memory_mib=64)
    try:
        with pytest.raises(QueryMemoryError, match="64 MiB") as caught:
            run_csv(pool, HUNGRY)
        assert isinstance(caught.value, QueryTooLargeError) and "LIMIT" in caught.value.hint
        assert run_csv(pool, COUNT) == b"n\r\n1\r\n"  # a fresh worker, or the same one, answers
    finally:
        pool.close()


def test_a_worker_stopped_at_the_memory_cap_is_told_in_the_log_not_in_the_engines_bare_lines(tmp_path, capfd, caplog):
    """An operator's test of 2026-12-06: each abort at QUERY_MEMORY_MB wrote « memory allocation of 7040 bytes
    failed », « stack backtrace: », « note: run with RUST_BACKTRACE… » on the server's standard error, with no
    time and nothing saying it was the limit at work."""
    from cap_ptce.errors import QueryMemoryError

    pool = WorkerPool(snapshot(tmp_path), 1, memory_mib=64)
    caplog.set_level("INFO", logger="cap_ptce.sparql.pool")
    try:
        with pytest.raises(QueryMemoryError):
            run_csv(pool, HUNGRY)
        deadline = time.monotonic() + 30  # the relay reads the worker's last lines after its end
        while time.monotonic() < deadline and not any("64 MiB" in r.getMessage() for r in caplog.records):
            time.sleep(0.1)
    finally:
        pool.close()
    told = [r.getMessage() for r in caplog.records if "64 MiB" in r.getMessage()]
    assert len(told) == 1 and "QUERY_MEMORY_MB" in told[0] and "413" in told[0]
    err = capfd.readouterr().err
    assert "memory allocation of" not in err and "RUST_BACKTRACE" not in err and "stack backtrace" not in err


def test_without_the_cap_the_same_query_answers(tmp_path):
    pool = WorkerPool(snapshot(tmp_path), 1, memory_mib=None)
    try:
        assert run_csv(pool, HUNGRY) == b"n\r\n2250000\r\n"
    finally:
        pool.close()


def test_a_negative_memory_cap_is_refused(tmp_path):
    from cap_ptce.errors import ParameterError

    with pytest.raises(ParameterError, match="QUERY_MEMORY_MB"):
        WorkerPool(snapshot(tmp_path), 1, memory_mib=-5)


# --- what a worker's end says, what it imports, when it ends ------------------------------------


def busy_snapshot(tmp_path) -> str:
    """300 quads: enough for SLOW's cross product to run for hours."""
    path = tmp_path / "occupe.nq"
    lines = (
        f"<http://example.org/s{i}> <http://example.org/p> <http://example.org/o> <http://example.org/g> .\n"
        for i in range(300)
    )
    path.write_text("".join(lines), encoding="utf-8")
    return str(path)


def _run_in_thread(pool: WorkerPool, request: QueryRequest) -> dict:
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["result"] = run_csv(pool, request)
        except Exception as exc:  # noqa: BLE001 - the test reads it
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    outcome["thread"] = thread
    return outcome


def _busy_worker_pid(pool: WorkerPool) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        busy = [w for w in pool._all if w.kind == "main" and w not in list(pool._kinds["main"].idle.queue)]
        if busy:
            return busy[0].process.pid
        time.sleep(0.05)
    raise AssertionError("no worker took the query")


@pytest.mark.parametrize("sent", [signal.SIGSEGV, signal.SIGKILL, signal.SIGTERM], ids=lambda s: s.name)
def test_a_worker_stopped_by_a_signal_is_reported_as_that_signal_not_as_memory(tmp_path, sent):
    from cap_ptce.errors import QueryMemoryError, WorkerStoppedError

    pool = WorkerPool(busy_snapshot(tmp_path), 1, memory_mib=1024)  # with a memory cap, as the server runs
    try:
        pool.wait_until_ready(30)
        outcome = _run_in_thread(pool, SLOW)
        time.sleep(0.3)
        os.kill(_busy_worker_pid(pool), sent)
        outcome["thread"].join(30)
        error = outcome["error"]
        assert isinstance(error, WorkerStoppedError) and not isinstance(error, QueryMemoryError)
        assert sent.name in error.message
        assert run_csv(pool, COUNT) == b"n\r\n300\r\n"  # a fresh worker answers
    finally:
        pool.close()


def test_an_unknown_function_is_the_clients_error(tmp_path):
    from cap_ptce.errors import UnknownFunctionError

    pool = WorkerPool(snapshot(tmp_path), 1)
    try:
        with pytest.raises(UnknownFunctionError, match="<http://example.org/f>"):
            run_csv(pool, QueryRequest("SELECT (<http://example.org/f>(1) AS ?n) {}"))
        assert run_csv(pool, COUNT) == b"n\r\n1\r\n"
    finally:
        pool.close()


def test_the_deepest_query_the_checks_let_through_runs_in_a_worker(tmp_path):
    from cap_ptce.sparql.inspect import MAX_DEPTH, MAX_NESTING

    calls = "STR(" * (MAX_NESTING - 4) + "1" + ")" * (MAX_NESTING - 4)
    chain = "+".join(["1"] * (MAX_DEPTH - MAX_NESTING))
    deepest = QueryRequest(f"SELECT (STRLEN({calls}) + {chain} AS ?n) {{}}")
    inspect_query(deepest.text)  # let through
    pool = WorkerPool(snapshot(tmp_path), 1)
    try:
        assert run_csv(pool, deepest).startswith(b"n\r\n")
    finally:
        pool.close()


PLANTED = "import pathlib; pathlib.Path({marker!r}).write_text('planted module ran')\n"


def test_a_module_planted_in_the_current_folder_never_runs_in_a_worker(tmp_path, monkeypatch):
    marker = tmp_path / "ran.txt"
    for name in ("multiprocessing", "pyoxigraph", "cap_ptce"):
        (tmp_path / "cwd" / name).mkdir(parents=True)
        (tmp_path / "cwd" / name / "__init__.py").write_text(PLANTED.format(marker=str(marker)), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "cwd")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "cwd"))
    pool = WorkerPool(snapshot(tmp_path), 1)
    try:
        assert run_csv(pool, COUNT) == b"n\r\n1\r\n"
    finally:
        pool.close()
    assert not marker.exists()


OWNER = """
import sys, time
from cap_ptce.sparql import QueryRequest, WorkerPool, choose_format, inspect_query
pool = WorkerPool(sys.argv[1], 1)
pool.wait_until_ready(30)
print(*(w.process.pid for w in pool._all), flush=True)
query = QueryRequest(sys.argv[2])
pool.run(query, inspect_query(query.text), choose_format("SELECT", None), timeout=600, max_rows=10)
"""


def test_no_worker_outlives_its_parent_even_in_the_middle_of_a_query(tmp_path):
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER, busy_snapshot(tmp_path), SLOW.text], stdout=subprocess.PIPE, text=True
    )
    try:
        worker_pid = int(owner.stdout.readline())
        time.sleep(1)  # the worker is running the cross product
        os.kill(worker_pid, 0)
        owner.kill()
        owner.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(worker_pid):
            time.sleep(0.1)
        assert not _alive(worker_pid), "the worker kept running after its parent was killed"
    finally:
        owner.kill()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0]
    except FileNotFoundError:
        return False
    return state != "Z"


class _ServerGone:
    """A worker's end of the socket whose server went away: after the prefixes (and ``jobs``), ``error``."""

    def __init__(self, error: OSError, jobs=(), fail_on_send: bool = False) -> None:
        self.incoming = [{}, *jobs]
        self.error, self.fail_on_send, self.sent = error, fail_on_send, []

    def recv(self):
        if self.incoming:
            return self.incoming.pop(0)
        raise self.error

    def send(self, message) -> None:
        if self.fail_on_send and message[0] != "ready":
            raise self.error
        self.sent.append(message)


@pytest.mark.parametrize(
    ("gone", "while_answering"),
    [(ConnectionResetError(104, "reset"), False), (BrokenPipeError(32, "broken pipe"), True)],
    ids=["reset-while-waiting", "broken-while-answering"],
)
def test_a_worker_whose_server_went_away_ends_quietly(gone, while_answering):
    import pyoxigraph as ox

    from cap_ptce.sparql.workers import _answer

    info = inspect_query(COUNT.text)
    job = (COUNT, info, choose_format("SELECT", None, ["csv"]), None)
    conn = _ServerGone(gone, jobs=[job] if while_answering else [], fail_on_send=while_answering)
    _answer(conn, lambda: lambda: ox.Store(), "a store")  # returns: no traceback in the server's log
    assert conn.sent[0] == ("ready", None) and len(conn.sent) == 1


def test_a_worker_whose_server_went_away_while_it_opened_the_store_ends_quietly():
    """A server stopping while a fresh worker opens its store: the worker has nobody to tell, and says nothing."""
    import socket
    from multiprocessing.connection import Connection

    from cap_ptce.sparql.workers import _answer

    ours, theirs = socket.socketpair()
    server, worker = Connection(ours.detach()), Connection(theirs.detach())
    server.send({})  # the prefixes
    server.close()  # then the server goes, before the worker is ready
    opened = []
    _answer(worker, lambda: opened.append(True) or (lambda: None), "the folder")  # returns, raises nothing
    assert opened == [True]
