"""Benchmark: the knowledge base and its endpoint on generated corpora of 1,000 and 10,000 descriptions.

For each size N: the time to write the corpus (``cap-ptce generate``) and to load
it into an on-disk store (``cap-ptce load``), the store's size on disk, the time
``cap-ptce serve`` takes to answer its first query and its memory (resident set
of the server and of its query workers), then, for every ready-made query with
its default parameters, the median time over several runs:

- through HTTP, a SPARQL Protocol POST to ``/sparql`` of the running server;
- through HTTP, the ready-made query's own twin ``/requetes/NAME.json``;
- on pyoxigraph directly, in this process, on an in-memory copy of the store
  (what the server's query workers run on) and on the folder opened read-only,
  with the results written as SPARQL JSON as the endpoint writes them;
- in rdflib's own engine, on the same quads in memory, stopped at a time limit
  (only up to ``RDFLIB_MAX_SIZE`` descriptions: rdflib needs minutes and
  gigabytes beyond).

Targets reported against: every ready-made query under 0.5 s median at 10,000
descriptions; the endpoint within 1.5× of pyoxigraph direct for small results
(at most 100 rows).

Settings (environment): ``CAP_PTCE_BENCH_KB_SIZES`` (``1000,10000``),
``CAP_PTCE_BENCH_KB_REPEAT`` (5 runs per query), ``CAP_PTCE_BENCH_KB_RDFLIB_TIMEOUT``
(seconds per rdflib query, 20), ``CAP_PTCE_BENCH_KB_RDFLIB_MAX_SIZE`` (1000).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox
import requests

from cap_ptce.queries import list_queries

BIN = Path(sys.executable).parent
SMALL_RESULT = 100  # rows: the overhead target applies to results up to this size
LATENCY_TARGET = 0.5  # seconds, median, at the largest size
OVERHEAD_TARGET = 1.5
VALIDATION_SAMPLE = 20  # descriptions loaded with validation, to price it per description


def settings() -> dict:
    """The benchmark's settings, from the environment."""
    env = os.environ.get
    return {
        "sizes": [int(n) for n in env("CAP_PTCE_BENCH_KB_SIZES", "1000,10000").split(",")],
        "repeat": int(env("CAP_PTCE_BENCH_KB_REPEAT", "5")),
        "rdflib_timeout": float(env("CAP_PTCE_BENCH_KB_RDFLIB_TIMEOUT", "20")),
        "rdflib_max_size": int(env("CAP_PTCE_BENCH_KB_RDFLIB_MAX_SIZE", "1000")),
    }


def run(results_dir: Path) -> dict:
    """Measure every size, write kb.json and kb.md into ``results_dir``."""
    config = settings()
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="cap-ptce-bench-kb-") as tmp:
        work = Path(tmp)
        validation = _validated_load_cost(work)
        sizes = [_measure_size(work, size, config) for size in config["sizes"]]
    figures = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "settings": config,
        "validated_load": validation,
        "sizes": sizes,
        "targets": _targets(sizes),
        "runtime_s": round(time.perf_counter() - started, 1),
        # The machine is shared: a load average over its core count means the figures include waiting.
        "load_average": {"start": round(load_before, 2), "end": round(os.getloadavg()[0], 2)},
    }
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "kb.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (results_dir / "kb.md").write_text(markdown(figures), encoding="utf-8")
    return figures


# --- one size ---------------------------------------------------------------------------


def _measure_size(work: Path, size: int, config: dict) -> dict:
    print(f"  kb: {size} descriptions", flush=True)
    corpus, store = work / f"corpus-{size}", work / f"store-{size}"
    generate_s = _timed_command("generate", str(size), "--seed", "0", "-o", str(corpus))
    load_s = _timed_command("load", str(corpus), "--store", str(store), "--no-validate")
    figures = {
        "descriptions": size,
        "generate_s": generate_s,
        "load_s": load_s,
        "store_bytes_after_load": _folder_bytes(store),
    }
    queries = {query.name: query.build({}) for query in list_queries()}
    figures["server"], http = _measure_server(store, queries, config["repeat"])
    figures["store_bytes_served"] = _folder_bytes(store)  # the server compacts the store before its workers read it
    direct, figures["quads"] = _measure_direct(store, queries, config["repeat"])
    rdflib = _measure_rdflib(store, queries, config["rdflib_timeout"]) if size <= config["rdflib_max_size"] else None
    figures["rdflib_skipped"] = (
        None if rdflib is not None else (f"rdflib not run above {config['rdflib_max_size']} descriptions")
    )
    figures["queries"] = [_query_row(name, http[name], direct[name], rdflib) for name in queries]
    return figures


def _query_row(name: str, http: dict, direct: dict, rdflib: dict | None) -> dict:
    return {
        "name": name,
        "rows": direct["rows"],
        "http_s": http["endpoint"],
        "page_json_s": http["page"],
        "pyoxigraph_memory_s": direct["memory"],
        "pyoxigraph_disk_s": direct["disk"],
        "overhead": round(http["endpoint"] / direct["memory"], 2) if direct["memory"] else None,
        "added_ms": round(1000 * (http["endpoint"] - direct["memory"]), 1),
        "rdflib_s": None if rdflib is None else rdflib.get(name),
    }


def _timed_command(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([str(BIN / "cap-ptce"), *args], check=True, stdout=subprocess.DEVNULL)
    return round(time.perf_counter() - start, 2)


def _folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def _validated_load_cost(work: Path) -> dict:
    """Loading with validation (what ``cap-ptce load`` does by default), per description."""
    corpus = work / "validated"
    _timed_command("generate", str(VALIDATION_SAMPLE), "--seed", "1", "-o", str(corpus))
    with_validation = _timed_command("load", str(corpus), "--store", str(work / "validated-store"))
    without = _timed_command("load", str(corpus), "--store", str(work / "plain-store"), "--no-validate")
    return {
        "descriptions": VALIDATION_SAMPLE,
        "with_validation_s": with_validation,
        "without_validation_s": without,
        "validation_per_description_s": round((with_validation - without) / VALIDATION_SAMPLE, 3),
    }


# --- through the server -----------------------------------------------------------------


def _measure_server(store: Path, queries: dict[str, str], repeat: int) -> tuple[dict, dict]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    start = time.perf_counter()
    server = subprocess.Popen(
        [str(BIN / "cap-ptce"), "serve", "--store", str(store), "--port", str(port), "--timeout", "60"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with requests.Session() as session:
            session.trust_env = False
            first_answer = _wait_for_first_answer(session, base, server) - start
            # The first worker answers while the others still copy the store: measure once all are idle.
            all_ready = _wait_until_workers_idle(server.pid) - start
            http = {name: _http_medians(session, base, name, text, repeat) for name, text in queries.items()}
            # the fixed cost of a request: HTTP, the view's checks, the hop to a worker, for an empty query
            empty = _median_time(
                lambda: session.post(
                    f"{base}/sparql", data=b"ASK {}", headers=_HEADERS, timeout=120
                ).raise_for_status(),
                repeat,
            )
            memory = _memory(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "first_answer_s": round(first_answer, 2),
        "workers_ready_s": round(all_ready, 2),
        "empty_query_s": empty,
        **memory,
    }, http


def _wait_for_first_answer(session: requests.Session, base: str, server: subprocess.Popen) -> float:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("cap-ptce serve stopped before answering")
        try:
            # Connecting says the server listens; the answer waits for a worker to hold the store.
            session.post(f"{base}/sparql", data="ASK {}", headers=_HEADERS, timeout=(1, 600)).raise_for_status()
            return time.perf_counter()
        except requests.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError("cap-ptce serve did not answer within 10 minutes")


def _wait_until_workers_idle(pid: int, quiet: float = 2.0) -> float:
    """When the server's children have used almost no CPU for ``quiet`` seconds (their store copied)."""
    deadline, last, calm_since = time.monotonic() + 900, _children_cpu(pid), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = _children_cpu(pid)
        if now - last > 0.05:
            calm_since = time.monotonic()
        last = now
        if time.monotonic() - calm_since >= quiet:
            return time.perf_counter() - quiet
    raise RuntimeError("the query workers were still busy after 15 minutes")


def _children(pid: int) -> list[int]:
    return [
        int(child) for task in Path(f"/proc/{pid}/task").iterdir() for child in (task / "children").read_text().split()
    ]


def _children_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by the children of ``pid``."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for child in _children(pid):
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime and stime (fields 14 and 15 of stat)
    return total / ticks


_HEADERS = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}


def _http_medians(session: requests.Session, base: str, name: str, text: str, repeat: int) -> dict:
    def endpoint():
        session.post(f"{base}/sparql", data=text.encode("utf-8"), headers=_HEADERS, timeout=120).raise_for_status()

    def page():
        session.get(f"{base}/requetes/{name}.json", timeout=120).raise_for_status()

    return {"endpoint": _median_time(endpoint, repeat), "page": _median_time(page, repeat)}


def _median_time(call, repeat: int) -> float:
    call()  # warm-up: worker start, caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 4)


def _memory(pid: int) -> dict:
    """Resident memory of the server process and of its children (the query workers), in MiB."""
    server = _rss_mib(pid)
    children = _children(pid)
    workers = sum(_rss_mib(child) for child in children)
    return {
        "server_rss_mib": server,
        "workers": len(children),
        "workers_rss_mib": round(workers, 1),
        "total_rss_mib": round(server + workers, 1),
    }


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- pyoxigraph directly and rdflib -----------------------------------------------------


def _measure_direct(store_folder: Path, queries: dict[str, str], repeat: int) -> tuple[dict, int]:
    """Each query on pyoxigraph in this process: the folder read-only, and a copy in memory.

    The server's workers copy the store into memory (see cap_ptce.sparql.workers),
    so the copy is the engine configuration that the endpoint's overhead is measured against.
    """
    on_disk = ox.Store.read_only(str(store_folder))
    in_memory = ox.Store()
    in_memory.bulk_load(on_disk.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    found = {}
    for name, text in queries.items():
        disk_call, memory_call = _direct_call(on_disk, text), _direct_call(in_memory, text)
        rows = len(json.loads(memory_call())["results"]["bindings"])
        found[name] = {
            "disk": _median_time(disk_call, repeat),
            "memory": _median_time(memory_call, repeat),
            "rows": rows,
        }
    return found, len(on_disk)


def _direct_call(store: ox.Store, text: str):
    def call() -> bytes:
        results = store.query(text, use_default_graph_as_union=True)
        return results.serialize(format=ox.QueryResultsFormat.JSON)

    return call


def _measure_rdflib(store_folder: Path, queries: dict[str, str], timeout: float) -> dict:
    """Each query once in rdflib's engine (one run: a slow engine makes medians too long to take)."""
    dump = store_folder.parent / f"{store_folder.name}.nq"
    ox.Store.read_only(str(store_folder)).dump(output=str(dump), format=ox.RdfFormat.N_QUADS)
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    worker = context.Process(target=_rdflib_worker, args=(str(dump), queries, timeout, child))
    worker.start()
    budget = 600 + len(queries) * (timeout + 5)
    found = parent.recv() if parent.poll(budget) else {}
    worker.kill() if worker.is_alive() else None
    worker.join()
    return found


def _rdflib_worker(dump: str, queries: dict[str, str], timeout: float, connection) -> None:
    from rdflib import Dataset

    dataset = Dataset(default_union=True)
    dataset.parse(dump, format="nquads")
    found = {}

    def stop(*_):
        raise TimeoutError

    signal.signal(signal.SIGALRM, stop)
    for name, text in queries.items():
        start = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            list(dataset.query(text))
            found[name] = round(time.perf_counter() - start, 3)
        except TimeoutError:
            found[name] = f"> {timeout:g}"
        except Exception as exc:  # rdflib's own failures are a result worth reporting
            found[name] = f"error: {type(exc).__name__}"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    connection.send(found)


# --- report -----------------------------------------------------------------------------


def _over_overhead(size: dict) -> list[str]:
    return [q["name"] for q in size["queries"] if q["rows"] <= SMALL_RESULT and q["overhead"] > OVERHEAD_TARGET]


def _targets(sizes: list[dict]) -> dict:
    largest = max(sizes, key=lambda size: size["descriptions"])
    slow = [q["name"] for q in largest["queries"] if q["http_s"] >= LATENCY_TARGET]
    heavy = _over_overhead(largest)
    return {
        "at_descriptions": largest["descriptions"],
        "latency_under_0_5_s": not slow,
        "over_latency": slow,
        "overhead_within_1_5": not heavy,
        "over_overhead": heavy,
        "over_overhead_by_size": {size["descriptions"]: _over_overhead(size) for size in sizes},
    }


def _machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
    oxigraph = subprocess.run([str(BIN / "oxigraph"), "--version"], capture_output=True, text=True).stdout.strip()
    versions = {
        name: metadata.version(name)
        for name in ("cap-ptce", "pyoxigraph", "rdflib", "Flask", "waitress")
        if _installed(name)
    }
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mib": memory,
        "system": platform.platform(),
        "python": platform.python_version(),
        "oxigraph_server": oxigraph,
        **versions,
    }


def _installed(name: str) -> bool:
    try:
        metadata.version(name)
    except metadata.PackageNotFoundError:
        return False
    return True


def _ms(value) -> str:
    return f"{value * 1000:.1f}" if isinstance(value, (int, float)) else "—"


def _rdflib_cell(value) -> str:
    if value is None:
        return "not run"
    return f"{value:.2f}" if isinstance(value, (int, float)) else str(value)


def markdown(figures: dict) -> str:
    """The figures as a Markdown page (kb.md)."""
    machine, targets, validated = figures["machine"], figures["targets"], figures["validated_load"]
    lines = [
        "# Knowledge base and endpoint benchmark",
        "",
        f"Measured {figures['date']} by `python -m bench kb` in {figures['runtime_s']:.0f} s, on "
        f"{machine['cpu']} ({machine['cores']} cores, {machine['memory_mib']} MiB), {machine['system']}; "
        f"Python {machine['python']}, pyoxigraph {machine.get('pyoxigraph')}, rdflib {machine.get('rdflib')}, "
        f"{machine['oxigraph_server']}. Load average {figures['load_average']['start']} at the start and "
        f"{figures['load_average']['end']} at the end (other work shared the machine). Medians of {figures['settings']['repeat']} runs after one warm-up; "
        "each ready-made query with its default parameters. The corpora are written by "
        "`cap-ptce generate N --seed 0` and loaded by `cap-ptce load --no-validate`. "
        "The overhead is HTTP /sparql over pyoxigraph on an in-memory copy of the store, which is what "
        "the server's query workers run on; pyoxigraph on the read-only folder is shown beside it. "
        f"rdflib runs each query once and is stopped at {figures['settings']['rdflib_timeout']:g} s.",
        "",
        "## Targets",
        "",
        f"- Every ready-made query under {LATENCY_TARGET} s median through HTTP at "
        f"{targets['at_descriptions']:,} descriptions: **{'met' if targets['latency_under_0_5_s'] else 'not met'}**"
        + (f" (over: {', '.join(targets['over_latency'])})" if targets["over_latency"] else "")
        + ".",
        f"- Endpoint overhead within {OVERHEAD_TARGET}× of pyoxigraph direct for results of at most "
        f"{SMALL_RESULT} rows, at {targets['at_descriptions']:,} descriptions: "
        f"**{'met' if targets['overhead_within_1_5'] else 'not met'}**"
        + (f" (over: {', '.join(targets['over_overhead'])})" if targets["over_overhead"] else "")
        + ".",
        *_smaller_sizes_overhead(figures),
        "",
        "## Loading with validation",
        "",
        f"`cap-ptce load` validates each description by default: {validated['with_validation_s']} s for "
        f"{validated['descriptions']} descriptions against {validated['without_validation_s']} s without, so "
        f"about {validated['validation_per_description_s']} s of validation per description. The corpora below "
        "are loaded without it.",
    ]
    for size in figures["sizes"]:
        lines += _size_section(size)
    return "\n".join(lines) + "\n"


def _smaller_sizes_overhead(figures: dict) -> list[str]:
    """Where the overhead target is missed on the smaller corpora, and the fixed cost that explains it."""
    lines = []
    for size in figures["sizes"]:
        over = figures["targets"].get("over_overhead_by_size", {}).get(size["descriptions"], [])
        if size["descriptions"] == figures["targets"]["at_descriptions"] or not over:
            continue
        fastest = min(q["pyoxigraph_memory_s"] for q in size["queries"] if q["name"] in over)
        slowest = max(q["pyoxigraph_memory_s"] for q in size["queries"] if q["name"] in over)
        lines.append(
            f"- At {size['descriptions']:,} descriptions the overhead is over {OVERHEAD_TARGET}× for "
            f"{len(over)} queries ({', '.join(over)}), which pyoxigraph answers in {_ms(fastest)} to "
            f"{_ms(slowest)} ms: an empty query (`ASK {{}}`) already takes "
            f"{_ms(size['server'].get('empty_query_s'))} ms through the endpoint (HTTP, checks, the hop to a "
            "worker process): the fixed cost of a request, which weighs most on the fastest queries."
        )
    return lines


def _size_section(size: dict) -> list[str]:
    server = size["server"]
    lines = [
        "",
        f"## {size['descriptions']:,} descriptions",
        "",
        f"- {size['quads']:,} quads; written in {size['generate_s']} s, loaded in {size['load_s']} s.",
        f"- Store on disk: {size['store_bytes_after_load'] / 2**20:.0f} MiB after loading, "
        f"{size['store_bytes_served'] / 2**20:.0f} MiB once the server has compacted it.",
        f"- `cap-ptce serve --store` answers its first query {server['first_answer_s']} s after start, all its "
        f"workers are ready after {server.get('workers_ready_s', '?')} s (measurements start then); resident "
        f"memory {server['server_rss_mib']} MiB for the server and {server['workers_rss_mib']} MiB for its "
        f"{server['workers']} query workers ({server['total_rss_mib']} MiB in all); an empty query "
        f"(`ASK {{}}`) takes {_ms(server.get('empty_query_s'))} ms through HTTP /sparql.",
    ]
    if size["rdflib_skipped"]:
        lines.append(f"- rdflib: {size['rdflib_skipped']} (loading the quads alone takes minutes and gigabytes).")
    lines += [
        "",
        "| query | rows | HTTP /sparql (ms) | HTTP /requetes/…json (ms) | pyoxigraph in memory (ms) "
        "| overhead | added (ms) | pyoxigraph on disk (ms) | rdflib (s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for query in size["queries"]:
        lines.append(
            f"| `{query['name']}` | {query['rows']} | {_ms(query['http_s'])} | {_ms(query['page_json_s'])} | "
            f"{_ms(query['pyoxigraph_memory_s'])} | {query['overhead']}× | {query['added_ms']} | "
            f"{_ms(query['pyoxigraph_disk_s'])} | "
            f"{_rdflib_cell(query['rdflib_s'])} |"
        )
    return lines
