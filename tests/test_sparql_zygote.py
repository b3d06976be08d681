"""Query workers forked from one in-memory copy of the store: shared pages, fast replacement, clean ends."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cap_ptce.errors import WorkerStoppedError
from cap_ptce.sparql import QueryRequest, WorkerPool, choose_format, inspect_query
from cap_ptce.sparql.owned import own_mib
from cap_ptce.store import KnowledgeBase
from kbhelpers import reference_sources
from test_sparql_workers import COUNT, SLOW, _alive, _run_in_thread, busy_snapshot, run_csv


def forked_pool(pool: WorkerPool, kinds: tuple[str, ...] = ("main",), timeout: float = 60) -> WorkerPool:
    """``pool`` once every worker of ``kinds`` is forked from the zygote and free."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = list(pool._all)
        settled = all(pool._kinds[kind].idle.qsize() == pool._kinds[kind].size for kind in kinds)
        if pool._zygote is not None and settled and workers and all(worker.forked for worker in workers):
            return pool
        time.sleep(0.05)
    raise AssertionError("the workers were not forked from the in-memory copy in time")


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def smaps(pid: int) -> dict[str, int]:
    """The memory figures of a process, in KiB, from /proc/PID/smaps_rollup."""
    found = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        found[name.rstrip(":")] = int(value)
    return found


def large_snapshot(tmp_path, quads: int = 150_000) -> str:
    """Tens of MiB of store in memory: enough for shared pages to show beside a worker's own."""
    path = tmp_path / "grand.nq"
    with path.open("w", encoding="utf-8") as out:
        for i in range(quads):
            out.write(
                f'<http://example.org/s{i}> <http://example.org/p{i % 7}> "valeur {i}" <http://example.org/g{i % 50}> .\n'
            )
    return str(path)


def test_a_worker_killed_during_a_query_is_replaced_and_the_next_query_answers(tmp_path):
    pool = forked_pool(WorkerPool(busy_snapshot(tmp_path), 1, memory_mib=1024))
    try:
        outcome = _run_in_thread(pool, SLOW)
        time.sleep(0.3)
        [busy] = list(pool._all)
        assert parent_of(busy.process.pid) == pool._zygote.process.pid  # forked, not started afresh
        os.kill(busy.process.pid, signal.SIGKILL)
        outcome["thread"].join(30)
        assert isinstance(outcome["error"], WorkerStoppedError) and "SIGKILL" in outcome["error"].message
        assert run_csv(pool, COUNT) == b"n\r\n300\r\n"
        [fresh] = list(pool._all)
        assert fresh is not busy and parent_of(fresh.process.pid) == pool._zygote.process.pid
        assert not _alive(busy.process.pid)
    finally:
        pool.close()


def test_an_idle_worker_killed_is_replaced_before_a_query_needs_it(tmp_path):
    pool = forked_pool(WorkerPool(busy_snapshot(tmp_path), 1))
    try:
        [idle] = list(pool._all)
        os.kill(idle.process.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while idle in pool._all and time.monotonic() < deadline:  # the zygote reports it, the pool replaces it
            time.sleep(0.01)
        forked_pool(pool)
        assert idle not in pool._all
        assert run_csv(pool, COUNT) == b"n\r\n300\r\n"  # no client sees the dead worker
    finally:
        pool.close()


def test_forked_workers_share_the_copys_pages(tmp_path):
    pool = forked_pool(WorkerPool(large_snapshot(tmp_path), 2))
    try:
        one = QueryRequest("SELECT ?o { GRAPH ?g { <http://example.org/s7> ?p ?o } }")
        for _ in range(4):  # both workers answer
            assert b"valeur 7" in run_csv(pool, one)
        copy = smaps(pool._zygote.process.pid)["Private_Dirty"] + smaps(pool._zygote.process.pid)["Shared_Dirty"]
        own = [smaps(worker.process.pid)["Private_Dirty"] for worker in pool._all]
        assert copy > 50 * 1024, copy  # the zygote holds tens of MiB of store
        assert sum(own) < copy / 4, (own, copy)  # each worker holds its own few MiB, not a copy
    finally:
        pool.close()


OWNER = """
import sys, time
sys.path.insert(0, sys.argv[2])
from test_sparql_zygote import forked_pool
from cap_ptce.sparql import WorkerPool
pool = forked_pool(WorkerPool(sys.argv[1], 2))
print(pool._zygote.process.pid, *(w.process.pid for w in pool._all), flush=True)
time.sleep(600)
"""


def test_the_zygote_and_its_workers_end_with_the_server(tmp_path):
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
        assert not any(_alive(pid) for pid in pids), "the zygote or a worker outlived the server"
    finally:
        owner.kill()


def test_a_reload_serves_the_new_data_from_a_fresh_copy():
    def count(kb) -> int:
        body = kb.run(COUNT, choose_format("SELECT", None, ["csv"]), timeout=30).body
        return int(body.split(b"\r\n")[1])

    with KnowledgeBase.open(workers=1) as kb:
        kb.load_reference_graphs(reference_sources())
        old = forked_pool(kb._backend.start_workers())
        assert count(kb) == 3
        old_zygote = old._zygote.process
        kb.load_graph("http://example.org/g", "<http://a> <http://b> <http://c> .")
        assert count(kb) == 4  # answered at once, by a worker on the new data
        new = forked_pool(kb._backend.start_workers())
        assert new._zygote.process.pid != old_zygote.pid and old_zygote.poll() is not None
        assert count(kb) == 4 and new._zygote.quads == 4


def test_the_pool_reads_the_folder_again_when_the_zygote_dies(tmp_path):
    pool = forked_pool(WorkerPool(busy_snapshot(tmp_path), 1))
    try:
        zygote = pool._zygote
        first = zygote.process
        first.kill()
        deadline = time.monotonic() + 10
        while pool._zygote is zygote and time.monotonic() < deadline:
            time.sleep(0.01)
        assert pool._zygote is None  # the pool saw it go
        assert run_csv(pool, COUNT) == b"n\r\n300\r\n"  # answered meanwhile, by a worker started afresh
        forked_pool(pool)
        assert pool._zygote.process.pid != first.pid
        assert run_csv(pool, COUNT) == b"n\r\n300\r\n"
    finally:
        pool.close()


@pytest.mark.parametrize("kind", ["main", "heavy"])
def test_forked_workers_keep_their_kinds_priority(tmp_path, kind):
    from cap_ptce.sparql import Sharing

    pool = WorkerPool(busy_snapshot(tmp_path), 1, sharing=Sharing(heavy_workers=1))
    try:
        pool._start_kind("heavy")
        forked_pool(pool, ("main", "heavy"))
        [worker] = [worker for worker in pool._all if worker.kind == kind]
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, worker.process.pid) == (min(ours + 10, 19) if kind == "heavy" else ours)
    finally:
        pool.close()


def test_the_copy_runs_at_low_priority_and_the_forking_thread_keeps_its_own(monkeypatch):
    import threading

    from cap_ptce.sparql import zygote

    seen = {}

    def copy(location):
        seen["copy"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        return location

    monkeypatch.setattr(zygote, "_copy_of", copy)
    ours = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert zygote._copy_at_low_priority("store") == "store"
    assert seen["copy"] == min(ours + zygote.COPY_NICENESS, 19)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == ours


def test_a_copy_that_fails_reports_its_error_to_the_zygote(monkeypatch):
    from cap_ptce.sparql import zygote

    def copy(location):
        raise OSError(f"cannot read the store {location}")

    monkeypatch.setattr(zygote, "_copy_of", copy)
    with pytest.raises(OSError, match="cannot read the store gone"):
        zygote._copy_at_low_priority("gone")


def test_a_worker_past_its_own_memory_budget_is_forked_afresh_and_answers_the_same_rows(tmp_path):
    pool = forked_pool(WorkerPool(large_snapshot(tmp_path), 1, own_mib=8))
    try:
        assert pool.own_budget_mib == 8
        [first] = list(pool._all)
        every = QueryRequest("SELECT ?p (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p ORDER BY ?p")
        rows = run_csv(pool, every)  # reads every quad: tens of MiB become the worker's own
        assert rows.count(b"\r\n") == 8 and b"http://example.org/p0," in rows
        forked_pool(pool)
        [second] = list(pool._all)
        assert second is not first and not _alive(first.process.pid)
        assert parent_of(second.process.pid) == pool._zygote.process.pid
        one = QueryRequest("ASK { GRAPH ?g { <http://example.org/s7> ?p ?o } }")
        pool.run(one, inspect_query(one.text), choose_format("ASK", None), timeout=30, max_rows=10)
        forked_pool(pool)
        assert list(pool._all) == [second]  # a small query leaves it under the budget: it stays
        assert run_csv(pool, every) == rows  # the fresh fork answers the same rows
    finally:
        pool.close()


def test_the_own_memory_budget_is_derived_from_the_copy_and_the_workers(tmp_path):
    from cap_ptce.sparql import Sharing

    pool = forked_pool(WorkerPool(large_snapshot(tmp_path), 2, sharing=Sharing(heavy_workers=1)))
    try:
        copy = pool._zygote.copy_mib
        assert copy > 50, copy  # the zygote says how much it holds: the copy of tens of MiB, and an interpreter
        assert pool.own_budget_mib == pytest.approx(max(64, 0.25 * copy / 3), abs=0.1)
        # the steady state stays near one copy: each worker under its budget between queries
        for _ in range(4):
            assert run_csv(pool, COUNT) == b"n\r\n150000\r\n"
        forked_pool(pool)
        assert all(own_mib(worker.process.pid) <= pool.own_budget_mib for worker in pool._all)
    finally:
        pool.close()


def rows_of(body: bytes) -> list[tuple]:
    """CSV rows in a stable order, each cell's `` ; ``-joined values sorted (GROUP_CONCAT's order is left to the engine)."""
    rows = csv.reader(io.StringIO(body.decode("utf-8")))
    return sorted(tuple(" ; ".join(sorted(cell.split(" ; "))) for cell in row) for row in rows)


def test_the_forked_workers_answer_every_ready_made_query_with_the_rows_of_the_folder(tmp_path):
    from cap_ptce.queries import list_queries
    from cap_ptce.resources import data_dir

    with KnowledgeBase.temporary(workers=1) as kb:
        kb.load_reference_graphs(reference_sources())
        kb.load_corpus(data_dir("corpus"), validator=None)
        forked = forked_pool(kb._backend.start_workers())
        on_folder = WorkerPool(str(kb._backend.path), 1, in_memory=False)
        answered = 0
        try:
            for query in list_queries():
                request = QueryRequest(query.build({}))
                info = inspect_query(request.text)
                fmt = choose_format(info.form, None, ["csv"])
                answers = [
                    pool.run(request, info, fmt, timeout=60, max_rows=100_000).body for pool in (forked, on_folder)
                ]
                assert rows_of(answers[0]) == rows_of(answers[1]), query.name
                answered += answers[0].count(b"\n") > 1
        finally:
            on_folder.close()
        assert answered > len(list_queries()) / 2  # rows compared, not only headers


def test_a_module_planted_in_the_current_folder_never_runs_in_the_zygote_nor_its_workers(tmp_path, monkeypatch):
    from test_sparql_workers import PLANTED

    marker = tmp_path / "ran.txt"
    for name in ("multiprocessing", "pyoxigraph", "cap_ptce", "ctypes", "pickle"):
        (tmp_path / "cwd" / name).mkdir(parents=True)
        (tmp_path / "cwd" / name / "__init__.py").write_text(PLANTED.format(marker=str(marker)), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "cwd")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "cwd"))
    with KnowledgeBase.temporary(workers=1) as kb:  # a folder: the zygote's helper opens it too
        kb.load_reference_graphs(reference_sources())
        forked_pool(kb._backend.start_workers())
        body = kb.run(COUNT, choose_format("SELECT", None, ["csv"]), timeout=30).body
        assert body == b"n\r\n3\r\n"
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
        pool = forked_pool(kb._backend.start_workers())
        assert pool.location == str(readers / "store")  # not the folder, which compacts meanwhile
        assert sorted(path.name for path in readers.iterdir()) == ["store"]
        assert count(kb) == 1
        kb.load_graph("http://example.org/h", "<http://a> <http://b> <http://d> .")
        assert count(kb) == 2  # a write stops the workers; the next ones read a checkpoint of the new data
        forked_pool(kb._backend.start_workers())
        assert count(kb) == 2
    assert not readers.exists()
    with KnowledgeBase.open(folder, workers=1) as kb:  # the folder is free again: the compaction has ended
        assert count(kb) == 2
