"""Sharing the query workers between clients: own slots, low-priority workers, a bounded queue."""

from __future__ import annotations

import os
import threading
import time

import pytest

from cap_ptce.errors import ServerBusyError, TooManyQueriesError
from cap_ptce.sparql import QueryRequest, Sharing, WorkerPool, choose_format, inspect_query
from cap_ptce.sparql.sharing import ClientLedger
from test_sparql_workers import COUNT, SLOW, busy_snapshot


def run(pool: WorkerPool, request: QueryRequest, client: str | None, timeout: float = 20) -> bytes:
    fmt = choose_format("SELECT", None, ["csv"])
    return pool.run(request, inspect_query(request.text), fmt, timeout=timeout, max_rows=10, client=client).body


def in_thread(target, *args) -> dict:
    outcome: dict = {}

    def body() -> None:
        started = time.monotonic()
        try:
            outcome["result"] = target(*args)
        except Exception as exc:  # noqa: BLE001 - the test reads it
            outcome["error"] = exc
        outcome["seconds"] = time.monotonic() - started

    outcome["thread"] = threading.Thread(target=body)
    outcome["thread"].start()
    return outcome


@pytest.fixture
def pool(tmp_path):
    pools = []

    def make(size: int = 2, **sharing) -> WorkerPool:
        made = WorkerPool(busy_snapshot(tmp_path), size, sharing=Sharing(**sharing))
        made.wait_until_ready(30)
        pools.append(made)
        return made

    yield make
    for made in pools:
        made.close()


def test_a_clients_second_query_waits_for_its_own_slot_not_for_every_worker(pool):
    workers = pool(2, per_client=1)
    slow = in_thread(run, workers, SLOW, "greedy", 2)
    time.sleep(0.5)
    second = in_thread(run, workers, COUNT, "greedy", 10)
    time.sleep(0.3)
    assert "result" not in second  # it waits for greedy's slot…
    started = time.monotonic()
    assert run(workers, COUNT, "someone else") == b"n\r\n300\r\n"  # …while the other worker serves others
    assert time.monotonic() - started < 2
    slow["thread"].join(30)
    second["thread"].join(30)
    assert second["result"] == b"n\r\n300\r\n" and second["seconds"] >= 1.0  # after greedy's slow query ended


def test_a_slot_that_stays_taken_is_a_429(pool):
    workers = pool(2, per_client=1)
    slow = in_thread(run, workers, SLOW, "greedy", 3)
    time.sleep(0.5)
    with pytest.raises(TooManyQueriesError, match="already runs 1"):
        run(workers, COUNT, "greedy", timeout=1)
    slow["thread"].join(30)


def test_a_client_past_its_query_time_goes_to_the_low_priority_worker(pool):
    workers = pool(1, client_seconds=1.0, heavy_workers=1)
    first = in_thread(run, workers, SLOW, "heavy", 1.5)  # in the main worker, stopped after 1.5 s
    first["thread"].join(30)
    assert "error" in first and workers.clients.is_heavy("heavy")
    second = in_thread(run, workers, SLOW, "heavy", 4)  # now in the low-priority worker
    time.sleep(1.5)
    heavy = [worker for worker in workers._all if worker.kind == "heavy"]
    assert heavy and os.getpriority(os.PRIO_PROCESS, heavy[0].process.pid) >= 10
    started = time.monotonic()
    assert run(workers, COUNT, "light") == b"n\r\n300\r\n"  # the main worker is free for others
    assert time.monotonic() - started < 2
    second["thread"].join(30)


def test_without_low_priority_workers_a_heavy_client_is_told_to_wait(pool):
    workers = pool(1, client_seconds=0.5, heavy_workers=0)
    with pytest.raises(Exception):  # noqa: B017 - stopped at the time limit
        run(workers, SLOW, "heavy", timeout=1)
    with pytest.raises(TooManyQueriesError, match="query time"):
        run(workers, COUNT, "heavy")
    assert run(workers, COUNT, "light") == b"n\r\n300\r\n"


def test_a_full_queue_is_a_503_at_once(pool):
    workers = pool(1, queue=1, per_client=1)
    busy = in_thread(run, workers, SLOW, "a", 3)
    time.sleep(0.5)
    waiting = in_thread(run, workers, COUNT, "b", 10)
    time.sleep(0.3)
    started = time.monotonic()
    with pytest.raises(ServerBusyError, match="already wait"):
        run(workers, COUNT, "c")
    assert time.monotonic() - started < 0.5
    busy["thread"].join(30)
    waiting["thread"].join(30)
    assert waiting["result"] == b"n\r\n300\r\n"


def test_the_ledger_forgets_idle_clients():
    ledger = ClientLedger(Sharing(window=0.2))
    for index in range(100):
        with ledger.slot(f"client-{index}", 1):
            ledger.charge(f"client-{index}", 0.01)
    time.sleep(0.3)
    with ledger.slot("last", 1):
        pass
    assert len(ledger._clients) <= 100 and not ledger.is_heavy("client-1")
    with ledger.slot("client-1", 1):
        pass
    assert "client-1" not in ledger._clients


def test_queries_without_a_client_are_not_limited(pool):
    workers = pool(2, per_client=1)
    answers = [in_thread(run, workers, COUNT, None) for _ in range(4)]
    for answer in answers:
        answer["thread"].join(30)
        assert answer["result"] == b"n\r\n300\r\n"


def test_long_queries_of_new_clients_leave_the_main_workers_after_their_share(pool):
    """Two new clients' first cross products held both main workers for the whole time limit: now for 1 s."""
    workers = pool(2, main_seconds=1.0, heavy_workers=1, client_seconds=3.0)
    hostile = [in_thread(run, workers, SLOW, f"hostile-{n}", 4) for n in range(2)]
    time.sleep(0.3)  # both main workers are taken by the cross products
    started = time.monotonic()
    assert run(workers, COUNT, "light", timeout=4) == b"n\r\n300\r\n"
    assert time.monotonic() - started < 2.5  # waited for a main worker at most ~0.7 s (+ a busy machine)
    for outcome in hostile:
        outcome["thread"].join(30)
        assert (
            "timed out" in str(outcome.get("error"))
            or "busy" in str(outcome.get("error"))
            or "ran for" in str(outcome.get("error"))
        )
    assert "4 s" in str(hostile[0]["error"]) + str(hostile[1]["error"])  # the time limit reported is the client's
    assert workers.clients.is_heavy("hostile-0") or workers.clients.is_heavy("hostile-1")


def test_a_query_past_its_main_share_runs_again_in_the_low_priority_worker_and_answers(pool, monkeypatch):
    workers = pool(1, main_seconds=0.01, heavy_workers=1)
    heavy_runs = []
    real = workers._run_in

    def counting(worker, job, timeout, **kwargs):
        heavy_runs.append(worker.kind)
        return real(worker, job, timeout, **kwargs)

    monkeypatch.setattr(workers, "_run_in", counting)
    # two million rows: far more than 0.01 s, even in a worker forked from a warm copy
    many = QueryRequest("SELECT (COUNT(*) AS ?n) { SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } LIMIT 2000000 }")
    assert run(workers, many, "someone", 60) == b"n\r\n2000000\r\n"
    assert heavy_runs == ["main", "heavy"]
