"""One in-memory copy of the store answering the ready-made queries; workers for the rest, stopped at the limit."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from cap_ptce.errors import QueryTimeoutError, ServerBusyError, WorkerStoppedError
from cap_ptce.sparql import QueryRequest, WorkerPool, choose_format, inspect_query
from cap_ptce.store import KnowledgeBase
from kbhelpers import reference_sources
from test_sparql_workers import COUNT, SLOW, _alive, _run_in_thread, busy_snapshot, run_csv

READY_COUNT = replace(COUNT, ready_made=True)
READY_SLOW = replace(SLOW, ready_made=True)


def copy_ready(pool: WorkerPool, kinds: tuple[str, ...] = ("main",), timeout: float = 60) -> WorkerPool:
    """``pool`` once its in-memory copy is made and every worker of ``kinds`` is free."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        settled = all(pool._kinds[kind].idle.qsize() == pool._kinds[kind].size for kind in kinds)
        if pool._copy is not None and settled:
            return pool
        time.sleep(0.05)
    raise AssertionError("the in-memory copy was not made in time")


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def smaps(pid: int) -> dict[str, int]:
    """The memory figures of a process, in KiB, from /proc/PID/smaps_rollup."""
    found = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        found[name.rstrip(":")] = int(value)
    return found


def run_ready(pool: WorkerPool, request: QueryRequest = READY_COUNT, timeout: float = 60) -> bytes:
    info = inspect_query(request.text)
    return pool.run(request, info, choose_format("SELECT", None, ["csv"]), timeout=timeout, max_rows=10).body


def test_a_ready_made_query_is_answered_by_the_copy_while_every_worker_is_busy(tmp_path):
    pool = copy_ready(WorkerPool(busy_snapshot(tmp_path), 1))
    try:
        busy = _run_in_thread(pool, SLOW)  # a visitor's query holds the only worker
        time.sleep(0.3)
        assert pool._kinds["main"].idle.qsize() == 0
        assert run_ready(pool) == b"n\r\n300\r\n"  # the copy answers
        with pytest.raises(ServerBusyError):  # the same text, written by a visitor, waits for a worker
            run_ready(pool, COUNT, timeout=0.5)
    finally:
        pool.close()
        busy["thread"].join(30)


def test_the_copy_refuses_a_query_that_is_not_ready_made(tmp_path):
    pool = copy_ready(WorkerPool(busy_snapshot(tmp_path), 1))
    try:
        conn = pool._copy.send((COUNT, inspect_query(COUNT.text), choose_format("SELECT", None, ["csv"]), 10), {})
        assert conn.poll(30)
        status, payload = conn.recv()
        assert status == "error" and "only ready-made queries" in payload[1]["message"]
    finally:
        pool.close()


def test_a_ready_made_query_past_the_time_limit_keeps_its_slot_until_it_ends(tmp_path):
    pool = copy_ready(WorkerPool(busy_snapshot(tmp_path), 1))
    try:
        with pytest.raises(QueryTimeoutError):
            run_ready(pool, READY_SLOW, timeout=0.5)
        # the copy's thread still runs it (a thread cannot be stopped): the next ready-made query goes to a worker
        assert not pool._copy_slots.acquire(blocking=False)
        assert run_ready(pool) == b"n\r\n300\r\n"
        copy = pool._copy.process
        pool.close()  # the copy's process ends with its query
        assert copy.wait(10) is not None
    finally:
        pool.close()


def test_a_worker_killed_during_a_query_is_replaced_and_the_next_query_answers(tmp_path):
    pool = copy_ready(WorkerPool(busy_snapshot(tmp_path), 1, memory_mib=1024))
    try:
        outcome = _run_in_thread(pool, SLOW)
        time.sleep(0.3)
        [busy] = list(pool._all)
        os.kill(busy.process.pid, signal.SIGKILL)
        outcome["thread"].join(30)
        assert isinstance(outcome["error"], WorkerStoppedError) and "SIGKILL" in outcome["error"].message
        assert run_csv(pool, COUNT) == b"n\r\n300\r\n"
        [fresh] = list(pool._all)
        assert fresh is not busy and not _alive(busy.process.pid)
    finally:
        pool.close()


@pytest.mark.parametrize(
    "seen_dead",
    [True, False],
    ids=["replaced-before-a-query-needs-it", "died-just-before-it-was-handed-a-query-gives-it-to-another"],
)
def test_an_idle_worker_killed_is_not_seen_by_any_client(tmp_path, seen_dead):
    pool = copy_ready(WorkerPool(busy_snapshot(tmp_path), 1))
    try:
        [idle] = list(pool._all)
        os.kill(idle.process.pid, signal.SIGKILL)
        idle.process.wait(10)
        if not seen_dead:
            idle.process.poll = lambda: None  # as if the kill came just after the pool looked at it
        assert run_csv(pool, COUNT) == b"n\r\n300\r\n"  # no client sees the dead worker
        assert idle not in pool._all
    finally:
        pool.close()


def test_one_copy_of_the_store_answers_ready_made_queries_at_once(tmp_path):
    quads = "".join(f'<http://example.org/s{i}> <http://example.org/p{i % 7}> "valeur {i}" .\n' for i in range(150_000))
    with KnowledgeBase.temporary(workers=2) as kb:
        kb.load_graph("http://example.org/g", quads)
        pool = copy_ready(kb._backend.start_workers())
        every = QueryRequest(
            "SELECT ?p (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p ORDER BY ?p", ready_made=True
        )
        answers = [_run_in_thread(pool, every) for _ in range(2)]  # both at once, on the one copy
        for answer in answers:
            answer["thread"].join(60)
            assert answer["result"].count(b"\r\n") == 8, answer
        copy = smaps(pool._copy.process.pid)["Rss"]
        workers = [smaps(worker.process.pid)["Rss"] for worker in pool._all]
        assert copy > 40 * 1024, copy  # the copy holds tens of MiB of store
        assert all(held < copy / 2 for held in workers), (workers, copy)  # the workers read the folder: no copy


OWNER = """
import sys, time
sys.path.insert(0, sys.argv[2])
from test_sparql_memory import copy_ready
from cap_ptce.sparql import WorkerPool
pool = copy_ready(WorkerPool(sys.argv[1], 2))
print(pool._copy.process.pid, *(w.process.pid for w in pool._all), flush=True)
time.sleep(600)
"""


def test_the_copy_and_the_workers_end_with_the_server(tmp_path):
    here = str(Path(__file__).parent)
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER, busy_snapshot(tmp_path), here], stdout=subprocess.PIPE, text=True
    )
    try:
        pids = [int(pid) for pid in owner.stdout.readline().split()]
        assert len(pids) == 3 and all(_alive(pid) for pid in pids)
        owner.kill()
        owner.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in pids), "the copy or a worker outlived the server"
    finally:
        owner.kill()


def test_a_reload_serves_the_new_data_from_a_fresh_copy():
    def count(kb) -> int:
        request = replace(COUNT, ready_made=True)
        body = kb.run(request, choose_format("SELECT", None, ["csv"]), timeout=30).body
        return int(body.split(b"\r\n")[1])

    with KnowledgeBase.open(workers=1) as kb:
        kb.load_reference_graphs(reference_sources())
        old = copy_ready(kb._backend.start_workers())
        assert count(kb) == 3
        old_copy = old._copy.process
        kb.load_graph("http://example.org/g", "<http://a> <http://b> <http://c> .")
        assert count(kb) == 4  # answered at once, by a worker on the new data
        new = copy_ready(kb._backend.start_workers())
        assert new._copy.process.pid != old_copy.pid and old_copy.poll() is not None
        assert count(kb) == 4 and new._copy.quads == 4


def test_the_workers_answer_ready_made_queries_when_the_copy_dies_and_a_new_copy_is_made(tmp_path):
    pool = copy_ready(WorkerPool(busy_snapshot(tmp_path), 1))
    try:
        copy = pool._copy
        first = copy.process
        first.kill()
        deadline = time.monotonic() + 10
        while pool._copy is copy and time.monotonic() < deadline:
            time.sleep(0.01)
        assert pool._copy is None  # the pool saw it go
        assert run_ready(pool) == b"n\r\n300\r\n"  # answered meanwhile, by a worker
        copy_ready(pool)
        assert pool._copy.process.pid != first.pid
        assert run_ready(pool) == b"n\r\n300\r\n"
    finally:
        pool.close()


def test_the_copy_is_made_at_low_priority_and_the_answering_threads_keep_their_own(monkeypatch):
    from cap_ptce.sparql import memory

    seen = {}

    def copy(location):
        seen["copy"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        return location

    monkeypatch.setattr(memory, "_copy_of", copy)
    ours = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert memory._copy_at_low_priority("store") == "store"
    assert seen["copy"] == min(ours + memory.COPY_NICENESS, 19)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == ours


def test_a_copy_that_fails_reports_its_error(monkeypatch):
    from cap_ptce.sparql import memory

    def copy(location):
        raise OSError(f"cannot read the store {location}")

    monkeypatch.setattr(memory, "_copy_of", copy)
    with pytest.raises(OSError, match="cannot read the store gone"):
        memory._copy_at_low_priority("gone")


def rows_of(body: bytes) -> list[tuple]:
    """CSV rows in a stable order, each cell's `` ; ``-joined values sorted (GROUP_CONCAT's order is left to the engine)."""
    rows = csv.reader(io.StringIO(body.decode("utf-8")))
    return sorted(tuple(" ; ".join(sorted(cell.split(" ; "))) for cell in row) for row in rows)


def test_the_copy_answers_every_ready_made_query_with_the_rows_of_the_folder(tmp_path):
    from cap_ptce.queries import list_queries
    from cap_ptce.resources import data_dir

    with KnowledgeBase.temporary(workers=1) as kb:
        kb.load_reference_graphs(reference_sources())
        kb.load_corpus(data_dir("corpus"), validator=None)
        copied = copy_ready(kb._backend.start_workers())
        on_folder = WorkerPool(str(kb._backend.path), 1, in_memory=False)
        answered = 0
        try:
            for query in list_queries():
                request = QueryRequest(query.build({}), ready_made=True)
                info = inspect_query(request.text)
                fmt = choose_format(info.form, None, ["csv"])
                answers = [
                    pool.run(request, info, fmt, timeout=60, max_rows=100_000).body for pool in (copied, on_folder)
                ]
                assert rows_of(answers[0]) == rows_of(answers[1]), query.name
                answered += answers[0].count(b"\n") > 1
            assert on_folder._copy is None and copied._copy is not None  # the two answers came from both
        finally:
            on_folder.close()
        assert answered > len(list_queries()) / 2  # rows compared, not only headers


def test_a_module_planted_in_the_current_folder_never_runs_in_the_copy_nor_the_workers(tmp_path, monkeypatch):
    from test_sparql_workers import PLANTED

    marker = tmp_path / "ran.txt"
    for name in ("multiprocessing", "pyoxigraph", "cap_ptce", "ctypes", "pickle"):
        (tmp_path / "cwd" / name).mkdir(parents=True)
        (tmp_path / "cwd" / name / "__init__.py").write_text(PLANTED.format(marker=str(marker)), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "cwd")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "cwd"))
    with KnowledgeBase.temporary(workers=1) as kb:  # a folder: the copy's helper opens it too
        kb.load_reference_graphs(reference_sources())
        copy_ready(kb._backend.start_workers())
        for request in (COUNT, READY_COUNT):
            assert kb.run(request, choose_format("SELECT", None, ["csv"]), timeout=30).body == b"n\r\n3\r\n"
    assert not marker.exists()


def test_workers_on_a_folder_read_a_checkpoint_that_goes_with_them(tmp_path):
    def count(kb) -> int:
        body = kb.run(COUNT, choose_format("SELECT", None, ["csv"]), timeout=30).body
        return int(body.split(b"\r\n")[1])

    folder = tmp_path / "store"
    readers = tmp_path / "store.readers"
    readers.mkdir()
    (readers / "left-by-a-server-stopped-by-a-signal").write_text("")
    with KnowledgeBase.open(folder, workers=1) as kb:
        kb.load_graph("http://example.org/g", "<http://a> <http://b> <http://c> .")
        pool = copy_ready(kb._backend.start_workers())
        assert pool.location == str(readers / "store")  # not the folder, which compacts meanwhile
        assert sorted(path.name for path in readers.iterdir()) == ["store"]
        assert count(kb) == 1
        kb.load_graph("http://example.org/h", "<http://a> <http://b> <http://d> .")
        assert count(kb) == 2  # a write stops the workers; the next ones read a checkpoint of the new data
        copy_ready(kb._backend.start_workers())
        assert count(kb) == 2
    assert not readers.exists()
    with KnowledgeBase.open(folder, workers=1) as kb:  # the folder is free again: the compaction has ended
        assert count(kb) == 2


# A process whose main thread ends while another thread holds the socket open for a second: what a worker
# killed while idle looks like for a few milliseconds (its engine's threads still ending).
_ENDING = """
import ctypes, platform, socket, sys, threading, time
held = socket.socket(fileno=int(sys.argv[1]))
threading.Thread(target=time.sleep, args=(1.0,)).start()
ctypes.CDLL(None).syscall({"x86_64": 60, "aarch64": 93}[platform.machine()], 0)  # SYS_exit: this thread alone
"""


def test_a_worker_whose_main_thread_has_ended_is_not_handed_a_query(tmp_path):
    import socket
    import subprocess
    import sys
    from multiprocessing.connection import Connection

    from cap_ptce.sparql.pool import MAIN, _Worker

    pool = copy_ready(WorkerPool(busy_snapshot(tmp_path), 1))
    try:
        real = pool._kinds[MAIN].idle.get()
        ours, theirs = socket.socketpair()
        process = subprocess.Popen([sys.executable, "-c", _ENDING, str(theirs.fileno())], pass_fds=[theirs.fileno()])
        theirs.close()
        ending = _Worker(process, Connection(ours.detach()), MAIN)
        deadline = time.monotonic() + 10
        while _alive(process.pid) and time.monotonic() < deadline:  # its main thread a zombie, its socket open
            time.sleep(0.01)
        assert not _alive(process.pid) and process.poll() is None
        pool._all.add(ending)
        pool._kinds[MAIN].idle.put(ending)
        assert run_csv(pool, COUNT) == b"n\r\n300\r\n"  # no client sees the dying worker
        assert ending not in pool._all
        assert real in pool._all  # taken out of the queue for this test: closed with the pool
    finally:
        pool.close()


# Values of different kinds (an IRI, numbers, texts, a date) that Oxigraph 0.5's ORDER BY orders inconsistently:
# its sort gives up (a Rust panic) and the worker ends with SIGABRT.
MIXED = """
SELECT ?o (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?o ORDER BY ?o
"""


def test_a_query_the_engine_gives_up_on_is_a_400_with_a_way_round_and_the_next_query_answers(tmp_path):
    """Its worker ends with SIGABRT as at the memory cap: it was answered 413, "needed more than 1024 MiB". The
    engine's own words, kept from the worker's standard error, now say what it is, and the hint a way round."""
    from cap_ptce.errors import EngineFaultError
    from cap_ptce.resources import data_dir

    with KnowledgeBase.temporary(workers=1, query_memory_mib=1024) as kb:
        kb.load_reference_graphs()
        assert kb.load_corpus(data_dir("corpus")).ok
        try:
            kb.run(QueryRequest(MIXED), timeout=30)
        except EngineFaultError as exc:  # Oxigraph 0.5.13 gives up on it; a fixed one would answer rows
            assert "total order" in exc.message and "STR(?x)" in exc.hint
        assert kb.select("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", timeout=30)[0]["n"].value != "0"
        ordered = kb.run(QueryRequest(MIXED.replace("ORDER BY ?o", "ORDER BY STR(?o)")), timeout=30)
        assert ordered.body  # the way round answers


def test_a_panic_the_worker_writes_is_the_querys_answer_not_its_memory():
    """The worker's standard error as the engine writes it when it gives up, read as the pool reads it."""
    import io as _io
    from types import SimpleNamespace

    from cap_ptce.errors import EngineFaultError
    from cap_ptce.sparql.ends import stopped_error
    from cap_ptce.sparql.pool import _relay_errors

    said = (
        b"\nthread '<unnamed>' (1587) panicked at /rustc/58cf8f9c/library/core/src/slice/sort/shared/smallsort.rs:"
        b"854:5:\nuser-provided comparison function does not correctly implement a total order\n"
        b"note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n"
    )
    worker = SimpleNamespace(process=SimpleNamespace(stderr=_io.BytesIO(said), pid=1587), panic=None)
    _relay_errors(worker, 1024)
    assert worker.panic == "user-provided comparison function does not correctly implement a total order"
    error = stopped_error(-signal.SIGABRT, EOFError(), 1024, worker.panic)
    assert isinstance(error, EngineFaultError) and "ORDER BY" in error.hint
    assert type(stopped_error(-signal.SIGABRT, EOFError(), 1024, None)).__name__ == "QueryMemoryError"


def test_a_worker_stopped_at_its_memory_limit_is_one_line_of_the_log(caplog):
    """An operator's finding of 2026-12-07: the line was written twice, then the engine's « skipping backtrace
    printing to avoid potential recursion », which says nothing to an operator."""
    import io as _io
    from types import SimpleNamespace

    from cap_ptce.sparql.pool import _relay_errors

    said = (
        b"memory allocation of 268435456 bytes failed\nmemory allocation of 1048576 bytes failed\n"
        b"skipping backtrace printing to avoid potential recursion\n"
    )
    worker = SimpleNamespace(process=SimpleNamespace(stderr=_io.BytesIO(said), pid=22298), panic=None)
    with caplog.at_level("WARNING", logger="cap_ptce.sparql.pool"):
        _relay_errors(worker, 1024)
    assert [record.getMessage() for record in caplog.records] == [
        "query worker 22298 stopped at its memory limit (QUERY_MEMORY_MB, 1024 MiB): its query is answered 413"
    ]
