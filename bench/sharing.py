"""Benchmark: one in-memory copy of the store for the ready-made queries, and the query workers beside it.

For each size N (generated corpus loaded on disk, as in ``kb``):

- the baseline, in the same run: a process that only bulk-loads the store's
  quads into ``pyoxigraph.Store()`` (and gives back the heap freed while
  loading, as the server's copy does), its proportional set size (PSS) minus
  that of an idle interpreter with pyoxigraph imported: *one in-memory copy*;
- ``cap-ptce serve --store``: when it answers its first query (it listens once
  a worker has the store open), when every main worker has the store open,
  when the in-memory copy is made (the server's log says so), and the PSS of
  the server and all its descendants (the copy's process, the workers), read
  from ``/proc/PID/smaps_rollup`` so that shared pages count once: once the
  copy is made, and after every ready-made query ran;
- the time to replace a worker killed with SIGKILL, idle and in the middle of
  a visitor's query (until a fresh worker has the store open, and until the
  next query answers);
- every ready-made query's median through HTTP ``/sparql``, its text posted as
  its page runs it (so the endpoint runs it on the copy), and its first runs.

Optionally (``CAP_PTCE_BENCH_SHARING_BEFORE``: the ``cap-ptce`` of a checkout
of an earlier design; ``CAP_PTCE_BENCH_SHARING_BEFORE_SIZES``: at which sizes,
all by default), the same PSS for that server, once its workers are idle.

Targets (issue 16, point 2, set at 10,000 descriptions; stated at the largest
size measured): the server and its workers under 1.5 × one copy (PSS), all
main workers answering within 5 s of start, a killed worker replaced within
1 s, every ready-made query under 0.5 s median.

The server runs with ``TRUSTED_PROXY=127.0.0.1`` so that the benchmark can
speak as several clients (``X-Forwarded-For``): each run of a ready-made query
comes from an address of its own, as visitors would, so that the per-client
limits (:mod:`cap_ptce.sparql.sharing`) do not send the benchmark's own queries
to the low-priority worker; the query killed and the next query come from two
different clients. It runs with ``MAX_RESULT_ROWS`` out of the way: that cap is
for visitors' own queries, the pages of the ready-made queries have none, and
two of them give more than 10,000 rows at 10,000 descriptions.

It prints each step with the seconds since its server started. How long it
takes on 2 cores: at 1,000, about 10 min on a quiet machine, most of it the wait
for the page warm-up (573 s); at 10,000, loading the store (265 s in
``bench/results/kb.md``), one copy and the server's copy (1–4 min each), the
ready-made queries (about 5 min), then the wait for the warm-up, up to
``CAP_PTCE_BENCH_SHARING_WARM_WAIT`` (1200 s) after the server's start: 30 min
or more in all. ``CAP_PTCE_BENCH_SHARING_WARM_WAIT=0`` saves that wait and
leaves only the PSS at the end (with the server's page cache full) unmeasured;
``CAP_PTCE_BENCH_SHARING_WORK`` reuses a store loaded before.

Settings (environment): ``CAP_PTCE_BENCH_SHARING_SIZES`` (``1000``; ``1000,10000``
for the targets' size),
``CAP_PTCE_BENCH_SHARING_WARM_WAIT`` (seconds to wait for the page warm-up to
end before the last PSS, 1200),
``CAP_PTCE_BENCH_SHARING_REPEAT`` (5), ``CAP_PTCE_BENCH_SHARING_WORK`` (a folder
whose ``store-N`` is reused instead of generating and loading N descriptions),
``CAP_PTCE_BENCH_SHARING_BEFORE``, ``CAP_PTCE_BENCH_SHARING_WARM_PAGES`` (``true``;
``false`` runs the server without its page warm-up, as once the warm-up has ended, and writes
``sharing-settled.*`` instead of ``sharing.*``).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

from bench.kb import (
    _HEADERS,
    BIN,
    _free_port,
    _machine,
    _median_time,
    _timed_command,
    _wait_for_first_answer,
    _wait_until_workers_idle,
)
from cap_ptce.queries import list_queries

MEMORY_TARGET = 1.5  # × one in-memory copy, PSS of the server and all its processes
READY_TARGET = 5.0  # seconds from start until every worker answers
REPLACE_TARGET = 1.0  # seconds to replace a killed worker
LATENCY_TARGET = 0.5  # seconds, median of each ready-made query
WORKERS = 2  # main workers, the server's default (QUERY_WORKERS)
READY_MADE_ROWS = 10_000_000
CROSS = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def settings() -> dict:
    env = os.environ.get
    return {
        "sizes": [int(n) for n in env("CAP_PTCE_BENCH_SHARING_SIZES", "1000").split(",")],
        "repeat": int(env("CAP_PTCE_BENCH_SHARING_REPEAT", "5")),
        "work": env("CAP_PTCE_BENCH_SHARING_WORK"),
        "before": env("CAP_PTCE_BENCH_SHARING_BEFORE"),
        "before_sizes": [int(n) for n in env("CAP_PTCE_BENCH_SHARING_BEFORE_SIZES", "0").split(",") if n != "0"],
        "warm_wait_s": float(env("CAP_PTCE_BENCH_SHARING_WARM_WAIT", "1200")),
        "warm_pages": env("CAP_PTCE_BENCH_SHARING_WARM_PAGES", "true").lower() in {"1", "true", "yes"},
    }


def run(results_dir: Path) -> dict:
    """Measure every size, write sharing.json and sharing.md into ``results_dir`` (``sharing-settled.*`` without
    the page warm-up)."""
    config = settings()
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="cap-ptce-bench-sharing-") as tmp:
        sizes = [_measure_size(Path(config["work"] or tmp), size, config) for size in config["sizes"]]
    figures = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "settings": config,
        "sizes": sizes,
        "targets": _targets(max(sizes, key=lambda size: size["descriptions"])),
        "runtime_s": round(time.perf_counter() - started, 1),
        "load_average": {"start": round(load_before, 2), "end": round(os.getloadavg()[0], 2)},
    }
    print(f"  sharing: done in {figures['runtime_s']:.0f} s", flush=True)
    results_dir.mkdir(parents=True, exist_ok=True)
    name = "sharing" if config["warm_pages"] else "sharing-settled"
    (results_dir / f"{name}.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", "utf-8")
    (results_dir / f"{name}.md").write_text(markdown(figures), encoding="utf-8")
    print(f"  sharing: figures in {results_dir / name}.md", flush=True)
    return figures


def _measure_size(work: Path, size: int, config: dict) -> dict:
    print(f"  sharing: {size} descriptions", flush=True)
    store = work / f"store-{size}"
    if not store.exists():
        corpus = work / f"corpus-{size}"
        _timed_command("generate", str(size), "--seed", "0", "-o", str(corpus))
        _timed_command("load", str(corpus), "--store", str(store), "--no-validate")
    figures = {"descriptions": size, "one_copy": _one_copy(store)}
    print(f"    one in-memory copy made in {figures['one_copy']['copy_s']} s; starting the server", flush=True)
    figures["server"] = _measure_server(
        BIN / "cap-ptce", store, config["repeat"], config["warm_wait_s"], warm_pages=config["warm_pages"]
    )
    print(f"    server measured in {figures['server']['runtime_s']} s", flush=True)
    if config["before"] and (not config["before_sizes"] or size in config["before_sizes"]):
        figures["before"] = _measure_before(Path(config["before"]), store)
    return figures


# --- one copy ---------------------------------------------------------------------------

_ONE_COPY = """
import ctypes, subprocess, sys, pyoxigraph as ox
def pss():
    return next(int(l.split()[1]) for l in open("/proc/self/smaps_rollup") if l.startswith("Pss:")) / 1024
idle = pss()
dump = subprocess.Popen([sys.executable, "-I", "-c", "import sys, pyoxigraph as ox; "
    "ox.Store.read_only(sys.argv[1]).dump(output=sys.stdout.buffer, format=ox.RdfFormat.N_QUADS)", sys.argv[1]],
    stdout=subprocess.PIPE)
store = ox.Store()
store.bulk_load(input=dump.stdout, format=ox.RdfFormat.N_QUADS)
dump.wait()
ctypes.CDLL("libc.so.6").malloc_trim(0)
print(idle, pss(), len(store))
"""


def _one_copy(store: Path) -> dict:
    """PSS of one in-memory copy of the store: a process that holds only that, less an idle interpreter."""
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-I", "-c", _ONE_COPY, str(store)], capture_output=True, text=True, check=True
    )
    idle, loaded, quads = out.stdout.split()
    return {
        "quads": int(quads),
        "idle_interpreter_pss_mib": round(float(idle), 1),
        "copy_pss_mib": round(float(loaded) - float(idle), 1),
        "copy_s": round(time.perf_counter() - start, 1),
    }


# --- the server ---------------------------------------------------------------------------


def _measure_server(
    cap_ptce: Path, store: Path, repeat: int, warm_wait: float = 0.0, *, warm_pages: bool = True
) -> dict:
    port, queries = _free_port(), {query.name: query.build({}) for query in list_queries()}
    base = f"http://127.0.0.1:{port}"
    command = [str(cap_ptce), "serve", "--store", str(store), "--port", str(port), "--timeout", "60"]
    command += ["--set", "TRUSTED_PROXY=127.0.0.1", "--set", f"WARM_PAGES={str(warm_pages).lower()}"]
    # the ready-made queries go through /sparql, whose cap on rows is for visitors' queries: the pages of the
    # ready-made queries have none, and two of them pass 10,000 rows at 10,000 descriptions
    command += ["--set", f"MAX_RESULT_ROWS={READY_MADE_ROWS}"]
    log = tempfile.NamedTemporaryFile("w+", prefix="cap-ptce-bench-serve-", suffix=".log")
    start = time.perf_counter()
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
    try:
        with requests.Session() as session:
            session.trust_env = False
            figures = {"first_answer_s": round(_wait_for_first_answer(session, base, server) - start, 2)}
            _say(start, "first answer")
            figures["all_answering_s"] = round(_wait_answering(server.pid) - start, 2)
            figures["answering_workers_at_first_answer"] = len(_workers_on_folder(server.pid))
            figures["copied_s"] = round(_wait_copied(Path(log.name)) - start, 2)
            figures["cpu_s_until_copied"] = _cpu_tree(server.pid)
            figures["pss_copied_mib"] = _pss_tree(server.pid)
            _say(start, "the in-memory copy is made")
            medians = {
                name: _first_and_median(session, base, text, repeat, server.pid) for name, text in queries.items()
            }
            figures["queries"] = [{"name": name, **found} for name, found in medians.items()]
            _say(start, "every ready-made query measured")
            _settle(server.pid)
            figures["pss_after_queries_mib"] = _pss_tree(server.pid)
            figures["replace_idle"] = _replace_idle(session, base, server.pid)
            figures["replace_busy"] = _replace_busy(session, base, server.pid)
            _say(start, f"workers replaced; waiting for the page warm-up (at most {warm_wait:g} s from start)")
            figures["warm_up_s"] = _wait_warmed(Path(log.name), start, warm_wait)
            _settle(server.pid)
            figures["pss_end_mib"] = _pss_tree(server.pid)
            figures["cpu_s_end"] = _cpu_tree(server.pid)
            figures["runtime_s"] = round(time.perf_counter() - start, 1)
            figures["warm_pages"] = warm_pages
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    return figures


def _say(start: float, what: str) -> None:
    print(f"    {time.perf_counter() - start:7.1f} s: {what}", flush=True)


def _client(number: int) -> dict:
    """Headers for a client of its own (an address of the benchmarking range, through the trusted proxy)."""
    return {**_HEADERS, "X-Forwarded-For": f"198.18.{number // 250 % 250}.{number % 250 + 1}"}


_CLIENTS = iter(range(10**9))


def _wait_answering(pid: int, limit: float = 600) -> float:
    """When every main worker has its store: on the folder, with RocksDB's threads running."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if _answering(pid) >= WORKERS:
            return time.perf_counter()
        time.sleep(0.02)
    raise RuntimeError("the main workers did not all open the store within 10 minutes")


def _answering(pid: int) -> int:
    return sum(_has_opened_rocksdb(worker) for worker in _workers_on_folder(pid))


def _has_opened_rocksdb(pid: int) -> bool:
    try:
        return any("rocksdb" in (task / "comm").read_text() for task in Path(f"/proc/{pid}/task").iterdir())
    except FileNotFoundError:
        return False


def _settle(pid: int, limit: float = 30) -> None:
    """Wait until the queries' memory is given back and every main worker answers again."""
    deadline = time.monotonic() + limit
    time.sleep(1.0)
    while time.monotonic() < deadline and _answering(pid) < WORKERS:
        time.sleep(0.05)


def _wait_warmed(log: Path, start: float, limit: float) -> float | None:
    """Seconds from start until the page warm-up said it ended (None: not within ``limit`` seconds of start)."""
    while time.perf_counter() - start < limit:
        if "pages drawn in" in log.read_text(errors="replace"):
            return round(time.perf_counter() - start, 1)
        time.sleep(1.0)
    return None


def _wait_copied(log: Path, limit: float = 900) -> float:
    """When the server's log says that the in-memory copy is made."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if re.search(r"store copied into memory in", log.read_text(errors="replace")):
            return time.perf_counter()
        time.sleep(0.05)
    raise RuntimeError("the in-memory copy was not made within 15 minutes")


def _cpu_tree(pid: int) -> float:
    """CPU seconds (user + system) of the server and its descendants, those reaped included."""
    ticks = 0
    for child in _process_tree(pid):
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks += sum(int(fields[i]) for i in (11, 12, 13, 14))
    return round(ticks / os.sysconf("SC_CLK_TCK"), 1)


def _first_and_median(session: requests.Session, base: str, text: str, repeat: int, pid: int) -> dict:
    """The first runs and the median of ``repeat`` more.

    Beside them, the CPU seconds a run took in the server and all its processes
    (the page warm-up's included, when it still runs): a wall time far above
    them is time spent waiting for a core. A query that fails (past the time
    limit, say) is recorded with its status, not measured further.
    """

    def call() -> None:
        headers = _client(next(_CLIENTS))
        session.post(f"{base}/sparql", data=text.encode(), headers=headers, timeout=120).raise_for_status()

    firsts = []
    try:
        for _ in range(WORKERS):  # as many first runs as the copy takes queries at once
            start = time.perf_counter()
            call()
            firsts.append(round(time.perf_counter() - start, 4))
        cpu = _cpu_tree(pid)
        median = _median_time(call, repeat)
        return {
            "first_runs_s": firsts,
            "median_s": median,
            "cpu_s_per_run": round((_cpu_tree(pid) - cpu) / (repeat + 1), 2),
        }
    except requests.HTTPError as exc:
        return {"first_runs_s": firsts, "median_s": None, "failed": exc.response.status_code}


def _process_tree(pid: int) -> dict[int, str]:
    """``pid`` and its descendants, each with its command line."""
    found, todo = {}, [pid]
    while todo:
        current = todo.pop()
        try:
            found[current] = Path(f"/proc/{current}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def _copy_process(pid: int) -> int | None:
    return next((child for child, line in _process_tree(pid).items() if "copy_main" in line), None)


def _children_of(pid: int) -> list[int]:
    try:
        return [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
    except FileNotFoundError:
        return []


def _workers_on_folder(pid: int) -> list[int]:
    return [child for child, line in _process_tree(pid).items() if "serve_on_large_stack" in line]


def _smaps_mib(pid: int) -> dict[str, float]:
    found = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        found[name.rstrip(":")] = int(value) / 1024
    return found


def _pss_tree(pid: int) -> dict:
    """PSS of the server and of each of its descendants by role, in MiB."""
    roles = {"server": 0.0, "copy": 0.0, "workers": 0.0, "other": 0.0}
    private = []
    copy = _copy_process(pid)
    for child, line in _process_tree(pid).items():
        try:
            figures = _smaps_mib(child)
        except (FileNotFoundError, ProcessLookupError):
            continue
        role = "server" if child == pid else "copy" if child == copy else "other"
        if "serve_on_large_stack" in line:
            role = "workers"
            private.append(round(figures["Private_Clean"] + figures["Private_Dirty"], 1))
        roles[role] += figures["Pss"]
    return {
        **{k: round(v, 1) for k, v in roles.items()},
        "total": round(sum(roles.values()), 1),
        "workers_own": private,
    }


def _replace_idle(session: requests.Session, base: str, pid: int) -> dict:
    """SIGKILL to an idle worker: seconds until the next queries answer, and until a fresh worker has the store.

    The pool finds a worker dead when it hands it out: it starts a fresh one
    then, and gives the query to another.
    """
    victim = sorted(_workers_on_folder(pid))[0]
    start = time.perf_counter()
    os.kill(victim, signal.SIGKILL)
    while _running(
        victim
    ):  # dead once its main thread is a zombie (the pool looks at the same): a query racing the kill is another test
        time.sleep(0.001)
    for _ in range(WORKERS):  # each idle worker in turn: the dead one is met
        answer = session.post(f"{base}/sparql", data=b"ASK {}", headers=_client(next(_CLIENTS)), timeout=30)
        if answer.status_code != 200:
            raise RuntimeError(f"a query after killing an idle worker got {answer.status_code}: {answer.text[:500]}")
    next_answer = time.perf_counter() - start
    replaced = _wait_replaced(pid, victim, start)
    return {"replaced_s": round(replaced, 3), "next_answer_s": round(next_answer, 3)}


def _running(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie, waiting to be reaped, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _wait_replaced(pid: int, victim: int, start: float) -> float:
    """Seconds from ``start`` until ``victim`` is gone and every main worker has the store again."""
    while victim in _workers_on_folder(pid) or _answering(pid) < WORKERS:
        if time.perf_counter() - start > 30:
            raise RuntimeError("no worker replaced the killed one within 30 s")
        time.sleep(0.005)
    return time.perf_counter() - start


def _replace_busy(session: requests.Session, base: str, pid: int) -> dict:
    """SIGKILL to the worker running a visitor's long query: seconds until the next query answers."""
    answer: dict = {}

    def long_query() -> None:
        response = session.post(f"{base}/sparql", data=CROSS.encode(), headers=_client(next(_CLIENTS)), timeout=120)
        answer["status"] = response.status_code
        answer["error"] = response.json().get("error") if response.status_code >= 400 else None

    thread = threading.Thread(target=long_query)
    thread.start()
    victim = _busiest(sorted(_workers_on_folder(pid)))  # within MAIN_QUERY_SECONDS (1 s): still in a main worker
    start = time.perf_counter()
    os.kill(victim, signal.SIGKILL)
    with requests.Session() as other:  # another client, at once: a free worker, or the fresh one
        other.trust_env = False
        other.post(f"{base}/sparql", data=b"ASK {}", headers=_client(next(_CLIENTS)), timeout=30).raise_for_status()
    next_answer = time.perf_counter() - start
    replaced = _wait_replaced(pid, victim, start)
    thread.join(60)
    return {"replaced_s": round(replaced, 3), "next_answer_s": round(next_answer, 3), "killed_query": answer}


def _busiest(pids: list[int], window: float = 0.3) -> int:
    """The process that used the most CPU over ``window`` seconds (the one running the long query)."""
    time.sleep(0.2)
    before = {pid: _cpu_ticks(pid) for pid in pids}
    time.sleep(window)
    return max(pids, key=lambda pid: _cpu_ticks(pid) - before[pid])


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def _measure_before(cap_ptce: Path, store: Path) -> dict:
    """The previous design: every worker copies the store; PSS once the copies are made."""
    port = _free_port()
    start = time.perf_counter()
    command = [str(cap_ptce), "serve", "--store", str(store), "--port", str(port), "--timeout", "60"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with requests.Session() as session:
            session.trust_env = False
            first = _wait_for_first_answer(session, f"http://127.0.0.1:{port}", server) - start
            copied = _wait_until_workers_idle(server.pid) - start
            return {
                "first_answer_s": round(first, 2),
                "copies_made_s": round(copied, 2),
                "pss_mib": _pss_tree(server.pid),
            }
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- report -----------------------------------------------------------------------------


def _targets(size: dict) -> dict:
    server, copy = size["server"], size["one_copy"]["copy_pss_mib"]
    slow = [q["name"] for q in server["queries"] if q["median_s"] is None or q["median_s"] >= LATENCY_TARGET]
    busy = server["replace_busy"]
    idle = server["replace_idle"]
    replace = max(
        idle["replaced_s"], idle["next_answer_s"], busy.get("replaced_s", busy["next_answer_s"]), busy["next_answer_s"]
    )
    end = server.get("pss_end_mib", server["pss_after_queries_mib"])
    return {
        "at_descriptions": size["descriptions"],
        "memory_ratio_copied": round(server["pss_copied_mib"]["total"] / copy, 2),
        "memory_ratio_after_queries": round(server["pss_after_queries_mib"]["total"] / copy, 2),
        "memory_ratio_end": round(end["total"] / copy, 2),
        "memory_met": max(server["pss_after_queries_mib"]["total"], end["total"]) < MEMORY_TARGET * copy,
        # the copy's process and the workers alone: the server process's own memory is mostly its page cache
        "pool_ratio_copied": round(_pool_pss(server["pss_copied_mib"]) / copy, 2),
        "pool_ratio_after_queries": round(_pool_pss(server["pss_after_queries_mib"]) / copy, 2),
        "ready_s": server.get("all_answering_s", server["first_answer_s"]),
        "ready_met": server.get("all_answering_s", server["first_answer_s"]) <= READY_TARGET,
        "replace_s": replace,
        "replace_met": replace <= REPLACE_TARGET,
        "over_latency": slow,
        "latency_met": not slow,
        # the first run computes the answer; the later ones are served from the cache of answers
        "first_run_s": _first_runs_range(server["queries"]),
        "first_over_latency": [
            q["name"] for q in server["queries"] if q["first_runs_s"] and q["first_runs_s"][0] >= LATENCY_TARGET
        ],
    }


def _first_runs_range(queries: list[dict]) -> list[float] | None:
    firsts = [q["first_runs_s"][0] for q in queries if q["first_runs_s"]]
    return [min(firsts), max(firsts)] if firsts else None


def _pool_pss(pss: dict) -> float:
    return pss["copy"] + pss["workers"]


def _met(flag: bool) -> str:
    return "**met**" if flag else "**not met**"


def markdown(figures: dict) -> str:
    machine, targets = figures["machine"], figures["targets"]
    largest = max(figures["sizes"], key=lambda size: size["descriptions"])
    copy = largest["one_copy"]["copy_pss_mib"]
    lines = [
        "# One copy of the store for the ready-made queries, and the query workers beside it",
        "",
        f"Measured {figures['date']} by `python -m bench sharing` in {figures['runtime_s']:.0f} s, on "
        f"{machine['cpu']} ({machine['cores']} cores, {machine['memory_mib']} MiB), Python {machine['python']}, "
        f"pyoxigraph {machine.get('pyoxigraph')}. Load average {figures['load_average']['start']} at the start and "
        f"{figures['load_average']['end']} at the end (the machine is shared: times include waiting for a core). "
        "Memory is the proportional set size (PSS, `/proc/PID/smaps_rollup`) summed over `cap-ptce serve` and "
        "all its descendants. "
        + _warm_pages_note(figures["settings"].get("warm_pages", True))
        + f"Query times are medians of {figures['settings']['repeat']} runs through HTTP `/sparql`, each query's text "
        f"as its page runs it, after {WORKERS} first runs: the first run computes the answer on the in-memory copy "
        "(or a worker, before the copy is made), and the server keeps it until the store is written, so the later "
        "runs are served from memory.",
        "",
        f"## Targets at {targets['at_descriptions']:,} descriptions",
        "",
        *_scope_note(targets["at_descriptions"]),
        f"- Server and workers under {MEMORY_TARGET} × one in-memory copy ({copy:,.0f} MiB): "
        f"{targets['memory_ratio_copied']} × once the copy is made, {targets['memory_ratio_after_queries']} × "
        f"after every ready-made query ran, {targets['memory_ratio_end']} × at the end "
        f"({_warm_state(largest['server'])}): {_met(targets['memory_met'])}. The copy's process and the workers "
        f"alone: {targets['pool_ratio_copied']} × once the copy is made, {targets['pool_ratio_after_queries']} × "
        "after the queries; "
        f"the server process itself: {_server_share(largest)}.",
        f"- Every main worker answering within {READY_TARGET:g} s of start: after {targets['ready_s']} s "
        f"(first answer after {largest['server']['first_answer_s']} s): {_met(targets['ready_met'])}; the in-memory "
        f"copy made after {largest['server']['copied_s']} s (the workers answer every query until then).",
        f"- A worker killed with SIGKILL replaced within {REPLACE_TARGET:g} s: {targets['replace_s']} s at most: "
        f"{_met(targets['replace_met'])}.",
        f"- Every ready-made query under {LATENCY_TARGET} s median: {_met(targets['latency_met'])}"
        + (f" (over: {', '.join(targets['over_latency'])})" if targets["over_latency"] else "")
        + _first_runs_note(targets)
        + ".",
        "",
        "Why a copy that never forks: pyoxigraph's in-memory store writes to every quad it reads (each quad "
        "carries a lock and reference-counted links), so a process forked from the copy makes each page its "
        "queries read its own, at the cost of a page fault and a page copy; the copy's own threads share its "
        "pages for nothing. The visitors' own queries run in the workers, which read the folder and are stopped "
        "at the time limit.",
    ]
    if figures.get("notes"):
        lines += ["", "## Notes", "", *(f"- {note}" for note in figures["notes"])]
    for size in figures["sizes"]:
        lines += _size_section(size)
    return "\n".join(lines) + "\n"


def _first_runs_note(targets: dict) -> str:
    """What the first run of each query, the one that computes its answer, took."""
    if not targets.get("first_run_s"):
        return ""
    low, high = targets["first_run_s"]
    over = targets["first_over_latency"]
    return (
        f"; the median is of answers kept in memory: the first run of each, which computed it, took {low}–{high} s"
        + (f", {len(over)} over {LATENCY_TARGET} s ({', '.join(over)})" if over else "")
    )


def _warm_pages_note(warm_pages: bool) -> str:
    if warm_pages:
        return (
            "The server ran as it does by default, drawing its pages in the background as it starts (`WARM_PAGES`): "
            "the queries share the cores with that warm-up, as the first visitors after a start do. "
        )
    return (
        "The server ran with `WARM_PAGES=false`: no page warm-up shared the cores, as for visitors once the "
        "warm-up has ended; its page cache stays nearly empty, so the memory figures leave out up to 256 MiB. "
    )


def _scope_note(size: int) -> list[str]:
    if size >= 10_000:
        return []
    return [
        f"The targets are set at 10,000 descriptions; this run measured {size:,} at most "
        "(`CAP_PTCE_BENCH_SHARING_SIZES=1000,10000` for both): the verdicts below are for that size.",
        "",
    ]


def _warm_state(server: dict) -> str:
    if not server.get("warm_pages", True):
        return "no page warm-up"
    if server.get("warm_up_s") is None:
        return "the page warm-up still running"
    return f"the page warm-up ended after {server['warm_up_s']} s"


def _server_share(size: dict) -> str:
    server, copy = size["server"], size["one_copy"]["copy_pss_mib"]
    end = server.get("pss_end_mib", server["pss_after_queries_mib"])
    return (
        f"{server['pss_copied_mib']['server']:,.0f} MiB once the copy is made "
        f"({server['pss_copied_mib']['server'] / copy:.2f} ×), {end['server']:,.0f} MiB at the end "
        f"({end['server'] / copy:.2f} ×)"
    )


def _pss_cell(pss: dict) -> str:
    return (
        f"{pss['total']:,.0f} MiB (server {pss['server']:,.0f}, copy {pss.get('copy', pss.get('zygote', 0)):,.0f}, "
        f"workers {pss['workers']:,.0f}, other {pss['other']:,.0f}; workers' private pages "
        f"{', '.join(f'{p:,.0f}' for p in pss.get('workers_own', pss.get('workers_private_dirty', [])))} MiB)"
    )


def _size_section(size: dict) -> list[str]:
    server, copy = size["server"], size["one_copy"]
    lines = [
        "",
        f"## {size['descriptions']:,} descriptions",
        "",
        f"- One in-memory copy: {copy['copy_pss_mib']:,.0f} MiB ({copy['quads']:,} quads, made in {copy['copy_s']} s; "
        f"idle interpreter {copy['idle_interpreter_pss_mib']} MiB).",
        f"- First answer {server['first_answer_s']} s after start, every main worker answering after "
        f"{server.get('all_answering_s')} s ({server['answering_workers_at_first_answer']} "
        f"workers reading the folder); the in-memory copy made after {server['copied_s']} s.",
        f"- PSS once the copy is made: {_pss_cell(server['pss_copied_mib'])}.",
        f"- PSS after every ready-made query: {_pss_cell(server['pss_after_queries_mib'])}.",
        f"- PSS at the end ({_warm_state(server)}, {server.get('runtime_s')} s after start): "
        f"{_pss_cell(server.get('pss_end_mib', server['pss_after_queries_mib']))}.",
        f"- CPU (user + system, the server and its processes): {server.get('cpu_s_until_copied')} s until the "
        f"copy was made, {server.get('cpu_s_end')} s by the end.",
        f"- Killed idle worker: the next queries answered {server['replace_idle']['next_answer_s']} s after the "
        f"kill, a fresh worker had the store after {server['replace_idle']['replaced_s']} s; killed in the middle "
        f"of a visitor's query: replaced after {server['replace_busy'].get('replaced_s')} s, another client's next "
        "query answered "
        f"{server['replace_busy']['next_answer_s']} s after the kill (the killed query got "
        f"{server['replace_busy']['killed_query'].get('status')} {server['replace_busy']['killed_query'].get('error')}).",
    ]
    if "before" in size:
        before = size["before"]
        lines.append(
            f"- Before (an earlier design): first answer {before['first_answer_s']} s, copies made after "
            f"{before['copies_made_s']} s, PSS {_pss_cell(before['pss_mib'])}."
        )
    lines += [
        "",
        "| query | first runs (ms) | median (ms) | CPU a run (ms, server and its processes) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for query in server["queries"]:
        firsts = " / ".join(f"{t * 1000:.0f}" for t in query["first_runs_s"])
        median = f"{query['median_s'] * 1000:.1f}" if query["median_s"] is not None else f"failed ({query['failed']})"
        cpu = f"{query['cpu_s_per_run'] * 1000:.0f}" if query.get("cpu_s_per_run") is not None else ""
        lines.append(f"| `{query['name']}` | {firsts} | {median} | {cpu} |")
    return lines
