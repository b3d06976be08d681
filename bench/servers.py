"""Benchmark: our endpoint beside Oxigraph server and rdflib-endpoint on the same generated corpus.

One corpus (``cap-ptce generate N --seed 0``, N = 1,000 by default) is loaded
into each server by that server's own route, then every server is measured
the same way, one at a time, from this process:

- **our endpoint**: ``cap-ptce load --no-validate`` into a folder (YAML read,
  converted, indicators computed), then ``cap-ptce serve --store FOLDER``;
- **Oxigraph server** (PyPI ``oxigraph``): ``oxigraph load`` (its bulk loader) of
  the same store's N-Quads dump, then ``oxigraph serve --union-default-graph``;
- **rdflib-endpoint** (PyPI ``rdflib-endpoint``): ``rdflib-endpoint serve`` of the
  same dump, which parses it into rdflib's memory store at start;
- **Virtuoso** (Debian's ``virtuoso-t``, when installed): ``cap-ptce load
  --no-validate --store URL`` through its authenticated Graph Store.

Figures per server: the load time (for the servers that load at start, the
time until the first answer), each ready-made query's median through HTTP (a
SPARQL Protocol POST, JSON results; the row count is checked against ours),
sequential requests per second on a small query, and the memory of the server
with its children (proportional set size, PSS: shared pages counted once). Each
is also given as a ratio to our endpoint. rdflib answers one request at a
time and cannot stop a query: a query past the time limit is reported as such
and the server is started again before the next one.

Settings (environment): ``CAP_PTCE_BENCH_SERVERS_SIZE`` (1000),
``CAP_PTCE_BENCH_SERVERS_REPEAT`` (5), ``CAP_PTCE_BENCH_SERVERS_TIMEOUT``
(seconds per query, 20), ``CAP_PTCE_BENCH_SERVERS_SECONDS`` (seconds of
sequential requests, 10), ``CAP_PTCE_BENCH_SERVERS_ONLY`` (a comma-separated
subset of ours, oxigraph, rdflib-endpoint, virtuoso).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

from cap_ptce.queries import list_queries

from .kb import _children, _machine, _timed_command
from .server_kinds import SERVERS
from .validation_engines import BUSY_LOAD

SMALL_QUERY = "PREFIX cap: <https://w3id.org/cap-ptce/def#> SELECT ?projet WHERE { ?projet a cap:Project } LIMIT 10"


def settings() -> dict:
    env = os.environ.get
    only = env("CAP_PTCE_BENCH_SERVERS_ONLY", "")
    return {
        "size": int(env("CAP_PTCE_BENCH_SERVERS_SIZE", "1000")),
        "repeat": int(env("CAP_PTCE_BENCH_SERVERS_REPEAT", "5")),
        "timeout": float(env("CAP_PTCE_BENCH_SERVERS_TIMEOUT", "20")),
        "seconds": float(env("CAP_PTCE_BENCH_SERVERS_SECONDS", "10")),
        "only": [name for name in only.split(",") if name] or list(SERVERS),
    }


def run(results_dir: Path) -> dict:
    """Measure every server on one corpus; write servers.json and servers.md into ``results_dir``."""
    config = settings()
    started, load_before = time.perf_counter(), os.getloadavg()
    queries = {query.name: query.build({}) for query in list_queries()}
    with tempfile.TemporaryDirectory(prefix="cap-ptce-bench-servers-") as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        generate_s = _timed_command("generate", str(config["size"]), "--seed", "0", "-o", str(corpus))
        servers = {}
        for name in config["only"]:
            print(f"  servers: {name}", flush=True)
            servers[name] = measure(SERVERS[name], work, corpus, queries, config)
            _write(results_dir, _figures(config, generate_s, servers, started, load_before))
    return _figures(config, generate_s, servers, started, load_before)


def _figures(config: dict, generate_s: float, servers: dict, started: float, load_before) -> dict:
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "settings": config,
        "descriptions": config["size"],
        "generate_s": generate_s,
        "servers": servers,
        "ratios": ratios(servers),
        "runtime_s": round(time.perf_counter() - started, 1),
        "load_average": {"start": [round(x, 2) for x in load_before], "end": [round(x, 2) for x in os.getloadavg()]},
    }


def _write(results_dir: Path, figures: dict) -> None:
    """Written after each server: a run stopped midway keeps what it measured."""
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "servers.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", "utf-8")
    (results_dir / "servers.md").write_text(markdown(figures), encoding="utf-8")


# --- one server ---------------------------------------------------------------------------


def measure(server, work: Path, corpus: Path, queries: dict[str, str], config: dict) -> dict:
    if not server.available():
        return {"skipped": server.missing}
    load_average = round(os.getloadavg()[0], 2)
    started = server.start(work, corpus)
    found, firsts, rows, restarts = {}, {}, {}, 0
    try:
        with _session() as session:
            for name, text in queries.items():
                outcome = _query_median(session, started.url, text, config)
                found[name], firsts[name], rows[name] = outcome["median_s"], outcome["first_s"], outcome["rows"]
                if outcome["median_s"] is None:  # stopped at the limit: the server may still be at it
                    started = server.restart(started, work)
                    restarts += 1
            per_second = _requests_per_second(session, started.url, config["seconds"])
            memory = pss_mib(started.process.pid)
    finally:
        server.stop(started)
    return {
        "label": server.label,
        "load_route": server.route,
        "load_s": started.load_s,
        "ready_s": started.ready_s,
        "queries_s": found,
        "first_runs_s": firsts,
        "rows": rows,
        "small_query_per_s": per_second,
        "pss_mib": memory,
        "restarts_after_timeouts": restarts,
        "load_average_at_start": load_average,
    }


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    return session


def _ask(session: requests.Session, url: str, text: str, timeout: float) -> int:
    response = session.post(
        url, data={"query": text}, headers={"Accept": "application/sparql-results+json"}, timeout=timeout
    )
    response.raise_for_status()
    return len(response.json()["results"]["bindings"])


def _query_median(session: requests.Session, url: str, text: str, config: dict) -> dict:
    """Median of ``repeat`` runs after a warm-up; runs stop early past 20 s in all (slow engines)."""
    try:
        start = time.perf_counter()
        rows = _ask(session, url, text, config["timeout"])
        first = round(time.perf_counter() - start, 4)
        times, budget_end = [], time.perf_counter() + max(20.0, time.perf_counter() - start)
        while len(times) < config["repeat"] and (not times or time.perf_counter() < budget_end):
            start = time.perf_counter()
            _ask(session, url, text, config["timeout"])
            times.append(time.perf_counter() - start)
    except (requests.Timeout, requests.HTTPError):  # the client's limit, or the server's own (503)
        return {"median_s": None, "first_s": None, "rows": None}
    return {"median_s": round(statistics.median(times), 4), "first_s": first, "rows": rows, "runs": len(times)}


def _requests_per_second(session: requests.Session, url: str, seconds: float) -> float:
    _ask(session, url, SMALL_QUERY, 60)
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        _ask(session, url, SMALL_QUERY, 60)
        count += 1
    return round(count / (time.perf_counter() - start), 1)


def pss_mib(pid: int) -> float:
    """Proportional set size of ``pid`` and all its descendants, in MiB (shared pages counted once)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
            pending += _children(current)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return round(total / 1024, 1)


# --- report -------------------------------------------------------------------------------


def _ratio(value, reference):
    if not isinstance(value, (int, float)) or not isinstance(reference, (int, float)) or not reference:
        return None
    return round(value / reference, 2)


def ratios(servers: dict) -> dict:
    """Each server's figures over ours (above 1: slower, fewer requests or more memory than ours)."""
    ours = servers.get("ours")
    if not ours or "skipped" in ours:
        return {}
    found = {}
    for name, figures in servers.items():
        if name == "ours" or "skipped" in figures:
            continue
        found[name] = {
            "load": _ratio(figures["load_s"], ours["load_s"]),
            "queries": {q: _ratio(figures["queries_s"][q], ours["queries_s"][q]) for q in ours["queries_s"]},
            "small_query_per_s": _ratio(figures["small_query_per_s"], ours["small_query_per_s"]),
            "pss": _ratio(figures["pss_mib"], ours["pss_mib"]),
            "rows_differ": [q for q in ours["rows"] if figures["rows"][q] not in (None, ours["rows"][q])],
        }
    return found


def _ms(value) -> str:
    return f"{value * 1000:.1f}" if isinstance(value, (int, float)) else "—"


def _quiet_or_not(load_before: float) -> str:
    if load_before < BUSY_LOAD:
        return ": nothing else ran before it (the load during the run is the servers' own)"
    return ": other work shared the machine, so every figure carries that noise"


def markdown(figures: dict) -> str:
    """The figures as a Markdown page (servers.md)."""
    servers = {name: s for name, s in figures["servers"].items() if "skipped" not in s}
    names = list(servers)
    machine, load = figures["machine"], figures["load_average"]
    lines = [
        "# Our endpoint beside other SPARQL servers",
        "",
        f"Measured {figures['date']} by `python -m bench servers` in {figures['runtime_s']:.0f} s on "
        f"{machine['cpu']} ({machine['cores']} cores, {machine['memory_mib']} MiB); load average (1, 5, 15 min) "
        f"{load['start']} at the start and {load['end']} at the end{_quiet_or_not(load['start'][0])}. "
        f"Corpus: `cap-ptce generate {figures['descriptions']} --seed 0`. Medians of "
        f"{figures['settings']['repeat']} runs after a warm-up (fewer for queries over 20 s), each ready-made "
        "query with its default parameters, POSTed as a SPARQL Protocol form, JSON results. "
        "Ratios are the server's figure over ours.",
        "",
        *[f"- {s['label']} was not run: {s['skipped']}." for s in figures["servers"].values() if "skipped" in s],
        "",
        "| | " + " | ".join(servers[n]["label"] for n in names) + " |",
        "| --- |" + " ---: |" * len(names),
        "| load route | " + " | ".join(servers[n]["load_route"] for n in names) + " |",
        "| load (s) | " + " | ".join(_with_ratio(figures, n, "load_s", "load") for n in names) + " |",
        "| first answer after start (s) | " + " | ".join(str(servers[n]["ready_s"]) for n in names) + " |",
        "| small query, sequential requests/s | "
        + " | ".join(_with_ratio(figures, n, "small_query_per_s", "small_query_per_s") for n in names)
        + " |",
        "| memory, PSS (MiB) | " + " | ".join(_with_ratio(figures, n, "pss_mib", "pss") for n in names) + " |",
        "| load average when its measures began | "
        + " | ".join(str(servers[n]["load_average_at_start"]) for n in names)
        + " |",
        "",
        f"Small query: `{SMALL_QUERY}`.",
        "",
        "## Ready-made queries, median (ms), ratio to ours",
        "",
        *_kept_answers_note(servers),
        "| query | rows | "
        + " | ".join(servers[n]["label"] for n in names)
        + (" | our endpoint, first run (ms) |" if "ours" in names else " |"),
        "| --- | ---: |" + " ---: |" * (len(names) + ("ours" in names)),
    ]
    reference = servers.get("ours") or next(iter(servers.values()))
    for query in reference["queries_s"]:
        cells = [_query_cell(figures, n, query) for n in names]
        if "ours" in names:
            first = servers["ours"].get("first_runs_s", {}).get(query)
            cells.append(_ms(first) if first is not None else "")
        lines.append(f"| `{query}` | {reference['rows'][query]} | " + " | ".join(cells) + " |")
    differ = {n: r["rows_differ"] for n, r in figures["ratios"].items() if r["rows_differ"]}
    lines += ["", "Row counts differing from ours: " + (json.dumps(differ) if differ else "none") + "."]
    return "\n".join(lines) + "\n"


def _kept_answers_note(servers: dict) -> list[str]:
    if "ours" not in servers or "first_runs_s" not in servers["ours"]:
        return []
    return [
        "Our endpoint keeps a ready-made query's answer until the store is written, as its pages do; the other "
        "servers run each request again. So its medians are of answers kept in memory, and the last column gives "
        "its first run, which computed the answer.",
        "",
    ]


def _with_ratio(figures: dict, name: str, key: str, ratio_key: str) -> str:
    value = figures["servers"][name][key]
    ratio = figures["ratios"].get(name, {}).get(ratio_key)
    return f"{value}" + (f" ({ratio}×)" if ratio is not None else "")


def _query_cell(figures: dict, name: str, query: str) -> str:
    value = figures["servers"][name]["queries_s"][query]
    if value is None:
        return f"> {figures['settings']['timeout']:g} s"
    ratio = figures["ratios"].get(name, {}).get("queries", {}).get(query)
    return _ms(value) + (f" ({ratio}×)" if ratio is not None else "")
