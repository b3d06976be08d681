"""Benchmark, on demand (``make bench-large``): the knowledge base on Oxigraph server at 100,000 descriptions.

Not part of ``make bench``: it needs well over an hour and about 20 GB of disk on 2 cores.
``cap-ptce generate 100000 --seed 0`` writes the corpus; ``cap-ptce load
--no-validate --store URL`` loads it into an Oxigraph server through the Graph
Store Protocol in steps of 10,000 descriptions, each step an incremental load
as a growing observatory would run it (the files already loaded are only
checksummed; provenance and indicators are recomputed over the whole store at
each step). Then every ready-made query with its default parameters is timed
through the server's SPARQL endpoint (median of a few runs after a warm-up).
The figures are written after each step, so a run stopped early still says
how far it went.

Settings (environment): ``CAP_PTCE_BENCH_LARGE_SIZE`` (100000),
``CAP_PTCE_BENCH_LARGE_STEP`` (10000), ``CAP_PTCE_BENCH_LARGE_REPEAT`` (3),
``CAP_PTCE_BENCH_LARGE_TIMEOUT`` (seconds per query, 600).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

from cap_ptce.queries import list_queries

from .kb import BIN, _folder_bytes, _machine, _timed_command
from .server_kinds import SERVERS

ON_DEMAND = True  # python -m bench runs it only when named


def settings() -> dict:
    env = os.environ.get
    return {
        "size": int(env("CAP_PTCE_BENCH_LARGE_SIZE", "100000")),
        "step": int(env("CAP_PTCE_BENCH_LARGE_STEP", "10000")),
        "repeat": int(env("CAP_PTCE_BENCH_LARGE_REPEAT", "3")),
        "timeout": float(env("CAP_PTCE_BENCH_LARGE_TIMEOUT", "600")),
    }


def run(results_dir: Path) -> dict:
    config = settings()
    figures = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "machine": _machine(), "settings": config}
    figures["load_average_start"] = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="cap-ptce-bench-large-") as tmp:
        work = Path(tmp)
        generated = work / "generated"
        figures["generate_s"] = _timed_command("generate", str(config["size"]), "--seed", "0", "-o", str(generated))
        oxigraph = SERVERS["oxigraph"]
        server = oxigraph.serve(work)
        try:
            figures["steps"] = []
            for done in range(config["step"], config["size"] + config["step"], config["step"]):
                figures["steps"].append(_load_step(generated, work / "corpus", server.url, min(done, config["size"])))
                figures["store_bytes"] = _folder_bytes(work / "oxigraph")
                _write(results_dir, figures)
            figures["load_s"] = round(sum(step["seconds"] for step in figures["steps"]), 1)
            figures["queries"] = _query_medians(server.url, config)
        finally:
            oxigraph.stop(server)
    figures["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    _write(results_dir, figures)
    return figures


def _load_step(generated: Path, corpus: Path, url: str, count: int) -> dict:
    """Link the first ``count`` generated files into the corpus folder, then load it incrementally."""
    corpus.mkdir(exist_ok=True)
    for path in sorted(generated.glob("*.yaml"))[:count]:
        if not (corpus / path.name).exists():
            os.link(path, corpus / path.name)
    load_average = round(os.getloadavg()[0], 2)
    start = time.perf_counter()
    subprocess.run(
        [str(BIN / "cap-ptce"), "load", str(corpus), "--store", url, "--no-validate"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = round(time.perf_counter() - start, 1)
    print(f"  large: {count} descriptions loaded, step {seconds} s", flush=True)
    return {"descriptions": count, "seconds": seconds, "load_average": load_average}


def _query_medians(url: str, config: dict) -> list[dict]:
    found = []
    with requests.Session() as session:
        session.trust_env = False
        for query in list_queries():
            load_average, times, rows = round(os.getloadavg()[0], 2), [], None
            try:
                for run in range(config["repeat"] + 1):  # the first is a warm-up
                    start = time.perf_counter()
                    response = session.post(
                        url,
                        data={"query": query.build({})},
                        headers={"Accept": "application/sparql-results+json"},
                        timeout=config["timeout"],
                    )
                    response.raise_for_status()
                    rows = len(response.json()["results"]["bindings"])
                    if run:
                        times.append(time.perf_counter() - start)
                median = round(statistics.median(times), 3)
            except requests.Timeout:
                median = None
            found.append({"name": query.name, "rows": rows, "median_s": median, "load_average": load_average})
    return found


def _write(results_dir: Path, figures: dict) -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(figures, indent=2, ensure_ascii=False) + "\n"
    (results_dir / "servers_large.json").write_text(text, encoding="utf-8")
    (results_dir / "servers_large.md").write_text(markdown(figures), encoding="utf-8")


def markdown(figures: dict) -> str:
    """The figures as a Markdown page (servers_large.md)."""
    config, steps = figures["settings"], figures.get("steps", [])
    loaded = steps[-1]["descriptions"] if steps else 0
    lines = [
        f"# The knowledge base on Oxigraph server: {config['size']:,} descriptions",
        "",
        f"Started {figures['date']} by `python -m bench servers_large` on {figures['machine']['cpu']} "
        f"({figures['machine']['cores']} cores, {figures['machine']['memory_mib']} MiB), "
        f"{figures['machine']['oxigraph_server']}; load average (1, 5, 15 min) {figures['load_average_start']} "
        f"at the start"
        + (f" and {figures['load_average_end']} at the end" if "load_average_end" in figures else "")
        + ": other work shared the machine, so the figures carry that noise.",
        "",
        f"- Corpus written by `cap-ptce generate {config['size']} --seed 0` in {figures['generate_s']} s.",
        f"- Loaded so far: **{loaded:,} of {config['size']:,}** descriptions, by `cap-ptce load --no-validate "
        f"--store URL` (Graph Store Protocol) in steps of {config['step']:,}: "
        f"{sum(step['seconds'] for step in steps):.0f} s in all; the server's folder holds "
        f"{figures.get('store_bytes', 0) / 2**30:.1f} GiB.",
        "",
        "| descriptions | step (s) | load average |",
        "| ---: | ---: | ---: |",
        *[f"| {s['descriptions']:,} | {s['seconds']} | {s['load_average']} |" for s in steps],
    ]
    if "queries" in figures:
        lines += [
            "",
            f"## Ready-made queries at {loaded:,} descriptions, through Oxigraph server's endpoint",
            "",
            f"Median of {config['repeat']} runs after a warm-up; a query past {config['timeout']:g} s is marked so.",
            "",
            "| query | rows | median (s) | load average |",
            "| --- | ---: | ---: | ---: |",
        ]
        for q in figures["queries"]:
            median = "timed out" if q["median_s"] is None else q["median_s"]
            lines.append(f"| `{q['name']}` | {q['rows']} | {median} | {q['load_average']} |")
    return "\n".join(lines) + "\n"
