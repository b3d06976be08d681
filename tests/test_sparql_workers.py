"""Worker processes: they see the store's data, stop at the time limit, and come back."""

from __future__ import annotations

import os
import time

import pytest

from cap_ptce.errors import QueryTimeoutError, StoreError
from cap_ptce.sparql import QueryRequest, WorkerPool, choose_format, inspect_query
from cap_ptce.store import KnowledgeBase
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
        assert count(kb, timeout=30) > 0  # waits for the replacement
        with pytest.raises(ProcessLookupError):
            os.kill(first, 0)


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
